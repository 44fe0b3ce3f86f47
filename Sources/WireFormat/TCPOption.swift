/// One TCP option (RFC 9293, RFC 7323, RFC 2018). Unknown kinds keep their bytes.
public enum TCPOption: Equatable, Sendable {
    case endOfList
    case noOperation
    case maximumSegmentSize(UInt16)
    case windowScale(UInt8)
    case sackPermitted
    case sack([SACKBlock])
    case timestamps(value: UInt32, echoReply: UInt32)
    case unknown(kind: UInt8, data: [UInt8])

    public struct SACKBlock: Equatable, Sendable {
        public var left: SequenceNumber
        public var right: SequenceNumber
        public init(left: SequenceNumber, right: SequenceNumber) { self.left = left; self.right = right }
    }

    public var kind: UInt8 {
        switch self {
        case .endOfList: return 0
        case .noOperation: return 1
        case .maximumSegmentSize: return 2
        case .windowScale: return 3
        case .sackPermitted: return 4
        case .sack: return 5
        case .timestamps: return 8
        case .unknown(let kind, _): return kind
        }
    }

    var encodedLength: Int {
        switch self {
        case .endOfList, .noOperation: return 1
        case .maximumSegmentSize: return 4
        case .windowScale: return 3
        case .sackPermitted: return 2
        case .sack(let blocks): return 2 + 8 * blocks.count
        case .timestamps: return 10
        case .unknown(_, let data): return 2 + data.count
        }
    }

    func encode(into out: inout [UInt8]) {
        switch self {
        case .endOfList, .noOperation:
            out.append(kind)
            return
        default:
            out.append(kind)
            out.append(UInt8(encodedLength))
        }
        switch self {
        case .maximumSegmentSize(let value): out.append16(value)
        case .windowScale(let shift): out.append(shift)
        case .sack(let blocks):
            for block in blocks { out.append32(block.left.rawValue); out.append32(block.right.rawValue) }
        case .timestamps(let value, let echo): out.append32(value); out.append32(echo)
        case .unknown(_, let data): out += data
        default: break
        }
    }

    /// Decodes the options area. Returns what decoded, and the reason it stopped early if it did:
    /// a capture that ends inside the area (truncated) or a length byte that makes no sense (malformed).
    static func parseAll(_ area: UnsafeRawBufferPointer, declaredLength: Int) -> ([TCPOption], DecodeError?) {
        var options: [TCPOption] = []
        var i = 0
        while i < area.count {
            let kind = area[i]
            if kind == 0 { options.append(.endOfList); break }   // the rest is padding
            if kind == 1 { options.append(.noOperation); i += 1; continue }
            guard i + 1 < area.count else {
                // Found by fuzzing: a kind in the last byte of a complete options area has no room
                // for its length byte, and was dropped without a word.
                if area.count >= declaredLength {
                    return (options, DecodeError(.malformed, layer: "TCP", field: "option kind \(kind) length",
                                                 expected: "a length byte after the kind",
                                                 found: "the end of the options (\(declaredLength) bytes)"))
                }
                break
            }
            let length = Int(area[i + 1])
            guard length >= 2, i + length <= declaredLength else {
                return (options, DecodeError(.malformed, layer: "TCP", field: "option kind \(kind) length",
                                             expected: "2…\(declaredLength - i)", found: "\(length)"))
            }
            guard i + length <= area.count else { break }
            let body = UnsafeRawBufferPointer(rebasing: area[(i + 2)..<(i + length)])
            options.append(decode(kind: kind, body: body))
            i += length
        }
        if area.count < declaredLength && (i < declaredLength) && options.last != .endOfList {
            return (options, DecodeError.truncated("TCP", "options", need: declaredLength, have: area.count))
        }
        return (options, nil)
    }

    private static func decode(kind: UInt8, body: UnsafeRawBufferPointer) -> TCPOption {
        switch (kind, body.count) {
        case (2, 2): return .maximumSegmentSize(body.u16(0))
        case (3, 1): return .windowScale(body.u8(0))
        case (4, 0): return .sackPermitted
        case (5, let n) where n % 8 == 0 && n > 0:
            return .sack(stride(from: 0, to: n, by: 8).map {
                SACKBlock(left: SequenceNumber(body.u32($0)), right: SequenceNumber(body.u32($0 + 4)))
            })
        case (8, 8): return .timestamps(value: body.u32(0), echoReply: body.u32(4))
        default: return .unknown(kind: kind, data: Array(body))
        }
    }
}
