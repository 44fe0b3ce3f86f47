/// Puts IPv4 datagrams split into fragments back together, as tshark does by default
/// (`ip.defragment`): the frame whose fragment completes a datagram shows the TCP inside it, the
/// frames before it show fragments.
///
/// Only fragments whose bytes were all captured are collected (tshark's rule too: a fragment cut
/// by the snapshot length, or claiming more than its frame holds, is shown on its own). At most
/// `maxPending` datagrams wait at once; the oldest is given up first, so memory stays bounded
/// whatever the capture holds.
public struct IPv4Reassembler: Sendable {
    struct Key: Hashable, Sendable {
        var source: UInt32, destination: UInt32, protocolNumber: UInt8, identification: UInt16
    }

    struct Pending: Sendable {
        /// The first fragment's header (offset 0), once seen: the rebuilt datagram's header.
        var firstHeader: [UInt8]?
        /// Payload bytes by offset; a repeated fragment overwrites, as the last copy wins in tshark.
        var pieces: [Int: [UInt8]] = [:]
        /// The payload's length, known once the fragment without "more fragments" arrives.
        var totalLength: Int?
        var frames: [Int] = []
        var arrival: Int
    }

    public enum Outcome: Sendable {
        /// Not a fragment tcplab collects: decode the frame as it is.
        case notCollected
        /// Kept until the rest of its datagram arrives.
        case held
        /// The whole datagram (header and payload) and the frames its fragments came in.
        case completed(datagram: [UInt8], frames: [Int])
    }

    private var pending: [Key: Pending] = [:]
    private var arrivals = 0
    public let maxPending: Int

    public init(maxPending: Int = 4096) { self.maxPending = maxPending }

    /// `ip` is the header of `datagram`, the bytes from the IPv4 header on as captured.
    public mutating func add(_ ip: IPv4Header, datagram: UnsafeRawBufferPointer, frame: Int) -> Outcome {
        guard ip.isFragment, ip.totalLength != 0 else { return .notCollected }
        let payloadLength = Int(ip.totalLength) - ip.headerLength
        guard payloadLength >= 0, datagram.count >= Int(ip.totalLength) else { return .notCollected }
        let key = Key(source: ip.source, destination: ip.destination, protocolNumber: ip.protocolNumber,
                      identification: ip.identification)
        arrivals += 1
        var entry = pending[key] ?? Pending(arrival: arrivals)
        let offset = Int(ip.fragmentOffset) * 8
        entry.pieces[offset] = Array(datagram[ip.headerLength..<Int(ip.totalLength)])
        entry.frames.append(frame)
        if offset == 0 { entry.firstHeader = Array(datagram[0..<ip.headerLength]) }
        if !ip.moreFragments { entry.totalLength = offset + payloadLength }

        if let datagram = Self.assemble(entry) {
            pending[key] = nil
            return .completed(datagram: datagram, frames: entry.frames)
        }
        pending[key] = entry
        if pending.count > maxPending, let oldest = pending.min(by: { $0.value.arrival < $1.value.arrival })?.key {
            pending[oldest] = nil
        }
        return .held
    }

    /// The datagram when every byte from 0 to the end is covered, else nil.
    private static func assemble(_ entry: Pending) -> [UInt8]? {
        guard var header = entry.firstHeader, let total = entry.totalLength else { return nil }
        var payload = [UInt8](repeating: 0, count: total)
        var covered = 0
        for (offset, bytes) in entry.pieces.sorted(by: { $0.key < $1.key }) {
            guard offset <= covered else { return nil }  // a hole
            let end = min(offset + bytes.count, total)
            if end > offset { payload.replaceSubrange(offset..<end, with: bytes[0..<(end - offset)]) }
            covered = max(covered, end)
        }
        guard covered == total else { return nil }
        // The rebuilt header: the datagram's full length, no longer a fragment.
        let length = header.count + total
        guard length <= 0xffff else { return nil }
        header[2] = UInt8(length >> 8)
        header[3] = UInt8(length & 0xff)
        header[6] &= 0x40  // keep "don't fragment"; clear "more fragments" and the offset
        header[7] = 0
        return header + payload
    }
}
