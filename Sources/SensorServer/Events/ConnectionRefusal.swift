/// Why the server closed a connection as soon as the kernel accepted it.
public enum ConnectionRefusal: Sendable, Hashable, Comparable {
    /// `--max-connections`: this many connections were already open.
    case serverFull(limit: Int)
    /// `--max-per-address`: this many connections from the same IP were already open.
    case addressFull(limit: Int)
    /// `--allow`: the peer's address is in none of the allowed ranges.
    case notAllowed

    /// Short stable name for counters and JSON.
    public var code: String {
        switch self {
        case .serverFull: return "max-connections"
        case .addressFull: return "max-per-address"
        case .notAllowed: return "not-allowed"
        }
    }

    /// The sentence a user reads.
    public var explanation: String {
        switch self {
        case .serverFull(let limit): return "\(limit) connections already open (--max-connections \(limit))"
        case .addressFull(let limit):
            return "\(limit) connections from this address already open (--max-per-address \(limit))"
        case .notAllowed: return "address not in any --allow range"
        }
    }
}
