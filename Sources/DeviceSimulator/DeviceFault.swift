/// The misbehaviours `tcplab device --fault` can put on the wire, each one a lesson about TCP or
/// about the server on the other end.
public enum DeviceFault: String, Sendable, CaseIterable, Hashable {
    case split
    case coalesce
    case garbage
    case longLine = "long-line"
    case nan
    case abort
    case vanish
    case reboot
    case slow
    case nagle

    /// The lesson in one sentence (shown by `--help` and in the docs).
    public var lesson: String {
        switch self {
        case .split:
            return "each reading goes out in two writes with a pause between them: one recv() can hold half a line, so the server must frame on the newline."
        case .coalesce:
            return "several readings go out in one write: one recv() can hold many lines, and each must still be parsed on its own."
        case .garbage:
            return "invalid lines go out between valid ones: the server must reject each with a reason and keep the connection and the readings after it."
        case .longLine:
            return "an over-long line goes out now and then: a bounded line buffer must throw it away and resume at the next newline."
        case .nan:
            return "now and then the sensor read fails and the line says nan, as a naive sketch prints it: rejected by the server, and its seq shows up as a gap."
        case .abort:
            return "the board resets the connection (RST) after some readings and reconnects: RST ends a connection at once, unlike FIN, and may drop data still in flight."
        case .vanish:
            return "the board goes silent without FIN or RST (as when it loses power) and reconnects: the server keeps a dead connection until keepalive or an idle timeout finds it."
        case .reboot:
            return "the board restarts after some readings: seq and millis begin again, and the server reports a restart, not lost readings."
        case .slow:
            return "each reading goes out a byte at a time: a line may arrive in as many segments as it has bytes, and the framer must not care."
        case .nagle:
            return "Nagle's algorithm is left on and each reading is written as println does (text, then CRLF): the CRLF waits for an ACK, often a delayed one."
        }
    }

    /// Faults whose cadence `faultEvery` sets (the others shape every reading).
    public var isPeriodic: Bool {
        switch self {
        case .garbage, .longLine, .nan, .abort, .vanish, .reboot, .coalesce: return true
        case .split, .slow, .nagle: return false
        }
    }
}
