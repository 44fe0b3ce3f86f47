#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The TCP_INFO file (`tcplab device --tcp-info`, `tcplab serve --tcp-info`): CSV, one header
/// row, then one row per sample of one connection, in the order taken. Several connections share
/// a file; `local` and `remote` tell them apart. Empty cell: no value (ssthresh before the first
/// loss). docs/device.md describes every column.
public enum KernelTCPSamples {
    /// The columns, in file order.
    public static let columns = [
        "time", "elapsed", "local", "remote", "state", "ca_state", "cwnd", "ssthresh", "srtt_us", "rttvar_us",
        "rto_us", "min_rtt_us", "snd_mss", "rcv_mss", "unacked", "sacked", "lost", "retrans", "retransmits",
        "total_retrans", "bytes_sent", "bytes_acked", "bytes_retrans", "bytes_received", "delivery_rate",
        "pacing_rate", "app_limited", "segs_out", "segs_in", "snd_wnd", "notsent_bytes", "rcv_space", "rcv_rtt_us",
    ]

    public static var header: String { self.columns.joined(separator: ",") }

    /// One row, without the newline. Times with microsecond digits (the kernel's resolution).
    public static func row(_ s: KernelTCPSample) -> String {
        let cells: [String] = [
            Self.fixed(s.time, digits: 6), Self.fixed(s.elapsed, digits: 6), s.local, s.remote, s.state, s.caState,
            "\(s.cwnd)", s.ssthresh.map { "\($0)" } ?? "", "\(s.srtt)", "\(s.rttvar)", "\(s.rto)", "\(s.minRTT)",
            "\(s.sendMSS)", "\(s.receiveMSS)", "\(s.unacked)", "\(s.sacked)", "\(s.lost)", "\(s.retrans)",
            "\(s.retransmits)", "\(s.totalRetrans)", "\(s.bytesSent)", "\(s.bytesAcked)", "\(s.bytesRetrans)",
            "\(s.bytesReceived)", "\(s.deliveryRate)", "\(s.pacingRate)", s.appLimited ? "1" : "0",
            "\(s.segmentsOut)", "\(s.segmentsIn)", "\(s.sendWindow)", "\(s.notSentBytes)", "\(s.receiveSpace)",
            "\(s.receiveRTT)",
        ]
        return cells.joined(separator: ",")
    }

    /// The samples of a TCP_INFO file.
    public static func load(_ path: String) throws(KernelTCPSamplesError) -> [KernelTCPSample] {
        guard let file = fopen(path, "r") else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
            if count < chunk.count { break }
        }
        if ferror(file) != 0 { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        return try self.parse(String(decoding: bytes, as: UTF8.self))
    }

    /// The samples in a TCP_INFO file's text. Columns are found by name, so a later version may
    /// add columns without breaking this reader.
    public static func parse(_ text: String) throws(KernelTCPSamplesError) -> [KernelTCPSample] {
        var lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        guard !lines.isEmpty else { throw .badHeader("the file is empty") }
        let names = lines.removeFirst().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() { index[name] = position }
        for required in Self.columns where index[required] == nil {
            throw .badHeader("no column \(required) in the header row")
        }
        var samples: [KernelTCPSample] = []
        samples.reserveCapacity(lines.count)
        for (offset, line) in lines.enumerated() {
            let lineNumber = offset + 2
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == names.count else {
                throw .badRow(line: lineNumber, reason: "\(cells.count) cells, the header has \(names.count)")
            }
            func cell(_ name: String) -> String { cells[index[name]!] }
            func double(_ name: String) throws(KernelTCPSamplesError) -> Double {
                guard let value = Double(cell(name)) else {
                    throw .badRow(line: lineNumber, reason: "\(name) is not a number: \(cell(name))")
                }
                return value
            }
            func int(_ name: String) throws(KernelTCPSamplesError) -> Int {
                guard let value = Int(cell(name)) else {
                    throw .badRow(line: lineNumber, reason: "\(name) is not a whole number: \(cell(name))")
                }
                return value
            }
            func u64(_ name: String) throws(KernelTCPSamplesError) -> UInt64 {
                guard let value = UInt64(cell(name)) else {
                    throw .badRow(line: lineNumber, reason: "\(name) is not a whole number: \(cell(name))")
                }
                return value
            }
            let ssthresh: Int? = cell("ssthresh").isEmpty ? nil : try int("ssthresh")
            samples.append(
                KernelTCPSample(
                    time: try double("time"), elapsed: try double("elapsed"), local: cell("local"),
                    remote: cell("remote"), state: cell("state"), caState: cell("ca_state"), cwnd: try int("cwnd"),
                    ssthresh: ssthresh, srtt: try int("srtt_us"), rttvar: try int("rttvar_us"),
                    rto: try int("rto_us"), minRTT: try int("min_rtt_us"), sendMSS: try int("snd_mss"),
                    receiveMSS: try int("rcv_mss"), unacked: try int("unacked"), sacked: try int("sacked"),
                    lost: try int("lost"), retrans: try int("retrans"), retransmits: try int("retransmits"),
                    totalRetrans: try int("total_retrans"), bytesSent: try u64("bytes_sent"),
                    bytesAcked: try u64("bytes_acked"), bytesRetrans: try u64("bytes_retrans"),
                    bytesReceived: try u64("bytes_received"), deliveryRate: try u64("delivery_rate"),
                    pacingRate: try u64("pacing_rate"), appLimited: try int("app_limited") != 0,
                    segmentsOut: try int("segs_out"), segmentsIn: try int("segs_in"), sendWindow: try int("snd_wnd"),
                    notSentBytes: try int("notsent_bytes"), receiveSpace: try int("rcv_space"),
                    receiveRTT: try int("rcv_rtt_us")))
        }
        return samples
    }

    /// `1795123456.123456`: fixed digits, no exponent (Swift's description may use one).
    static func fixed(_ value: Double, digits: Int) -> String {
        let scale = (0..<digits).reduce(1.0) { value, _ in value * 10 }
        let scaled = (value * scale).rounded()
        let negative = scaled < 0
        let magnitude = UInt64(abs(scaled))
        let unit = UInt64(scale)
        var fraction = String(magnitude % unit)
        fraction = String(repeating: "0", count: max(0, digits - fraction.count)) + fraction
        return "\(negative ? "-" : "")\(magnitude / unit).\(fraction)"
    }
}

public enum KernelTCPSamplesError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case badHeader(String)
    case badRow(line: Int, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read the TCP_INFO file \(path): \(reason)"
        case .badHeader(let reason): "not a TCP_INFO file: \(reason)"
        case .badRow(let line, let reason): "TCP_INFO file, line \(line): \(reason)"
        }
    }
}
