#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The first bytes of a saved capture, read before libpcap gets it: libpcap quietly replaces a
/// snapshot length of 0 or 2^31 with its own limit, and a student should hear that the header
/// is damaged. Only the fields tcplab checks.
struct CaptureFileHeader {
    var isPcapng: Bool
    /// Bytes before each packet's data: 16, or 24 in the old "modified" (Kuznetzov) format.
    var recordHeaderLength: Int
    /// Classic pcap only (pcapng keeps it per interface).
    var snapshotLength: UInt32

    /// nil when the file cannot be read or is neither format (libpcap then gives the error).
    init?(path: String) {
        guard let stream = fopen(path, "rb") else { return nil }
        defer { fclose(stream) }
        var bytes = [UInt8](repeating: 0, count: 24)
        let count = fread(&bytes, 1, 24, stream)
        guard count >= 4 else { return nil }
        let little = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        if little == 0x0A0D_0D0A {
            self.init(isPcapng: true, recordHeaderLength: 0, snapshotLength: 0)
            return
        }
        let swapped = little.byteSwapped
        let magic: UInt32, isLittleEndian: Bool
        switch (little, swapped) {
        case (0xA1B2_C3D4, _), (0xA1B2_3C4D, _), (0xA1B2_CD34, _): magic = little; isLittleEndian = true
        case (_, 0xA1B2_C3D4), (_, 0xA1B2_3C4D), (_, 0xA1B2_CD34): magic = swapped; isLittleEndian = false
        default: return nil
        }
        guard count == 24 else { return nil }
        let field = Array(bytes[16..<20])
        let snapshot = isLittleEndian
            ? UInt32(field[0]) | UInt32(field[1]) << 8 | UInt32(field[2]) << 16 | UInt32(field[3]) << 24
            : UInt32(field[3]) | UInt32(field[2]) << 8 | UInt32(field[1]) << 16 | UInt32(field[0]) << 24
        self.init(isPcapng: false, recordHeaderLength: magic == 0xA1B2_CD34 ? 24 : 16, snapshotLength: snapshot)
    }

    init(isPcapng: Bool, recordHeaderLength: Int, snapshotLength: UInt32) {
        self.isPcapng = isPcapng
        self.recordHeaderLength = recordHeaderLength
        self.snapshotLength = snapshotLength
    }

    /// What is wrong with the header, in a student's words; nil when nothing is.
    var problem: String? {
        guard !isPcapng else { return nil }
        // Above libpcap's own limit is not damage: other tools write such files (Wireshark reads
        // them, and so does libpcap, with its limit). 0, or a length that is negative as the
        // signed number the format means, cannot be right.
        guard snapshotLength == 0 || snapshotLength >= 0x8000_0000 else { return nil }
        return "its snapshot length (bytes 16–19) is \(snapshotLength), but a capture keeps between 1 and "
            + "2147483647 bytes of each packet. libpcap read the records with its own limit "
            + "instead; every record it could read is shown above."
    }
}

/// libpcap's messages about a damaged record, said so a student knows what happened.
enum DamageExplanation {
    static func explain(libpcap detail: String) -> String {
        let numbers = detail.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        if detail.hasPrefix("truncated dump file"), numbers.count == 2 {
            let (wanted, got) = (numbers[0], numbers[1])
            let part = detail.contains("captured bytes") ? "its packet data" : "its record header"
            return "the file ends inside \(part) (\(got) of \(wanted) bytes are there): "
                + "it was cut short, e.g. copied while the capture was still running [libpcap: \(detail)]"
        }
        if detail.contains("invalid packet capture length") || detail.contains("bigger than") {
            let claimed = numbers.first.map { "\($0)" } ?? "an impossible number of"
            return "the record header claims \(claimed) captured bytes, more than any record in this file "
                + "can hold; the header is corrupt, or the previous record's length was wrong and this is "
                + "really packet data [libpcap: \(detail)]"
        }
        if detail.contains("no Interface Description Block") {
            return "the packet block names an interface the file never described; the block is corrupt [libpcap: \(detail)]"
        }
        if detail.contains("pcapng") || detail.contains("block") {
            let cut = detail.contains("truncated") ? ": the file was cut short inside it" : ""
            return "the pcapng block that starts there is broken\(cut) [libpcap: \(detail)]"
        }
        return "libpcap could not read it: \(detail)"
    }

    /// libpcap's messages about a file it cannot open as a capture at all.
    static func explainOpen(libpcap detail: String, header: [UInt8], fileSize: Int?) -> String {
        if detail.contains("unknown file format") {
            let magic = header.prefix(4).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
            // Text where a capture should be: most often an answers file given as the capture.
            let looksLikeText = !header.isEmpty && header.allSatisfy { (0x20...0x7e).contains($0) || $0 == 0x0a || $0 == 0x09 }
            let text = looksLikeText
                ? " — it is text (\"\(String(decoding: header.prefix(4), as: UTF8.self))…\"), not a capture: an answers file? "
                    + "(lab check takes --pcap YOUR.pcap --answers YOUR.toml)"
                : ""
            return "unknown file format: it starts with the bytes \(magic.isEmpty ? "(none: the file is empty)" : magic), "
                + "but a pcap file starts with the magic number d4 c3 b2 a1 (or a1 b2 c3 d4, 4d 3c b2 a1, a1 b2 3c 4d) "
                + "and a pcapng file with 0a 0d 0d 0a" + text
        }
        // libpcap's own byte counts here leave out the magic number it read first; the size is plainer.
        if detail.hasPrefix("truncated"), detail.contains("header"), let size = fileSize {
            return "the file is only \(size) byte\(size == 1 ? "" : "s") long, too short to hold even a capture's "
                + "file header (24 bytes for pcap) [libpcap: \(detail)]"
        }
        return detail
    }
}
