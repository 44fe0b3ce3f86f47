/// One look at a connection through the kernel's eyes: Linux's `TCP_INFO` at one moment, with
/// the units the kernel gives (times in microseconds, windows in segments, rates in bytes per
/// second). One row of a TCP_INFO file (`KernelTCPSamples`); docs/device.md explains each value.
public struct KernelTCPSample: Sendable, Equatable {
    /// Seconds since the epoch (CLOCK_REALTIME, the clock of pcap timestamps).
    public var time: Double
    /// Seconds since the file's first sample.
    public var elapsed: Double
    /// The sampling end's address and port (`10.50.0.2:40312`, `[fd00::2]:40312`) and the peer's.
    public var local: String
    public var remote: String
    /// `established`, `fin-wait-1`, … (tcpi_state, as `ss` names them).
    public var state: String
    /// Congestion-avoidance state: `open`, `disorder`, `cwr`, `recovery`, `loss` (tcpi_ca_state).
    public var caState: String
    /// Congestion window, in segments of `sendMSS` bytes (tcpi_snd_cwnd).
    public var cwnd: Int
    /// Slow-start threshold in segments; nil while still infinite (the first slow start).
    public var ssthresh: Int?
    /// Smoothed RTT, its variation, the retransmission timeout and the lowest RTT seen, in µs.
    public var srtt: Int
    public var rttvar: Int
    public var rto: Int
    public var minRTT: Int
    public var sendMSS: Int
    public var receiveMSS: Int
    /// Segments sent and not yet acknowledged, SACKed, thought lost, retransmitted and in flight now.
    public var unacked: Int
    public var sacked: Int
    public var lost: Int
    public var retrans: Int
    /// Timeouts in a row for the oldest unacknowledged segment (tcpi_retransmits).
    public var retransmits: Int
    /// Segments retransmitted over the connection's life (tcpi_total_retrans).
    public var totalRetrans: Int
    public var bytesSent: UInt64
    public var bytesAcked: UInt64
    public var bytesRetrans: UInt64
    public var bytesReceived: UInt64
    /// The kernel's latest delivery-rate sample and its pacing rate, bytes per second.
    public var deliveryRate: UInt64
    public var pacingRate: UInt64
    /// The delivery-rate sample was taken while the application, not the network, was the limit.
    public var appLimited: Bool
    public var segmentsOut: Int
    public var segmentsIn: Int
    /// The peer's receive window as last advertised (scaled), in bytes.
    public var sendWindow: Int
    /// Bytes written by the application and not yet sent.
    public var notSentBytes: Int
    /// Receiver side: the buffer space the kernel aims for (auto-tuning) and its RTT estimate, µs.
    public var receiveSpace: Int
    public var receiveRTT: Int

    public init(
        time: Double, elapsed: Double, local: String, remote: String, state: String, caState: String, cwnd: Int,
        ssthresh: Int?, srtt: Int, rttvar: Int, rto: Int, minRTT: Int, sendMSS: Int, receiveMSS: Int, unacked: Int,
        sacked: Int, lost: Int, retrans: Int, retransmits: Int, totalRetrans: Int, bytesSent: UInt64,
        bytesAcked: UInt64, bytesRetrans: UInt64, bytesReceived: UInt64, deliveryRate: UInt64, pacingRate: UInt64,
        appLimited: Bool, segmentsOut: Int, segmentsIn: Int, sendWindow: Int, notSentBytes: Int, receiveSpace: Int,
        receiveRTT: Int
    ) {
        self.time = time
        self.elapsed = elapsed
        self.local = local
        self.remote = remote
        self.state = state
        self.caState = caState
        self.cwnd = cwnd
        self.ssthresh = ssthresh
        self.srtt = srtt
        self.rttvar = rttvar
        self.rto = rto
        self.minRTT = minRTT
        self.sendMSS = sendMSS
        self.receiveMSS = receiveMSS
        self.unacked = unacked
        self.sacked = sacked
        self.lost = lost
        self.retrans = retrans
        self.retransmits = retransmits
        self.totalRetrans = totalRetrans
        self.bytesSent = bytesSent
        self.bytesAcked = bytesAcked
        self.bytesRetrans = bytesRetrans
        self.bytesReceived = bytesReceived
        self.deliveryRate = deliveryRate
        self.pacingRate = pacingRate
        self.appLimited = appLimited
        self.segmentsOut = segmentsOut
        self.segmentsIn = segmentsIn
        self.sendWindow = sendWindow
        self.notSentBytes = notSentBytes
        self.receiveSpace = receiveSpace
        self.receiveRTT = receiveRTT
    }

    /// The congestion window in bytes (cwnd × MSS), as a capture's bytes-in-flight compares with it.
    public var cwndBytes: Int { self.cwnd * self.sendMSS }
    /// Smoothed RTT in seconds, to set beside an EstimatedRTT computed from a capture.
    public var srttSeconds: Double { Double(self.srtt) / 1_000_000 }
}
