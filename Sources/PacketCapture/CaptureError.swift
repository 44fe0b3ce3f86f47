/// What went wrong opening or reading a capture, in words a student can act on.
public enum CaptureError: Error, Equatable, CustomStringConvertible {
    /// Live capture needs CAP_NET_RAW (and CAP_NET_ADMIN for some interfaces).
    case permissionDenied(interface: String, detail: String)
    case noSuchInterface(String, detail: String)
    case badFilter(expression: String, detail: String)
    case cannotOpenFile(path: String, detail: String)
    /// A record in a saved capture could not be read; the records before it were delivered.
    /// `offset` is where the record (pcapng: block) starts in the file, when known.
    case damagedFile(path: String, record: Int, offset: Int?, detail: String)
    /// The file header holds a value no capture can have; every record was still read.
    case damagedHeader(path: String, detail: String)
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
        case .damagedFile(let path, let record, let offset, let detail):
            let place = offset.map { "record \(record) (byte offset \($0))" } ?? "record \(record)"
            let before: String
            switch record {
            case 1: before = "No record before it could be read."
            case 2: before = "The 1 record before it was read; nothing from this record on."
            default: before = "The \(record - 1) records before it were read; nothing from this record on."
            }
            return "'\(path)' is damaged at \(place): \(detail)\n  \(before)"
        case .damagedHeader(let path, let detail):
            return "'\(path)' has a damaged file header: \(detail)"
        case .cannotWrite(let path, let detail):
            return "cannot write the capture to '\(path)': \(detail)"
        case .failed(let operation, let detail):
            return "\(operation) failed: \(detail)"
        }
    }
}
