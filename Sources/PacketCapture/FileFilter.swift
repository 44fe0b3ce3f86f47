import CPcap

/// A BPF expression over a saved file's records. libpcap compiles it, once per link type met (a
/// pcapng file may hold several), for a handle with no capture behind it, and runs it on each
/// record; tcplab reads the file itself.
final class FileFilter {
    let expression: String
    private var programs: [(linkType: Int32, program: bpf_program)] = []
    /// Index in `programs` of the link type the last record had: most files have one.
    private var last = 0

    /// Compiles for the file's first link type at once, so a bad expression fails before any reading.
    init(expression: String, firstLinkType: Int32) throws {
        self.expression = expression
        try compile(for: firstLinkType)
    }

    deinit {
        for index in programs.indices { pcap_freecode(&programs[index].program) }
    }

    /// Whether the record passes the filter.
    func matches(_ packet: CapturedPacket) throws -> Bool {
        if programs[last].linkType != packet.linkType {
            last = try programs.firstIndex { $0.linkType == packet.linkType } ?? compile(for: packet.linkType)
        }
        var header = pcap_pkthdr()   // BPF looks at the lengths only
        header.caplen = UInt32(packet.bytes.count)
        header.len = UInt32(truncatingIfNeeded: packet.originalLength)
        let data = packet.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        return pcap_offline_filter(&programs[last].program, &header, data) != 0
    }

    /// Compiles for one more link type; its index in `programs`.
    @discardableResult
    private func compile(for linkType: Int32) throws -> Int {
        guard let handle = pcap_open_dead_with_tstamp_precision(linkType, 262_144, UInt32(PCAP_TSTAMP_PRECISION_NANO)) else {
            throw CaptureError.failed(operation: "preparing the filter", detail: "libpcap has no handle for link type \(linkType)")
        }
        defer { pcap_close(handle) }
        var program = bpf_program()
        guard pcap_compile(handle, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            var detail = String(cString: pcap_geterr(handle))
            if !programs.isEmpty {   // it compiled for the file's first link type, not for this one
                let name = pcap_datalink_val_to_description(linkType).map { String(cString: $0) } ?? "link type \(linkType)"
                detail += " (for the packets of link type \(linkType), \(name), that this file also holds)"
            }
            throw CaptureError.badFilter(expression: expression, detail: detail)
        }
        programs.append((linkType, program))
        return programs.count - 1
    }
}
