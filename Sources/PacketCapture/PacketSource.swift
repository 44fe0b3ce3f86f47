import CPcap
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Set by `PacketSource.breakLoop(_:)` (a signal handler): one live capture per process.
private let stopFlag = Atomic<Bool>(false)

/// Owns one libpcap handle: a live interface or a saved file (pcap or pcapng).
///
/// The `pcap_t` never leaves this class and is closed in `deinit`.
public final class PacketSource {
    private let handle: OpaquePointer
    /// What was opened, for error messages: an interface name or a path.
    public let name: String
    public let isLive: Bool
    private var recordNumber = 0
    /// For a saved file: the stream libpcap reads, to say at which byte offset a record starts.
    private let file: UnsafeMutablePointer<FILE>?
    /// What the file's own header says, read before libpcap (which quietly repairs some of it).
    private let fileHeader: CaptureFileHeader?
    /// With a BPF filter libpcap skips records inside one read, so offsets span several records.
    private var filtered = false
    private var reportedHeaderDamage = false
    /// Classic pcap without a filter: where the next record starts, counted rather than asked
    /// of the stream (ftell costs a system call per record; the count costs nothing).
    private var nextRecordOffset = 24
    private var countsOffsets: Bool { fileHeader.map { !$0.isPcapng } == true && !filtered }

    private init(handle: OpaquePointer, name: String, isLive: Bool, fileHeader: CaptureFileHeader? = nil) {
        self.handle = handle
        self.name = name
        self.isLive = isLive
        self.fileHeader = fileHeader
        file = isLive ? nil : pcap_file(handle)
    }

    deinit { pcap_close(handle) }

    /// Opens a saved capture, pcap or pcapng, with nanosecond timestamps.
    public static func open(file path: String) throws -> PacketSource {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_open_offline_with_tstamp_precision(
            path, UInt32(PCAP_TSTAMP_PRECISION_NANO), &errorBuffer)
        else {
            throw CaptureError.cannotOpenFile(
                path: path, detail: DamageExplanation.explainOpen(libpcap: String(cString: errorBuffer),
                                                                  header: firstBytes(of: path), fileSize: size(of: path)))
        }
        return PacketSource(handle: handle, name: path, isLive: false, fileHeader: CaptureFileHeader(path: path))
    }

    /// The kernel ring tcplab asks for by default: 32 MiB (libpcap's own default is 2 MiB).
    public static let defaultBufferSize = 32 << 20

    /// Opens a live capture.
    ///
    /// Not in immediate mode, on purpose: libpcap on Linux then falls back from TPACKET_V3 to
    /// TPACKET_V2, whose ring has one fixed slot per packet sized for the snapshot length. With
    /// the default 262,144-byte snapshot on loopback (MTU 65,536, offloads on) a 2 MiB ring holds
    /// about seven packets, and thirty boards overflow it. TPACKET_V3 packs packets of any size
    /// into blocks, and the block timeout (`timeoutMilliseconds`) still hands every packet over
    /// within a fraction of a second, quick enough for a person watching.
    public static func open(interface: String, snaplen: Int32 = 262_144, promiscuous: Bool = false,
                            timeoutMilliseconds: Int32 = 50, bufferSize: Int = defaultBufferSize,
                            immediate: Bool = false) throws -> PacketSource {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_create(interface, &errorBuffer) else {
            throw CaptureError.noSuchInterface(interface, detail: String(cString: errorBuffer))
        }
        pcap_set_snaplen(handle, snaplen)
        pcap_set_promisc(handle, promiscuous ? 1 : 0)
        pcap_set_timeout(handle, timeoutMilliseconds)
        pcap_set_immediate_mode(handle, immediate ? 1 : 0)
        pcap_set_buffer_size(handle, Int32(clamping: bufferSize))
        _ = pcap_set_tstamp_precision(handle, Int32(PCAP_TSTAMP_PRECISION_NANO))
        let status = pcap_activate(handle)
        if status < 0 {
            let detail = String(cString: pcap_geterr(handle))
            pcap_close(handle)
            switch status {
            case PCAP_ERROR_PERM_DENIED:
                throw CaptureError.permissionDenied(interface: interface, detail: detail)
            case PCAP_ERROR_NO_SUCH_DEVICE:
                throw CaptureError.noSuchInterface(interface, detail: detail)
            default:
                if detail.contains("Operation not permitted") || detail.contains("ermission denied") {
                    throw CaptureError.permissionDenied(interface: interface, detail: detail)
                }
                throw CaptureError.failed(operation: "opening \(interface)", detail: detail)
            }
        }
        return PacketSource(handle: handle, name: interface, isLive: true)
    }

