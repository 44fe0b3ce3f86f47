import Testing
@testable import WireFormat

@Suite("IPv4 fragments put back together")
struct ReassemblyTests {
    /// A TCP segment carrying `payload` bytes, split into IPv4 fragments of `size` payload bytes.
    func fragments(payload: Int, size: Int, id: UInt16 = 7) -> [[UInt8]] {
        let tcp = TCPHeader(sourcePort: 5050, destinationPort: 40000, sequenceNumber: SequenceNumber(100),
                            flags: [.psh, .ack], window: 512).encode()
            + (0..<payload).map { UInt8($0 % 251) }
        return stride(from: 0, to: tcp.count, by: size).map { offset in
            let piece = Array(tcp[offset..<min(offset + size, tcp.count)])
            let more = offset + size < tcp.count
            return IPv4Header(totalLength: UInt16(20 + piece.count), identification: id, dontFragment: false,
                              moreFragments: more, fragmentOffset: UInt16(offset / 8), protocolNumber: 6,
                              source: 0x0a00_0001, destination: 0x0a00_0002).encode() + piece
        }
    }

    func decodeAll(_ frames: [[UInt8]]) -> [Packet] {
        var decoder = DefragmentingDecoder(linkType: .raw)
        return frames.enumerated().map { index, frame in
            frame.withUnsafeBytes { decoder.decode($0, frame: index + 1) }
        }
    }

    @Test func theFrameThatCompletesTheDatagramShowsTheSegment() throws {
        let packets = decodeAll(fragments(payload: 1000, size: 400))
        #expect(packets.count == 3)
        #expect(packets[0].tcp == nil && packets[1].tcp == nil)  // held, the first one's header too
        let whole = packets[2]
        #expect(whole.tcp?.sourcePort == 5050)
        #expect(whole.payloadLength == 1000)
        #expect(whole.reassembly?.frames == [1, 2, 3])
        let payload = Array(whole.capturedPayload(in: UnsafeRawBufferPointer(start: nil, count: 0)))
        #expect(payload == (0..<1000).map { UInt8($0 % 251) })
    }

    @Test func fragmentsInAnyOrderAndRepeated() {
        let pieces = fragments(payload: 1000, size: 400)
        let packets = decodeAll([pieces[2], pieces[0], pieces[0], pieces[1]])
        #expect(packets[3].payloadLength == 1000)
        #expect(packets[3].reassembly?.frames == [1, 2, 3, 4])
    }

    @Test func aMissingFragmentLeavesTheRestAsFragments() {
        let pieces = fragments(payload: 1000, size: 400)
        let packets = decodeAll([pieces[0], pieces[2]])
        #expect(packets.allSatisfy { $0.tcp == nil && $0.reassembly == nil && $0.isIPFragment })
    }

    @Test func aFragmentCutByTheSnapshotIsShownAsItIs() {
        var first = fragments(payload: 1000, size: 400)[0]
        first.removeLast(100)
        let packets = decodeAll([first])
        #expect(packets[0].tcp?.sourcePort == 5050)  // decoded from the bytes there, as before
        #expect(packets[0].reassembly == nil)
    }

    @Test func pendingDatagramsAreBounded() {
        var reassembler = IPv4Reassembler(maxPending: 4)
        for id in 0..<10 {
            let first = fragments(payload: 1000, size: 400, id: UInt16(id))[0]
            let header = first.withUnsafeBytes { try! IPv4Header.parse($0) }
            _ = first.withUnsafeBytes { reassembler.add(header, datagram: $0, frame: id + 1) }
        }
        // The oldest were given up: completing datagram 0 now finds nothing to complete.
        let rest = fragments(payload: 1000, size: 400, id: 0)
        var outcomes: [Bool] = []
        for piece in rest.dropFirst() {
            let header = piece.withUnsafeBytes { try! IPv4Header.parse($0) }
            if case .completed = piece.withUnsafeBytes({ reassembler.add(header, datagram: $0, frame: 99) }) {
                outcomes.append(true)
            } else { outcomes.append(false) }
        }
        #expect(outcomes == [false, false])
    }
}
