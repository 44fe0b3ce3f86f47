#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why one connection attempt failed, with what a student should check.
public enum ConnectFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// RST in answer to SYN: the machine is there, nothing listens on the port.
    case refused(host: String, port: Int)
    /// No answer in time: wrong address, machine off, or a firewall dropping the SYN.
    case timedOut(host: String, port: Int, after: Duration)
    /// No route: the address is on no network this machine can reach.
    case unreachable(host: String, port: Int, detail: String)
    /// The host name did not resolve, or is not an address.
    case badAddress(host: String, port: Int, detail: String)
    case other(host: String, port: Int, detail: String)

    /// The failure, then what to check: `summary` plus the advice for its kind.
    public var description: String {
        switch self {
        case .refused(_, let port):
            return summary + ": nothing is listening there "
                + "(start the server with `tcplab serve --port \(port)`, or check --host and --port)"
        case .timedOut(_, let port, _):
            return summary + ": check the address, "
                + "that the server machine is on this network, and its firewall (TCP port \(port))"
        case .unreachable:
            return summary + " (check the address and this machine's network)"
        case .badAddress, .other:
            return summary
        }
    }

    /// The failure without the advice, for repeated retry messages: `connection refused by 127.0.0.1:5050`.
    public var summary: String {
        switch self {
        case .refused(let host, let port): return "connection refused by \(host):\(port)"
        case .timedOut(let host, let port, let after): return "no answer from \(host):\(port) within \(after.secondsText)"
        case .unreachable(let host, let port, let detail): return "cannot reach \(host):\(port): \(detail)"
        case .badAddress(let host, let port, let detail), .other(let host, let port, let detail):
            return "cannot connect to \(host):\(port): \(detail)"
        }
    }

    /// Only a bad address is worth no retry: the others may go away (a server starting up).
    public var isPermanent: Bool {
        if case .badAddress = self { return true }
        return false
    }
}

/// Why a device stopped before taking all its readings.
public enum DeviceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Connecting failed `attempts` times in a row (1 with retries off).
    case gaveUp(attempts: Int, last: ConnectFailure)

    public var description: String {
        switch self {
        case .gaveUp(let attempts, let last):
            return attempts == 1 ? "\(last)" : "\(last); gave up after \(attempts) attempts"
        }
    }
}

extension Duration {
    /// `1.5 s`, `250 ms`.
    public var secondsText: String {
        let (seconds, attoseconds) = self.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        let tenths = (milliseconds + 50) / 100
        return "\(tenths / 10).\(tenths % 10) s"
    }
}
