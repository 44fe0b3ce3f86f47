import CPcap
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Set by `PacketSource.breakLoop(_:)` (a signal handler): one live capture per process.
private let stopFlag = Atomic<Bool>(false)

/// A capture to read packets from: a live interface, through a libpcap handle, or a saved file
/// (pcap or pcapng), which tcplab reads itself (`CaptureFile`).
///
/// The `pcap_t` never leaves this class and is closed in `deinit`.
public final class PacketSource {
    private enum Origin {
        case live(OpaquePointer)
        case file(CaptureFile)
    }

    private let origin: Origin
    /// What was opened, for error messages: an interface name or a path.
    public let name: String
    public let isLive: Bool
    private var recordNumber = 0
    /// A live capture's link type (it cannot change while the capture runs).
    private let liveLinkType: Int32
    /// A saved file's BPF filter (a live capture's is in the kernel).
    private var fileFilter: FileFilter?
    private var reportedHeaderDamage = false

    private init(origin: Origin, name: String) {
        self.origin = origin
        self.name = name
        switch origin {
        case .live(let handle):
            isLive = true
            liveLinkType = pcap_datalink(handle)
        case .file:
            isLive = false
            liveLinkType = 0
        }
    }

    deinit {
        if case .live(let handle) = origin { pcap_close(handle) }
    }

    /// A live capture's handle; nil for a saved file.
    private var handle: OpaquePointer? {
        if case .live(let handle) = origin { return handle }
        return nil
    }

    /// Opens a saved capture, pcap or pcapng.
    public static func open(file path: String) throws -> PacketSource {
        PacketSource(origin: .file(try CaptureFile(path: path)), name: path)
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
        return PacketSource(origin: .live(handle), name: interface)
    }

    /// libpcap's DLT number for this capture's link layer; for a saved file, its first interface's
    /// (each record carries its own: a pcapng file may mix them).
    public var dataLinkType: Int32 {
        switch origin {
        case .live: return liveLinkType
        case .file(let file): return file.firstLinkType
        }
    }

    /// For a saved file: its header's (pcap) or first interface's (pcapng); 0 when it has none.
    public var snapshotLength: Int32 {
        switch origin {
        case .live(let handle): return pcap_snapshot(handle)
        case .file(let file): return Int32(clamping: file.snapshotLength)
        }
    }

    /// Compiles and installs a BPF filter; a bad expression names itself in the error.
    public func setFilter(_ expression: String) throws {
        guard let handle else {
            fileFilter = try FileFilter(expression: expression, firstLinkType: dataLinkType)
            return
        }
        var program = bpf_program()
        guard pcap_compile(handle, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw CaptureError.badFilter(expression: expression, detail: String(cString: pcap_geterr(handle)))
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(handle, &program) == 0 else {
            throw CaptureError.badFilter(expression: expression, detail: String(cString: pcap_geterr(handle)))
        }
    }

    public enum Step { case packet, timeout, end }

    /// Reads the next record and hands it to `body`. Returns `.timeout` when a live capture had
    /// nothing within its timeout, and `.end` at the end of a file or after `breakLoop()` (live).
    ///
    /// A saved file is checked as it is read: the first record that cannot be right (cut short,
    /// a length no capture can have, more bytes than the packet had) throws `damagedFile` naming
    /// the record and its byte offset; the records before it have been delivered. A damaged file
    /// header throws `damagedHeader` at the end.
    @inline(__always)
    public func next(_ body: (CapturedPacket) throws -> Void) throws -> Step {
        switch origin {
        case .live(let handle): return try nextLive(handle, body)
        case .file(let file): return try next(from: file, body)
        }
    }

    @inline(__always)
    private func next(from file: CaptureFile, _ body: (CapturedPacket) throws -> Void) throws -> Step {
        while var packet = try file.next() {
            if let fileFilter, try !fileFilter.matches(packet) { continue }
            recordNumber += 1
            packet.number = recordNumber
            try body(packet)
            return .packet
        }
        if let problem = file.headerProblem, !reportedHeaderDamage {
            reportedHeaderDamage = true
            throw CaptureError.damagedHeader(path: name, detail: problem)
        }
        return .end
    }

    private func nextLive(_ handle: OpaquePointer, _ body: (CapturedPacket) throws -> Void) throws -> Step {
        var header: UnsafeMutablePointer<pcap_pkthdr>?
        var data: UnsafePointer<UInt8>?
        switch pcap_next_ex(handle, &header, &data) {
        case 1:
            let header = header!.pointee
            recordNumber += 1
            try body(CapturedPacket(
                number: recordNumber, seconds: Int(header.ts.tv_sec), nanoseconds: Int(header.ts.tv_usec),
                originalLength: Int(header.len), linkType: liveLinkType,
                bytes: UnsafeRawBufferPointer(start: data, count: Int(header.caplen))))
            return .packet
        case 0:
            return .timeout
        case PCAP_ERROR_BREAK:
            return .end
        default:
            throw CaptureError.failed(operation: "reading from \(name)", detail: String(cString: pcap_geterr(handle)))
        }
    }

    /// Makes a live capture's blocked `next` return `.end`. Safe to call from a signal handler or
    /// another thread. (Reading a file never blocks.)
    public func breakLoop() {
        if let handle { pcap_breakloop(handle) }
    }

    /// An opaque token for `breakLoop(token)` from a C signal handler, which cannot capture `self`;
    /// nil for a saved file.
    public var breakToken: OpaquePointer? { handle }

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
        guard let handle else { return nil }
        var stats = pcap_stat()
        guard pcap_stats(handle, &stats) == 0 else { return nil }
        return CaptureStatistics(received: stats.ps_recv, droppedByKernel: stats.ps_drop,
                                 droppedByInterface: stats.ps_ifdrop)
    }

