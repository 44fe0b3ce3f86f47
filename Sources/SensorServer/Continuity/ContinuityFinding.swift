import SensorProtocol

/// What the board's counters say happened between two readings that did arrive.
///
/// TCP delivers, in order, the bytes that reached the server's kernel. It cannot deliver what a
/// board wrote into a connection that was already dead (Wi-Fi gone, server restarted): the board's
/// `write` succeeded locally and the bytes died with the connection. `seq` makes that visible.
public enum ContinuityFinding: Sendable, Hashable {
    /// `seq` jumped: readings `expected ..< received` never arrived.
    case gap(expected: UInt32, received: UInt32)
    /// The same `seq` arrived again (a board resending after a reconnect, or a bug).
    case repeated(seq: UInt32)
    /// `seq` or `millis` went back: the board rebooted.
    case restart(previousSeq: UInt32, previousMillis: UInt32, seq: UInt32, millis: UInt32)

    /// Readings lost in a gap (0 for the other findings).
    public var missingReadings: Int {
        if case .gap(let expected, let received) = self { return Int(received - expected) }
        return 0
    }
}

/// The last reading seen from one device, and the rule that compares the next one with it.
public struct DeviceContinuity: Sendable {
    private var last: (seq: UInt32, millis: UInt32)?

    public init() {}

    /// `millis` wraps after 2^32 ms (49.7 days); a small value right after a value this close to
    /// the top, with `seq` still counting up, is that wrap and not a reboot.
    static let millisWrapWindow: UInt32 = 600_000

    /// Records `reading` and says what, if anything, it reveals.
    public mutating func observe(_ reading: SensorReading) -> ContinuityFinding? {
        defer { self.last = (reading.seq, reading.millis) }
        guard let last = self.last else { return nil }
        let millisWrapped =
            last.millis > UInt32.max - Self.millisWrapWindow && reading.millis < Self.millisWrapWindow
            && reading.seq > last.seq
        if reading.seq < last.seq || (reading.millis < last.millis && !millisWrapped) {
            return .restart(previousSeq: last.seq, previousMillis: last.millis, seq: reading.seq, millis: reading.millis)
        }
        if reading.seq == last.seq { return .repeated(seq: reading.seq) }
        if reading.seq == last.seq &+ 1 { return nil }
        return .gap(expected: last.seq &+ 1, received: reading.seq)
    }
}
