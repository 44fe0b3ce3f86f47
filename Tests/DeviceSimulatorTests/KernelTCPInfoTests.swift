import Foundation
import KernelTCPInfo
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The kernel's `struct tcp_info` read at our offsets, against glibc's struct (for the fields it
/// has) and against what was really sent (for the later ones), on a real loopback connection.
@Suite("TCP_INFO decoding", .enabled(if: isLinux, "TCP_INFO is Linux's"))
struct KernelTCPInfoTests {
    #if os(Linux)
    /// A connected pair of plain sockets on 127.0.0.1 (blocking; closed by the caller).
    static func connectedPair() throws -> (client: Int32, server: Int32) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 1) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        try #require(bound)
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, length) == 0 }
        }
        try #require(connected)
        let server = accept(listener, nil, nil)
        try #require(server >= 0)
        return (client, server)
    }

    static func info(_ fd: Int32) -> KernelTCPSample {
        var bytes = [UInt8](repeating: 0, count: KernelTCPInfo.bufferSize)
        var length = socklen_t(bytes.count)
        _ = getsockopt(fd, Int32(IPPROTO_TCP), TCP_INFO, &bytes, &length)
        return KernelTCPInfo(bytes: Array(bytes[0..<Int(length)])).sample(time: 0, elapsed: 0, local: "", remote: "")
    }

    static func glibcInfo(_ fd: Int32) -> tcp_info {
        var info = tcp_info()
        var length = socklen_t(MemoryLayout<tcp_info>.size)
        _ = getsockopt(fd, Int32(IPPROTO_TCP), TCP_INFO, &info, &length)
        return info
    }

    @Test("our offsets give glibc's values, and the later fields count the bytes really sent")
    func offsets() throws {
        let (client, server) = try Self.connectedPair()
        defer { close(client); close(server) }
        let payload = [UInt8](repeating: 0x41, count: 10_000)
        #expect(write(client, payload, payload.count) == payload.count)
        var received = 0
        var buffer = [UInt8](repeating: 0, count: 65536)
        for _ in 0..<1000 where received < payload.count {
            let count = read(server, &buffer, buffer.count)
            if count <= 0 { break }
            received += count
        }
        #expect(received == payload.count)
        // Wait (bounded) until the client has its ACK: then nothing changes between the two reads.
        for _ in 0..<200 where Self.info(client).unacked > 0 { usleep(5000) }

        let ours = Self.info(client), theirs = Self.glibcInfo(client)
        #expect(ours.state == "established" && theirs.tcpi_state == 1)
        #expect(ours.caState == "open" && theirs.tcpi_ca_state == 0)
        #expect(ours.cwnd == Int(theirs.tcpi_snd_cwnd) && ours.cwnd > 0)
        #expect(ours.sendMSS == Int(theirs.tcpi_snd_mss) && ours.receiveMSS == Int(theirs.tcpi_rcv_mss))
        #expect(ours.rto == Int(theirs.tcpi_rto) && ours.rto >= 200_000)
        #expect(ours.srtt == Int(theirs.tcpi_rtt) && ours.rttvar == Int(theirs.tcpi_rttvar))
        #expect(ours.totalRetrans == Int(theirs.tcpi_total_retrans) && ours.totalRetrans == 0)
        #expect(ours.ssthresh == nil, "no loss: still infinite")
        // Fields beyond glibc's struct.
        #expect(ours.bytesSent == 10_000)
        #expect(ours.bytesAcked == 10_001, "the SYN counts one")
        #expect(ours.bytesRetrans == 0 && ours.notSentBytes == 0)
        #expect(ours.segmentsOut >= 2 && ours.minRTT > 0 && ours.minRTT <= ours.srtt + ours.rttvar * 4)
        #expect(ours.sendWindow > 0)
        let serverSide = Self.info(server)
        #expect(serverSide.bytesReceived == 10_000)
        #expect(serverSide.receiveSpace > 0)
    }
    #endif

    @Test("a short buffer (an older kernel) reads the missing fields as 0")
    func shortBuffer() {
        var bytes = [UInt8](repeating: 0, count: 104)
        bytes[80] = 7  // tcpi_snd_cwnd
        bytes[0] = 1  // established
        let sample = KernelTCPInfo(bytes: bytes).sample(time: 1, elapsed: 0, local: "a", remote: "b")
        #expect(sample.cwnd == 7 && sample.state == "established")
        #expect(sample.bytesAcked == 0 && sample.deliveryRate == 0 && sample.ssthresh == 0)
    }
}

let isLinux: Bool = {
    #if os(Linux)
    true
    #else
    false
    #endif
}()