    /// A writer for a pcap file with this capture's link type and snaplen (a saved file's first
    /// interface's: a pcap file holds one link type).
    public func makeWriter(path: String) throws -> PacketWriter {
        guard let handle else {
            let snapshot = (1...PacketWriter.largestSnapshot).contains(snapshotLength) ? snapshotLength : PacketWriter.largestSnapshot
            return try PacketWriter(path: path, linkType: dataLinkType, snapshotLength: snapshot)
        }
        guard let dumper = pcap_dump_open(handle, path) else {
            throw CaptureError.cannotWrite(path: path, detail: String(cString: pcap_geterr(handle)))
        }
        return PacketWriter(dumper: dumper, path: path, linkType: liveLinkType)
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
    private let path: String
    /// A pcap file holds records of one link type.
    private let linkType: Int32
    /// libpcap's own limit, for a file written from a capture whose snapshot length is unknown.
    static let largestSnapshot: Int32 = 262_144

    init(dumper: OpaquePointer, path: String, linkType: Int32) {
        self.dumper = dumper
        self.path = path
        self.linkType = linkType
    }

    /// A file for records read from a saved capture, which has no libpcap handle to write with.
    convenience init(path: String, linkType: Int32, snapshotLength: Int32) throws {
        guard let dead = pcap_open_dead_with_tstamp_precision(linkType, snapshotLength, UInt32(PCAP_TSTAMP_PRECISION_NANO)) else {
            throw CaptureError.cannotWrite(path: path, detail: "libpcap cannot write link type \(linkType)")
        }
        defer { pcap_close(dead) }   // the dumper needs only the file header it wrote
        guard let dumper = pcap_dump_open(dead, path) else {
            throw CaptureError.cannotWrite(path: path, detail: String(cString: pcap_geterr(dead)))
        }
        self.init(dumper: dumper, path: path, linkType: linkType)
    }

    deinit { pcap_dump_close(dumper) }

    /// Throws for a record of another link type than the file's (from a pcapng file that mixes them).
    public func write(_ packet: CapturedPacket) throws {
        guard packet.linkType == linkType else {
            throw CaptureError.cannotWrite(
                path: path, detail: "frame \(packet.number) has link type \(packet.linkType) and the frames before it "
                    + "\(linkType), but a pcap file holds one link type: the capture mixes interfaces of different kinds. "
                    + "tshark can take one interface's frames out first: tshark -r FILE -Y 'frame.interface_id == 0' -w ONE.pcap")
        }
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
