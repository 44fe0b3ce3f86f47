import NIOCore
import NIOPosix
import Testing

@testable import DeviceSimulator
import TestSupport

/// What the kernel says about the board's socket, not what the configuration asked for.
@Suite("Device socket options")
struct SocketOptionTests {
    @Test("TCP_NODELAY is on, as the firmware's setNoDelay(true), and off only for the nagle fault",
          arguments: [(DeviceFault?.none, Int32(1)), (DeviceFault?.some(.split), Int32(1)), (DeviceFault?.some(.nagle), Int32(0))])
    func noDelay(fault: DeviceFault?, expected: Int32) async throws {
        let recorder = EventRecorder()
        let server = try await startServer(recorder)
        var configuration = DeviceConfiguration()
        configuration.fault = fault
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: server.port)
        let connection = try await DeviceConnection.open(
            to: address, host: "127.0.0.1", port: server.port, noDelay: configuration.noDelay, timeout: .seconds(5),
            group: MultiThreadedEventLoopGroup.singleton)
        let value = try await connection.channel.getOption(.tcpOption(.tcp_nodelay)).get()
        #expect((value != 0 ? 1 : 0) == expected)
        await connection.close()
        _ = await server.shutdown()
    }
}
