import Logging
import NIOCore
import NIOPosix
import Testing

@testable import SensorServer
import TestSupport

/// `--allow` and `--max-per-address` on real loopback sockets. Linux routes all of 127.0.0.0/8 to
/// loopback, so clients bound to 127.0.0.2, .3 ... are distinct hosts for the server.
@Suite("SensorServer access control on loopback: --allow and --max-per-address")
struct AccessControlTests {
    @Test("--allow: a peer outside every range is closed and reported; one inside is served")
    func allowlist() async throws {
        let recorder = EventRecorder()
        let server = try await EndToEndTests.startServer(sinks: [recorder]) {
            $0.allowedRanges = [try! AddressRange("127.0.0.2/32"), try! AddressRange("fd00::/8")]
        }
        let stranger = try await LoopbackClient.connect(port: server.port, from: "127.0.0.1")
        #expect(await eventually { recorder.refusals == [.notAllowed] })
        #expect(await eventually { !stranger.channel.isActive })

        let member = try await LoopbackClient.connect(port: server.port, from: "127.0.0.2")
        try await member.write("HELLO allowed\r\n" + sketchLines(0..<3))
        #expect(await eventually { recorder.readings.count == 3 })
        #expect(recorder.readings.allSatisfy { $0.device == "allowed" && $0.peer.hasPrefix("127.0.0.2:") })
        #expect(member.channel.isActive)

        let summary = await server.shutdown()
        #expect(summary.statistics.refusedByReason == ["not-allowed": 1])
        #expect(summary.statistics.connectionsAccepted == 1)
        try? await member.close()
    }

    @Test("--allow on a dual-stack (::) listener: an IPv4 peer matches its IPv4 range, IPv6 its own",
        .enabled(if: ipv6LoopbackWorks(), "needs IPv6 on loopback"))
    func allowlistDualStack() async throws {
        let recorder = EventRecorder()
        let server = try await EndToEndTests.startServer(sinks: [recorder]) {
            $0.host = "::"
            $0.allowedRanges = [try! AddressRange("127.0.0.0/8")]
        }
        let v4 = try await LoopbackClient.connect(port: server.port, host: "127.0.0.1")
        try await v4.write("1,2,3.0,4.0\n")
        #expect(await eventually { recorder.readings.count == 1 })
        let v6 = try await LoopbackClient.connect(port: server.port, host: "::1")
        #expect(await eventually { recorder.refusals == [.notAllowed] })
        #expect(await eventually { !v6.channel.isActive })
        _ = await server.shutdown()
        try? await v4.close()
    }

    @Test("--max-per-address: one address beyond its limit is refused; other addresses and freed slots are served")
    func perAddressLimit() async throws {
        let recorder = EventRecorder()
        let server = try await EndToEndTests.startServer(sinks: [recorder]) { $0.maxConnectionsPerAddress = 2 }
        var greedy: [LoopbackClient] = []
        for _ in 0..<2 { greedy.append(try await LoopbackClient.connect(port: server.port, from: "127.0.0.1")) }
        #expect(await eventually { recorder.connectedCount == 2 })

        let third = try await LoopbackClient.connect(port: server.port, from: "127.0.0.1")
        #expect(await eventually { recorder.refusals == [.addressFull(limit: 2)] })
        #expect(await eventually { !third.channel.isActive })

        let neighbour = try await LoopbackClient.connect(port: server.port, from: "127.0.0.3")
        try await neighbour.write("1,2,3.0,4.0\n")
        #expect(await eventually { recorder.readings.count == 1 })

        // A closed connection frees its slot for the same address. The gate frees it when the
        // channel's close completes, which may come after the disconnect event: wait for the
        // gate's own count (greedy[1] and the neighbour stay open), not for the event alone.
        try await greedy[0].close()
        #expect(await eventually { recorder.disconnections.count == 1 })
        #expect(await eventually { await server.statistics().connectionsOpen == 2 })
        let again = try await LoopbackClient.connect(port: server.port, from: "127.0.0.1")
        try await again.write("2,3,3.0,4.0\n")
        #expect(await eventually { recorder.readings.count == 2 })
        #expect(recorder.refusals.count == 1)
        #expect(greedy[1].channel.isActive)

        let summary = await server.shutdown()
        #expect(summary.statistics.refusedByReason == ["max-per-address": 1])
        #expect(summary.statistics.connectionsAccepted == 4)
        for client in [greedy[1], neighbour, again] { try? await client.close() }
    }

    @Test("refusals beyond the report budget are counted, not reported one by one")
    func refusalFloodIsCounted() async throws {
        let recorder = EventRecorder()
        let server = try await EndToEndTests.startServer(sinks: [recorder]) {
            $0.allowedRanges = [try! AddressRange("10.0.0.0/8")]
            $0.reportRate = ReportRate(burst: 2, perSecond: 0)  // never refills: no timing in the test
        }
        var strangers: [LoopbackClient] = []
        for _ in 0..<5 { strangers.append(try await LoopbackClient.connect(port: server.port)) }
        #expect(await eventually { strangers.allSatisfy { !$0.channel.isActive } })
        let summary = await server.shutdown()
        #expect(summary.statistics.refusedByReason == ["not-allowed": 5])
        #expect(recorder.refusals == [.notAllowed, .notAllowed])
    }

    @Test("refusals are printed with their reason, on stderr in text, with a code in JSON")
    func refusalOutput() {
        let text = EventTextFormatter().format(
            .refused(peer: "10.0.0.9:4000", at: .now(), reason: .notAllowed, unreportedBefore: 7))
        #expect(text?.text.contains("10.0.0.9:4000 refused: address not in any --allow range (7 more refusals") == true)
        #expect(text?.stream == .standardError)
        let json = EventJSONFormatter().format(
            .refused(peer: "10.0.0.9:4000", at: .now(), reason: .addressFull(limit: 4)))?.text ?? ""
        #expect(json.contains(#""reason":"max-per-address""#) && json.contains(#""limit":4"#))
    }
}

func ipv6LoopbackWorks() -> Bool {
    (try? SocketAddress(ipAddress: "::1", port: 0)) != nil
        && (try? ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "::1", port: 0).wait())
            .map { channel in
                try? channel.close().wait()
                return true
            } ?? false
}
