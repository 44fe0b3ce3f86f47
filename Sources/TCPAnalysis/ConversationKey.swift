import WireFormat

/// One TCP endpoint: address and port.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public var address: IPAddress
    public var port: UInt16

    public init(address: IPAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    /// `10.0.0.1:5050`, or `[fd55::1]:5050` for IPv6.
    public var description: String {
        switch address {
        case .v4: return "\(address):\(port)"
        case .v6: return "[\(address)]:\(port)"
        }
    }
}

/// The two endpoints of a conversation in a fixed order, so both directions find the same entry.
struct ConversationKey: Hashable {
    var low: Endpoint
    var high: Endpoint

    init(_ a: Endpoint, _ b: Endpoint) {
        if ConversationKey.isOrdered(a, b) { low = a; high = b } else { low = b; high = a }
    }

    private static func isOrdered(_ a: Endpoint, _ b: Endpoint) -> Bool {
        switch (a.address, b.address) {
        case (.v4(let x), .v4(let y)): return x != y ? x < y : a.port <= b.port
        case (.v6(let xh, let xl), .v6(let yh, let yl)):
            if xh != yh { return xh < yh }
            if xl != yl { return xl < yl }
            return a.port <= b.port
        case (.v4, .v6): return true
        case (.v6, .v4): return false
        }
    }
}