    private static func firstBytes(of path: String) -> [UInt8] {
        guard let stream = fopen(path, "rb") else { return [] }
        defer { fclose(stream) }
        var bytes = [UInt8](repeating: 0, count: 4)
        let count = fread(&bytes, 1, 4, stream)
        return Array(bytes.prefix(count))
    }

    private static func size(of path: String) -> Int? {
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : nil
    }

    /// libpcap's DLT number for this capture's link layer.
    public var dataLinkType: Int32 { pcap_datalink(handle) }

    public var snapshotLength: Int32 { pcap_snapshot(handle) }

    /// Compiles and installs a BPF filter; a bad expression names itself in the error.
    public func setFilter(_ expression: String) throws {
        var program = bpf_program()
        guard pcap_compile(handle, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw CaptureError.badFilter(expression: expression, detail: String(cString: pcap_geterr(handle)))
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(handle, &program) == 0 else {
            throw CaptureError.badFilter(expression: expression, detail: String(cString: pcap_geterr(handle)))
        }
        filtered = true
    }

    public enum Step { case packet, timeout, end }

    /// Reads the next record and hands it to `body`. Returns `.timeout` when a live capture had
    /// nothing within its timeout, and `.end` at the end of a file or after `breakLoop()`.
    ///
    /// A saved file is checked as it is read: the first record that cannot be right (cut short,
    /// a length no capture can have, more bytes than the packet had or than the file's snapshot
    /// length allows) throws `damagedFile` naming the record and its byte offset; the records
    /// before it have been delivered. A damaged file header throws `damagedHeader` at the end.
    @inline(__always)
    public func next(_ body: (CapturedPacket) throws -> Void) throws -> Step {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        let start: Int? = file.map { countsOffsets ? nextRecordOffset : Int(ftell($0)) }
        let status = pcap_next_ex(handle, &header, &data)
        switch status {
        case 1:
            let header = header!.pointee
            if let file, let start { try check(header, start: start, file: file) }
            recordNumber += 1
            let packet = CapturedPacket(
                number: recordNumber, seconds: Int(header.ts.tv_sec), nanoseconds: Int(header.ts.tv_usec),
                originalLength: Int(header.len), linkType: pcap_datalink(handle),
                bytes: UnsafeRawBufferPointer(start: data, count: Int(header.caplen)))
            try body(packet)
            return .packet
        case 0:
            return .timeout
        case PCAP_ERROR_BREAK:
            if let problem = fileHeader?.problem, !reportedHeaderDamage {
                reportedHeaderDamage = true
                throw CaptureError.damagedHeader(path: name, detail: problem)
            }
            return .end
        default:
            let detail = String(cString: pcap_geterr(handle))
            if isLive { throw CaptureError.failed(operation: "reading from \(name)", detail: detail) }
            throw CaptureError.damagedFile(path: name, record: recordNumber + 1, offset: start,
                                           detail: DamageExplanation.explain(libpcap: detail))
        }
    }

    /// What libpcap accepts but a sound capture cannot hold.
    private func check(_ header: pcap_pkthdr, start: Int, file: UnsafeMutablePointer<FILE>) throws {
        func damaged(_ detail: String) -> CaptureError {
            .damagedFile(path: name, record: recordNumber + 1, offset: start, detail: detail)
        }
        if header.len == 0 {
            throw damaged("the record says the packet was 0 bytes long on the wire; no packet is, so the record "
                          + "header is corrupt")
        }
        if header.caplen > header.len {
            throw damaged("the record says \(header.caplen) bytes were captured of a packet only \(header.len) bytes long; "
                          + "a capture cannot hold more than the packet had, so the record header is corrupt")
        }
        guard let fileHeader, countsOffsets else { return }
        // libpcap cuts a record longer than the snapshot length down to it without a word, so a
        // record exactly that long may have been longer: the distance the file moved tells.
        if Int32(clamping: header.caplen) == pcap_snapshot(handle) {
            let stored = Int(ftell(file)) - start - fileHeader.recordHeaderLength
            if stored > Int(header.caplen) {
                throw damaged("the record holds \(stored) captured bytes, more than the file's snapshot length "
                              + "(\(fileHeader.snapshotLength)) allows; the record or the file header is corrupt")
            }
        }
        nextRecordOffset = start + fileHeader.recordHeaderLength + Int(header.caplen)
    }

    /// Makes a blocked `next` return `.end`. Safe to call from a signal handler or another thread.
    public func breakLoop() { pcap_breakloop(handle) }

    /// An opaque token for `breakLoop(token)` from a C signal handler, which cannot capture `self`.
    public var breakToken: OpaquePointer { handle }

    /// From a signal handler: asks the capture to stop. Also remembered (`stopRequested`), so a
    /// reader that waits on another thread can ask libpcap again should one wake-up be missed.
    public static func breakLoop(_ token: OpaquePointer) {
        stopFlag.store(true, ordering: .relaxed)  // lock-free: safe in a signal handler
        pcap_breakloop(token)
    }

    /// Whether a signal handler asked the capture to stop (`breakLoop(_:)`).
    public static var stopRequested: Bool { stopFlag.load(ordering: .relaxed) }

    /// Kernel counters for a live capture.
    public func statistics() -> CaptureStatistics? {
        var stats = pcap_stat()
        guard pcap_stats(handle, &stats) == 0 else { return nil }
        return CaptureStatistics(received: stats.ps_recv, droppedByKernel: stats.ps_drop,
                                 droppedByInterface: stats.ps_ifdrop)
    }

    /// A writer for a pcap file with this capture's link type and snaplen.
    public func makeWriter(path: String) throws -> PacketWriter {
        guard let dumper = pcap_dump_open(handle, path) else {
            throw CaptureError.cannotWrite(path: path, detail: String(cString: pcap_geterr(handle)))
        }
        return PacketWriter(dumper: dumper)
    }

    /// The interfaces libpcap can capture on.
    public static func interfaces() throws -> [CaptureInterface] {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        var list: UnsafeMutablePointer<pcap_if_t>?
        guard pcap_findalldevs(&list, &errorBuffer) == 0 else {
            throw CaptureError.failed(operation: "listing interfaces", detail: String(cString: errorBuffer))
        }
        defer { pcap_freealldevs(list) }
        var result: [CaptureInterface] = []
        var cursor = list
        while let device = cursor {
            let flags = device.pointee.flags
            result.append(CaptureInterface(
                name: String(cString: device.pointee.name),
                description: device.pointee.description.map { String(cString: $0) },
                addresses: addresses(of: device.pointee.addresses),
                isLoopback: flags & UInt32(PCAP_IF_LOOPBACK) != 0,
                isUp: flags & UInt32(PCAP_IF_UP) != 0))
            cursor = device.pointee.next
        }
        return result
    }

    private static func addresses(of first: UnsafeMutablePointer<pcap_addr_t>?) -> [String] {
        var result: [String] = []
        var cursor = first
        while let entry = cursor {
            if let address = entry.pointee.addr {
                var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                let length = address.pointee.sa_family == sa_family_t(AF_INET6)
                    ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size
                if [sa_family_t(AF_INET), sa_family_t(AF_INET6)].contains(address.pointee.sa_family),
                   getnameinfo(address, socklen_t(length), &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 {
                    result.append(String(cString: host))
                }
            }
            cursor = entry.pointee.next
        }
        return result
    }
}

/// Writes packets to a pcap file that Wireshark and tshark open. Closed (and flushed) in `deinit`.
public final class PacketWriter {
    private let dumper: OpaquePointer

    init(dumper: OpaquePointer) { self.dumper = dumper }

    deinit { pcap_dump_close(dumper) }

    public func write(_ packet: CapturedPacket) {
        var header = pcap_pkthdr()
        header.ts.tv_sec = time_t(packet.seconds)
        // The handle was opened with nanosecond precision, so the dumper writes a nanosecond file.
        header.ts.tv_usec = suseconds_t(packet.nanoseconds)
        header.caplen = UInt32(packet.bytes.count)
        header.len = UInt32(packet.originalLength)
        let base = packet.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        withUnsafePointer(to: &header) { headerPointer in
            pcap_dump(UnsafeMutableRawPointer(dumper).assumingMemoryBound(to: UInt8.self), headerPointer, base)
        }
    }

    public func flush() { pcap_dump_flush(dumper) }
}
