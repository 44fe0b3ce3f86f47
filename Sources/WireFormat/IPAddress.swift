/// An IPv4 or IPv6 address, small enough to be a dictionary key on the per-packet path.
public enum IPAddress: Hashable, Sendable, CustomStringConvertible {
    case v4(UInt32)
    case v6(UInt64, UInt64)

    public var description: String {
        var text = ""
        write(to: &text)
        return text
    }

    /// Appends the address in its usual text form (dotted quad; RFC 5952 for IPv6).
    public func write(to text: inout String) {
        switch self {
        case .v4(let value):
            text += String(value >> 24); text += "."
            text += String((value >> 16) & 0xff); text += "."
            text += String((value >> 8) & 0xff); text += "."
            text += String(value & 0xff)
        case .v6(let high, let low):
            text += IPAddress.ipv6Text(high, low)
        }
    }

    /// Parses "192.0.2.1" or an IPv6 address ("fd55::1"); nil if neither.
    public init?(_ text: String) {
        if text.contains(":") {
            guard let (high, low) = IPAddress.parseIPv6(text) else { return nil }
            self = .v6(high, low)
        } else {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var value: UInt32 = 0
            for part in parts {
                guard part.count <= 3, let octet = UInt8(part) else { return nil }
                value = value << 8 | UInt32(octet)
            }
            self = .v4(value)
        }
    }

    var bytes: [UInt8] {
        var out: [UInt8] = []
        switch self {
        case .v4(let value): out.append32(value)
        case .v6(let high, let low):
            out.append32(UInt32(high >> 32)); out.append32(UInt32(high & 0xffff_ffff))
            out.append32(UInt32(low >> 32)); out.append32(UInt32(low & 0xffff_ffff))
        }
        return out
    }

    private static func ipv6Text(_ high: UInt64, _ low: UInt64) -> String {
        var groups = [UInt16](repeating: 0, count: 8)
        for i in 0..<4 {
            groups[i] = UInt16((high >> (48 - 16 * UInt64(i))) & 0xffff)
            groups[i + 4] = UInt16((low >> (48 - 16 * UInt64(i))) & 0xffff)
        }
        // RFC 5952: compress the longest run (of two or more) of zero groups, the first if tied.
        var bestStart = -1, bestLength = 0, runStart = -1
        for i in 0...8 {
            if i < 8 && groups[i] == 0 {
                if runStart < 0 { runStart = i }
            } else if runStart >= 0 {
                if i - runStart > bestLength { bestStart = runStart; bestLength = i - runStart }
                runStart = -1
            }
        }
        if bestLength < 2 { bestStart = -1 }
        var text = ""
        var i = 0
        while i < 8 {
            if i == bestStart {
                text += "::"
                i += bestLength
                continue
            }
            if !text.isEmpty && !text.hasSuffix(":") { text += ":" }
            text += String(groups[i], radix: 16)
            i += 1
        }
        return text
    }

    private static func parseIPv6(_ text: String) -> (UInt64, UInt64)? {
        var halves = [text]
        if let range = text.firstRange(of: "::") {
            halves = [String(text[..<range.lowerBound]), String(text[range.upperBound...])]
            guard !halves[1].contains("::") else { return nil }
        }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            for piece in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                out.append(value)
            }
            return out
        }
        guard let head = groups(halves[0]) else { return nil }
        var all = head
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all += [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        }
        guard all.count == 8 else { return nil }
        let high = all[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = all[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return (high, low)
    }
}
