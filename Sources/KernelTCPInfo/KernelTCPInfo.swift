/// Linux's `struct tcp_info` (include/uapi/linux/tcp.h) read from the bytes `getsockopt(TCP_INFO)`
/// fills. glibc's copy in <netinet/tcp.h> stops at tcpi_total_retrans, so the fields after it
/// (bytes acked, delivery rate, …) are read at the kernel's own offsets here. Bytes the kernel
/// did not fill (an older kernel returns a shorter struct) stay zero.
public struct KernelTCPInfo: Sendable {
    /// Enough for every field read below (the kernel's struct is 232 bytes on Linux 6.x; asking
    /// for more is allowed, the kernel copies what it has).
    public static let bufferSize = 256

    public let bytes: [UInt8]

    /// The bytes getsockopt filled; shorter than `bufferSize` is padded with zeros.
    public init(bytes: [UInt8]) {
        self.bytes = bytes.count >= Self.bufferSize ? bytes : bytes + [UInt8](repeating: 0, count: Self.bufferSize - bytes.count)
    }

    private func u8(_ offset: Int) -> Int { Int(self.bytes[offset]) }

    private func u32(_ offset: Int) -> Int {
        // Native byte order: the struct comes straight from this machine's kernel.
        var value: UInt32 = 0
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: self.bytes[offset..<offset + 4]) }
        return Int(value)
    }

    private func u64(_ offset: Int) -> UInt64 {
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: self.bytes[offset..<offset + 8]) }
        return value
    }

    /// Offsets of the kernel's layout (checked against offsetof() on Linux 6.18).
    var state: Int { self.u8(0) }
    var caState: Int { self.u8(1) }
    var retransmits: Int { self.u8(2) }
    var appLimited: Bool { self.bytes[7] & 1 == 1 }
    var rto: Int { self.u32(8) }
    var sendMSS: Int { self.u32(16) }
    var receiveMSS: Int { self.u32(20) }
    var unacked: Int { self.u32(24) }
    var sacked: Int { self.u32(28) }
    var lost: Int { self.u32(32) }
    var retrans: Int { self.u32(36) }
    var rtt: Int { self.u32(68) }
    var rttvar: Int { self.u32(72) }
    var sendSSThresh: Int { self.u32(76) }
    var sendCwnd: Int { self.u32(80) }
    var receiveRTT: Int { self.u32(92) }
    var receiveSpace: Int { self.u32(96) }
    var totalRetrans: Int { self.u32(100) }
    var pacingRate: UInt64 { self.u64(104) }
    /// Bytes of data the peer has acknowledged (tcpi_bytes_acked; SYN and FIN not counted).
    public var bytesAcked: UInt64 { self.u64(120) }
    var bytesReceived: UInt64 { self.u64(128) }
    var segmentsOut: Int { self.u32(136) }
    var segmentsIn: Int { self.u32(140) }
    var notSentBytes: Int { self.u32(144) }
    var minRTT: Int { self.u32(148) }
    var deliveryRate: UInt64 { self.u64(160) }
    var bytesSent: UInt64 { self.u64(200) }
    var bytesRetrans: UInt64 { self.u64(208) }
    var sendWindow: Int { self.u32(228) }

    /// TCP_INFINITE_SSTHRESH: no loss seen yet, still in the first slow start.
    static let infiniteSSThresh = 0x7fff_ffff

    static let stateNames = [
        1: "established", 2: "syn-sent", 3: "syn-recv", 4: "fin-wait-1", 5: "fin-wait-2", 6: "time-wait",
        7: "close", 8: "close-wait", 9: "last-ack", 10: "listen", 11: "closing",
    ]
    static let caStateNames = [0: "open", 1: "disorder", 2: "cwr", 3: "recovery", 4: "loss"]

    public func sample(time: Double, elapsed: Double, local: String, remote: String) -> KernelTCPSample {
        KernelTCPSample(
            time: time, elapsed: elapsed, local: local, remote: remote,
            state: Self.stateNames[self.state] ?? "\(self.state)",
            caState: Self.caStateNames[self.caState] ?? "\(self.caState)",
            cwnd: self.sendCwnd,
            ssthresh: self.sendSSThresh >= Self.infiniteSSThresh ? nil : self.sendSSThresh,
            srtt: self.rtt, rttvar: self.rttvar, rto: self.rto, minRTT: self.minRTT,
            sendMSS: self.sendMSS, receiveMSS: self.receiveMSS, unacked: self.unacked, sacked: self.sacked,
            lost: self.lost, retrans: self.retrans, retransmits: self.retransmits, totalRetrans: self.totalRetrans,
            bytesSent: self.bytesSent, bytesAcked: self.bytesAcked, bytesRetrans: self.bytesRetrans,
            bytesReceived: self.bytesReceived, deliveryRate: self.deliveryRate, pacingRate: self.pacingRate,
            appLimited: self.appLimited, segmentsOut: self.segmentsOut, segmentsIn: self.segmentsIn,
            sendWindow: self.sendWindow, notSentBytes: self.notSentBytes, receiveSpace: self.receiveSpace,
            receiveRTT: self.receiveRTT)
    }
}
