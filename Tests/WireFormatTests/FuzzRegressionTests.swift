import Testing
import WireFormat

/// Inputs the fuzzers (fuzz/, `make fuzz`) found, kept so the fix stays fixed.
/// docs/robustness.md lists each finding.
@Suite("Decoder: inputs found by fuzzing")
struct FuzzRegressionTests {
    /// Raw IPv6 whose hop-by-hop header claims (255 + 1) × 8 = 2048 bytes of which 8 were captured.
    /// It used to be reported as a truncated TCP header (zero bytes of TCP); the bytes missing
    /// belong to the extension header, and the error should say so.
    @Test func ipv6ExtensionHeaderLongerThanTheCapture() {
        var bytes: [UInt8] = [0x60, 0, 0, 0, 0x00, 0x10, 0x00, 0x40]   // version 6, payload 16, next = hop-by-hop
        bytes += [UInt8](repeating: 0, count: 15) + [1]                 // ::1
        bytes += [UInt8](repeating: 0, count: 15) + [1]                 // ::1
        bytes += [0x06, 0xff, 0, 0, 0, 0, 0, 0]                         // next = TCP, length 255 → 2048 bytes
        let packet = PacketDecoder(linkType: .raw).decode(bytes)
        #expect(packet.error?.kind == .truncated)
        #expect(packet.error?.layer == "IPv6")
        #expect(packet.error?.field == "extension header 0")
        #expect(packet.error?.expected == "2088 bytes")
        #expect(packet.tcp == nil)
    }

    /// The fuzzer's own input (a raw IPv6 packet with a hop-by-hop header, then noise): decodes
    /// under every link type without trapping, and as raw IP stops at the IPv6 extension header.
    @Test func fuzzerInputDecodesUnderEveryLinkType() {
        let bytes: [UInt8] = [
            0x69, 0xb6, 0x30, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x93, 0x06, 0x13, 0xba, 0xe2, 0x94, 0x1d,
            0x52, 0x7e, 0xf6, 0x33, 0x9e, 0x13, 0x3d, 0x80, 0x10, 0x05, 0xa8, 0x14, 0x97, 0x00, 0x00, 0x01,
            0x01, 0x48, 0x0a, 0xab, 0xc6, 0x46, 0x6c, 0x6f, 0x61, 0x74, 0x2b, 0x65, 0x30, 0x00, 0x00, 0x33,
            0x27, 0x9d, 0x40, 0x0a,
        ]
        for dlt: Int32 in [0, 1, 12, 108, 113, 228, 229, 276, 147, 9, 50, 166, 104, 7, 129, 178, 242] {
            _ = PacketDecoder(linkType: LinkType(dlt: dlt)).decode(bytes)
        }
        let raw = PacketDecoder(linkType: .raw).decode(bytes)
        #expect(raw.error?.layer == "IPv6")
    }
}

@Suite("TCP options: inputs found by fuzzing")
struct TCPOptionFuzzRegressionTests {
    /// A 24-byte options area whose last byte is kind 255 with no room for its length byte.
    /// It was silently dropped (no error, and encode → parse did not give the header back);
    /// now it is a malformed option, and the options before it are kept.
    @Test func optionKindInTheLastByteHasNoLength() throws {
        var tcp: [UInt8] = [0x13, 0xba, 0xe2, 0x80, 0xea, 0x59, 0x65, 0xc2, 0xc9, 0x5e, 0xfb, 0xaf,
                            0xb0, 0x10, 0x00, 0x40, 0x15, 0xa3, 0x00, 0x00]   // data offset 11 = 44 bytes, ACK
        tcp += [0x01, 0x01, 0x08, 0x0a, 0x56, 0xea, 0xf9, 0x54, 0x5f, 0xd8, 0x34, 0x5a]   // NOP NOP timestamps
        tcp += [0x01, 0x05, 0x0a, 0xff, 0x44, 0x69, 0x63, 0x74, 0xff, 0xff, 0xff]         // NOP SACK (1 block)
        tcp += [0xff]                                                                       // kind 255, no length
        let header = try tcp.withUnsafeBytes { try TCPHeader.parse($0) }
        #expect(header.optionsError?.kind == .malformed)
        #expect(header.optionsError?.field == "option kind 255 length")
        #expect(header.timestamps?.value == 0x56ea_f954)
        #expect(header.sackBlocks.count == 1)
    }

    /// A kind in the last captured byte of a cut capture is still a truncation, not malformed.
    @Test func optionKindCutByTheSnaplenIsTruncated() throws {
        var tcp: [UInt8] = [0x13, 0xba, 0xe2, 0x80, 0, 0, 0, 1, 0, 0, 0, 0, 0x60, 0x02, 0xff, 0xff, 0, 0, 0, 0]
        tcp += [0x02]   // MSS kind, then the capture ends (data offset says 24 bytes)
        let header = try tcp.withUnsafeBytes { try TCPHeader.parse($0) }
        #expect(header.optionsError?.kind == .truncated)
    }
}
