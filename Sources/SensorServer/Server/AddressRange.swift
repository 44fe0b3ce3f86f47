import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IP address range in CIDR notation, for `--allow`: `192.168.1.0/24`, `10.0.0.7` (one host),
/// `fd00::/8`, `::1`. Host bits after the prefix are ignored (`192.168.1.7/24` is
/// `192.168.1.0/24`), as a student who types their board's address with the class's mask means.
///
/// An IPv4 client reaching a server that listens on `::` appears as `::ffff:a.b.c.d`; it matches
/// IPv4 ranges, since that is the address the user knows it by.
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    /// The network address: 4 bytes (IPv4) or 16 (IPv6), host bits cleared.
    public let network: [UInt8]
    public let prefixLength: Int

    public enum ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        case notAnAddress(String)
        case badPrefix(String, maximum: Int)

        public var description: String {
            switch self {
            case .notAnAddress(let text):
                return "\"\(text)\" is not an IPv4 or IPv6 address (expected e.g. 192.168.1.0/24 or fd00::/8)"
            case .badPrefix(let text, let maximum):
                return "\"\(text)\": the prefix length after / must be 0…\(maximum)"
            }
        }
    }

    public init(_ text: String) throws {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddressBytes(String(parts[0])) else { throw ParseError.notAnAddress(text) }
        let maximum = address.bytes.count * 8
        var prefix = maximum
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...maximum).contains(value) else {
                throw ParseError.badPrefix(text, maximum: maximum)
            }
            prefix = value
        }
        self.prefixLength = prefix
        self.network = Self.masked(address.bytes, prefix: prefix)
    }

    /// Whether `address` is in this range (IPv4-mapped IPv6 addresses count as IPv4).
    public func contains(_ address: IPAddressBytes) -> Bool {
        let bytes = address.unmapped
        return bytes.count == self.network.count && Self.masked(bytes, prefix: self.prefixLength) == self.network
    }

    public var description: String {
        "\(IPAddressBytes(bytes: self.network))/\(self.prefixLength)"
    }

    private static func masked(_ bytes: [UInt8], prefix: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bitsKept = min(8, max(0, prefix - index * 8))
            return bitsKept == 8 ? byte : byte & ~(UInt8(0xFF) >> bitsKept)
        }
    }
}

/// A peer's IP address without its port: the key for per-address limits and allowlists.
public struct IPAddressBytes: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes (IPv4) or 16 (IPv6), network order.
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 4 || bytes.count == 16, "an IP address has 4 or 16 bytes")
        self.bytes = bytes
    }

    /// Parses dotted IPv4 or IPv6 text; `nil` for anything else.
    public init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self.bytes = withUnsafeBytes(of: v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            self.bytes = withUnsafeBytes(of: v6) { Array($0) }
            return
        }
        return nil
    }

    /// The IP of a socket address; `nil` for Unix-domain sockets.
    public init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4): self.bytes = withUnsafeBytes(of: v4.address.sin_addr) { Array($0) }
        case .v6(let v6): self.bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        case .unixDomainSocket: return nil
        }
    }

    /// `::ffff:a.b.c.d` as the 4 bytes of `a.b.c.d`; any other address as it is. A board counts
    /// as one address whether the server listens on IPv4 or dual-stack IPv6.
    public var unmapped: [UInt8] {
        guard self.bytes.count == 16, self.bytes[0..<10].allSatisfy({ $0 == 0 }),
            self.bytes[10] == 0xFF, self.bytes[11] == 0xFF
        else { return self.bytes }
        return Array(self.bytes[12..<16])
    }

    public var description: String {
        let family = self.bytes.count == 4 ? AF_INET : AF_INET6
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = self.bytes.withUnsafeBytes { source in
            inet_ntop(family, source.baseAddress, &text, socklen_t(text.count))
        }
        guard written != nil else { return self.bytes.map(String.init).joined(separator: ".") }
        return String(cString: text)
    }
}
