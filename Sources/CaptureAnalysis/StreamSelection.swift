import PacketCapture
import SensorStreams
import TCPAnalysis

/// Which connections of a capture to look at: all, one stream, or every connection of one board.
///
/// A class's capture holds thirty boards, all of them 127.0.0.1 when simulated, so addresses
/// cannot tell them apart; the name each board sends in its HELLO line can. Finding it needs the
/// board's bytes rebuilt, so `--device` reads the capture once to find the streams, then the
/// views read it again with those streams only.
public enum StreamSelection: Sendable, Equatable {
    case all
    case stream(Int)
    case device(String)

    /// The streams this selection stands for in `file` (nil: all of them). Throws when a device
    /// says no HELLO in the capture, naming the devices that did.
    public func streams(in file: String, filter: String? = nil) throws -> Set<Int>? {
        switch self {
        case .all: return nil
        case .stream(let stream): return [stream]
        case .device(let name):
            let names = try Self.deviceNames(in: file, filter: filter)
            let matching = Set(names.filter { $0.value.caseInsensitiveCompare(name) == .orderedSame }.keys)
            guard !matching.isEmpty else { throw SelectionError.noSuchDevice(name, known: Set(names.values).sorted()) }
            return matching
        }
    }

    /// Each stream whose client said `HELLO <name>`, with that name.
    public static func deviceNames(in file: String, filter: String? = nil) throws -> [Int: String] {
        let reader = try CaptureReader.open(file: file, filter: filter, keepHistory: false)
        let tracker = ReadingTracker()
        var names: [Int: String] = [:]
        func take(_ readings: [RebuiltReading]) {
            for reading in readings { if case .hello(let name) = reading.outcome { names[reading.stream] = name } }
        }
        try reader.read { analyzed, record in take(tracker.process(analyzed, bytes: record.bytes).readings) }
        take(tracker.finish())
        return names
    }
}

public enum SelectionError: Error, Sendable, CustomStringConvertible {
    case noSuchDevice(String, known: [String])

    public var description: String {
        switch self {
        case .noSuchDevice(let name, let known):
            "no board named '\(name)' in the capture (no HELLO \(name) was captured)"
                + (known.isEmpty ? "; no board sent HELLO in it, so use --stream N" : "; the boards in it: " + known.joined(separator: ", "))
        }
    }
}
