/// The names and addresses of one lab network: fixed, so lab texts can print them; a prefix
/// other than "tcplab" (tests, a second network) changes only the namespaces' names.
public struct LabNetworkLayout: Sendable, Equatable, Codable {
    public let prefix: String

    public init(prefix: String = "tcplab") { self.prefix = prefix }

    public var boardNamespace: String { "\(prefix)-board" }
    public var serverNamespace: String { "\(prefix)-server" }
    /// The link's interface has the same name on both sides.
    public static let interface = "lab0"
    public static let boardAddress = "10.50.0.1"
    public static let serverAddress = "10.50.0.2"

    public enum Side: String, Sendable, CaseIterable, Codable {
        case board, server
    }

    public func namespace(_ side: Side) -> String { side == .board ? boardNamespace : serverNamespace }
    public static func address(_ side: Side) -> String { side == .board ? boardAddress : serverAddress }

    /// Where `ip netns add` puts a namespace (what `setns` opens).
    public func namespacePath(_ side: Side) -> String { "/run/netns/\(namespace(side))" }

    /// What `up` leaves behind for `status` and `down`: the state, the forwarder's messages.
    public static let stateDirectory = "/run/tcplab"
    public var statePath: String { "\(Self.stateDirectory)/\(prefix).json" }
    public var forwarderLogPath: String { "\(Self.stateDirectory)/\(prefix)-forwarder.log" }

    /// A prefix that makes valid namespace names and stays clear of paths: letters, digits, - and _.
    public static func isValidPrefix(_ prefix: String) -> Bool {
        !prefix.isEmpty && prefix.count <= 40 && prefix.first != "-"
            && prefix.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}
