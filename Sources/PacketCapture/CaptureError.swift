/// What went wrong opening or reading a capture, in words a student can act on.
public enum CaptureError: Error, Equatable, CustomStringConvertible {
    /// Live capture needs CAP_NET_RAW (and CAP_NET_ADMIN for some interfaces).
    case permissionDenied(interface: String, detail: String)
    case noSuchInterface(String, detail: String)
    case badFilter(expression: String, detail: String)
    case cannotOpenFile(path: String, detail: String)
    /// A record in a saved capture could not be read; the records before it were delivered.
    case damagedFile(path: String, record: Int, detail: String)
    case cannotWrite(path: String, detail: String)
    case failed(operation: String, detail: String)

    public var description: String {
        switch self {
        case .permissionDenied(let interface, let detail):
            return """
                capturing on \(interface) is not permitted (\(detail)).
                  Run it as root (sudo tcplab capture ...), or give the binary the capture capabilities once:
                    sudo setcap cap_net_raw,cap_net_admin=eip "$(command -v tcplab)"
                """
        case .noSuchInterface(let name, let detail):
            return "no interface named '\(name)' (\(detail)). `tcplab capture --list-interfaces` shows them."
        case .badFilter(let expression, let detail):
            return "the capture filter '\(expression)' is not valid BPF: \(detail)"
        case .cannotOpenFile(let path, let detail):
            return "cannot read '\(path)' as a capture: \(detail)"
        case .damagedFile(let path, let record, let detail):
            return "'\(path)' is damaged at record \(record): \(detail)"
        case .cannotWrite(let path, let detail):
            return "cannot write the capture to '\(path)': \(detail)"
        case .failed(let operation, let detail):
            return "\(operation) failed: \(detail)"
        }
    }
}
