import NIOConcurrencyHelpers

/// The TCP segments that carried each reading, from a capture running beside the server
/// (`serve --web … --capture IFACE`): the page shows them when a reading is opened.
///
/// A reading is known to the server by its connection's peer and its line number on that
/// connection; the capture rebuilds the same stream and numbers its lines the same way, so the
/// pair ties the server's reading to the frames. Bounded: the last `capacity` readings.
public final class PacketLinks: Sendable {
    /// How one reading travelled.
    public struct Carriage: Sendable, Hashable {
        /// Frame numbers (in the capture since it started) that carried the line, its ending included.
        public var frames: [Int]
        /// Relative sequence numbers (Wireshark's) of the line's first byte and of the byte after its ending.
        public var sequence: UInt32
        public var nextSequence: UInt32
        /// Readings completed by the same segment as this one (1: it came alone).
        public var completedTogether: Int

        public init(frames: [Int], sequence: UInt32, nextSequence: UInt32, completedTogether: Int) {
            self.frames = frames
            self.sequence = sequence
            self.nextSequence = nextSequence
            self.completedTogether = completedTogether
        }

        /// More than one segment carried it: `recv` could have returned half of it.
        public var isSplit: Bool { self.frames.count > 1 }
        /// Its last segment also completed other readings.
        public var isCoalesced: Bool { self.completedTogether > 1 }
    }

    public let capacity: Int
    /// The interface the capture runs on, for the page.
    public let interface: String
    private let state = NIOLockedValueBox(State())

    private struct State {
        var byKey: [String: Carriage] = [:]
        var order: [String] = []
        var start = 0
    }

    public init(interface: String, capacity: Int = 200_000) {
        self.interface = interface
        self.capacity = capacity
    }

    public func record(peer: String, line: Int, _ carriage: Carriage) {
        let key = Self.key(peer: peer, line: line)
        let capacity = self.capacity
        self.state.withLockedValue { state in
            if state.byKey.updateValue(carriage, forKey: key) == nil { state.order.append(key) }
            while state.order.count - state.start > capacity {
                state.byKey[state.order[state.start]] = nil
                state.start += 1
            }
            if state.start > capacity {
                state.order.removeFirst(state.start)
                state.start = 0
            }
        }
    }

    public func carriage(peer: String, line: Int) -> Carriage? {
        let key = Self.key(peer: peer, line: line)
        return self.state.withLockedValue { $0.byKey[key] }
    }

    private static func key(peer: String, line: Int) -> String { "\(peer)#\(line)" }
}
