import Foundation
import LabNetwork
import Labs
import TestSupport
import Testing

/// `tcplab net`: the settings a student types, and (as root) the real network: namespaces, the
/// TUN link and its forwarder, delay, loss and the rate limit, each seen in a real TCP connection.
@Suite("The lab network's settings")
struct LinkSettingsTests {
    @Test("times, percentages, rates and sizes are read as tc reads them")
    func parsing() {
        #expect(LinkSettings.parseDuration("20ms") == 20_000)
        #expect(LinkSettings.parseDuration("1.5s") == 1_500_000)
        #expect(LinkSettings.parseDuration("250us") == 250)
        #expect(LinkSettings.parseDuration("0ms") == 0)
        #expect(LinkSettings.parseDuration("20") == nil, "a time needs its unit")
        #expect(LinkSettings.parseDuration("fast") == nil)
        #expect(LinkSettings.parseDuration("-5ms") == nil)
        #expect(LinkSettings.parseLoss("1%") == 0.01)
        #expect(LinkSettings.parseLoss("2.5") == 0.025)
        #expect(LinkSettings.parseLoss("101%") == nil)
        #expect(LinkSettings.parseRate("4mbit") == 4_000_000)
        #expect(LinkSettings.parseRate("500kbit") == 500_000)
        #expect(LinkSettings.parseRate("4mb") == nil, "tc's mb is a size, not a rate")
        #expect(LinkSettings.parseSize("12kb") == 12_288)
        #expect(LinkSettings.parseSize("1500b") == 1500)
        #expect(LinkSettings.parseSize("1500") == 1500)
        #expect(LinkSettings.rateText(bitsPerSecond: 4_000_000) == "4mbit")
        #expect(LinkSettings.durationText(microseconds: 10_000) == "10ms")
    }

    @Test("the queueing disciplines: netem on both sides where it delays; never a tbf (the rate limit is the forwarder's)")
    func queueingDisciplines() {
        let network = LabNetwork(layout: LabNetworkLayout(prefix: "p"))
        var settings = LinkSettings()
        settings.delayMicroseconds = 10_000
        settings.loss = 0.01
        settings.rateBitsPerSecond = 4_000_000
        let joined = { (netem: Bool) in network.queueingDisciplineCommands(settings, netem: netem).map { $0.joined(separator: " ") } }
        #expect(joined(true) == [
            "-n p-board qdisc add dev lab0 root netem delay 10000us loss 1% limit 10000",
            "-n p-server qdisc add dev lab0 root netem delay 10000us loss 1% limit 10000",
        ])
        #expect(joined(false).isEmpty, "the forwarder alone delays, drops and limits the rate")
    }

    @Test("a bad value is refused before anything is made")
    func badValues() throws {
        let run = try TCPLabBinary.run(["net", "up", "--prefix", "tcplab-never", "--delay", "20"])
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("--delay 20: give a time such as 20ms"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/run/netns/tcplab-never-board"))
    }
}

@Suite("The lab network", .serialized)
struct LabNetworkTests {
    @Test("up, status, up again, down, down again",
          .enabled(if: labNetworkUsable, labNetworkNeeds), .timeLimit(.minutes(1)))
    func lifecycle() throws {
        let net = TestLabNetwork()
        defer { net.remove() }
        let up = try net.tcplab(["net", "up", "--delay", "10ms"])
        #expect(up.status == 0, "\(up.stderr)")
        #expect(up.stdout.contains("10ms each way (round trip 20ms)"), "\(up.stdout)")
        for side in ["board", "server"] {
            #expect(FileManager.default.fileExists(atPath: "/run/netns/\(net.prefix)-\(side)"))
        }
        let status = try net.tcplab(["net", "status"])
        #expect(status.status == 0 && status.stdout.contains("is up") && status.stdout.contains("10.50.0.2"), "\(status.stdout)")
        #expect(LabNetwork(layout: net.layout).status().forwarderPIDs.count == 1)

        let again = try net.tcplab(["net", "up"])
        #expect(again.status == 1 && again.stderr.contains("already up"), "\(again.stderr)")

        let down = try net.tcplab(["net", "down"])
        #expect(down.status == 0 && down.stdout.contains("removed the lab network"), "\(down.stdout) \(down.stderr)")
        for side in ["board", "server"] {
            #expect(!FileManager.default.fileExists(atPath: "/run/netns/\(net.prefix)-\(side)"))
        }
        #expect(LabNetwork(layout: net.layout).status().forwarderPIDs.isEmpty, "the forwarder stopped")
        #expect(!FileManager.default.fileExists(atPath: net.layout.statePath))
        let gone = try net.tcplab(["net", "status"])
        #expect(gone.status == 1 && gone.stdout.contains("is not up"), "\(gone.stdout)")
        let twice = try net.tcplab(["net", "down"])
        #expect(twice.status == 0 && twice.stdout.contains("nothing to remove"), "\(twice.stdout)")
    }

    @Test("a namespace of that name that up did not make is refused and left alone",
          .enabled(if: labNetworkUsable, labNetworkNeeds), .timeLimit(.minutes(1)))
    func nameTaken() throws {
        let net = TestLabNetwork()
        defer {
            net.remove()
            _ = try? runProcess(ipCommand, ["netns", "del", "\(net.prefix)-server"])
        }
        _ = try runProcess(ipCommand, ["netns", "add", "\(net.prefix)-server"])
        let up = try net.tcplab(["net", "up"])
        #expect(up.status == 1 && up.stderr.contains("\(net.prefix)-server exists but was not made by"), "\(up.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/run/netns/\(net.prefix)-board"))
        #expect(FileManager.default.fileExists(atPath: "/run/netns/\(net.prefix)-server"), "someone else's namespace stays")
    }

    @Test("the forwarder stops by itself when its namespace is deleted behind its back",
          .enabled(if: labNetworkUsable, labNetworkNeeds), .timeLimit(.minutes(1)))
    func forwarderNoticesAVanishedNamespace() throws {
        let net = TestLabNetwork()
        defer { net.remove() }
        #expect(try net.tcplab(["net", "up", "--delay", "1ms"]).status == 0)
        let network = LabNetwork(layout: net.layout)
        #expect(network.status().forwarderPIDs.count == 1)
        _ = try runProcess(ipCommand, ["netns", "del", net.layout.boardNamespace])
        var stopped = false
        for _ in 0..<250 where !stopped {  // it looks twice a second; at most 5 s
            stopped = network.status().forwarderPIDs.isEmpty
            if !stopped { usleep(20_000) }
        }
        #expect(stopped)
        let log = (try? String(contentsOfFile: net.layout.forwarderLogPath, encoding: .utf8)) ?? ""
        #expect(log.contains("namespace \(net.layout.boardNamespace) was deleted"), "\(log)")
    }

    @Test("without root, up says so and makes nothing",
          .enabled(if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs root to become nobody"))
    func notRoot() throws {
        let binary = ReadableInstall.root.appendingPathComponent("bin/tcplab").path
        let run = try runProcess(URL(fileURLWithPath: "/usr/bin/setpriv"),
                                 ["--reuid=65534", "--regid=65534", "--clear-groups", binary, "net", "up", "--prefix", "tcplab-nobody"])
        #expect(run.status == 1 && run.stderr.contains("needs root") && run.stderr.contains("sudo"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/run/netns/tcplab-nobody-board"))
    }

    @Test("a connection's round trip through --delay 10ms is at least 20 ms",
          .enabled(if: labNetworkUsable, labNetworkNeeds), .timeLimit(.minutes(1)))
    func delay() throws {
        let net = TestLabNetwork()
        defer { net.remove() }
        #expect(try net.tcplab(["net", "up", "--delay", "10ms"]).status == 0)
        let facts = try net.captureBoard(["device", "--host", "10.50.0.2", "--readings", "3", "--interval", "0.05"])
        let stream = try #require(facts.mainStream(port: 5050))
        let syn = try #require(stream.segments.first { $0.flags.contains(.syn) && $0.fromClient })
        let synAck = try #require(stream.segments.first { $0.flags.contains(.syn) && !$0.fromClient })
        #expect(synAck.time - syn.time >= 0.020, "SYN to SYN-ACK took \(synAck.time - syn.time) s")
        #expect(stream.readings.count == 3)
        // Every reading waited for its ACK at least one round trip.
        for data in stream.clientDataSegments {
            let ack = try #require(stream.segments.first {
                !$0.fromClient && $0.time > data.time && ($0.relativeAcknowledgement ?? 0) >= data.relativeSequence &+ UInt32(data.length)
            })
            #expect(ack.time - data.time >= 0.020, "frame \(data.frame) acknowledged after \(ack.time - data.time) s")
        }
    }

    @Test("--loss drops some packets, not all: TCP retransmits and the readings arrive",
          .enabled(if: labNetworkUsable, labNetworkNeeds), .timeLimit(.minutes(1)))
    func loss() throws {
        let net = TestLabNetwork()
        defer { net.remove() }
        #expect(try net.tcplab(["net", "up", "--loss", "20%", "--seed", "3", "--delay", "1ms"]).status == 0)
        let facts = try net.captureBoard(["device", "--host", "10.50.0.2", "--readings", "40", "--interval", "0.01"])
        let stream = try #require(facts.mainStream(port: 5050))
        #expect(stream.count(.retransmission) > 0, "a lossless link needs no retransmission")
        #expect(stream.acknowledgedReadings.count > 0, "some readings got through")
    }

    @Test("--rate limits what the board sends (lower bound on the time only)",
          .enabled(if: labNetworkUsable, labNetworkNeeds), .timeLimit(.minutes(1)))
    func rate() throws {
        let net = TestLabNetwork()
        defer { net.remove() }
        #expect(try net.tcplab(["net", "up", "--rate", "256kbit", "--queue", "12kb", "--burst", "8kb"]).status == 0)
        let facts = try net.captureBoard(["device", "--host", "10.50.0.2", "--readings", "1500", "--interval", "0"])
        let stream = try #require(facts.mainStream(port: 5050))
        // The capture on the board's side sees segments before the bottleneck (dropped ones too);
        // what passed it is what the server acknowledged, by the time of its last ACK.
        let firstData = try #require(stream.clientDataSegments.first).time
        let lastAck = try #require(stream.segments.last { !$0.fromClient && $0.relativeAcknowledgement != nil }).time
        let bytes = stream.acknowledgedClientByteCount
        #expect(bytes > 20_000)
        // What leaves the bottleneck in that time is at most the bucket plus rate × time.
        #expect(Double(bytes - 8 * 1024) * 8 / 256_000 <= lastAck - firstData, "\(bytes) bytes in \(lastAck - firstData) s")
    }
}

extension LabNetworkTests {
    /// The congestion lab's bottleneck: a bulk upload through it loses packets on the wire (the
    /// forwarder's queue overflows), so the board's TCP retransmits after duplicate ACKs. A tbf
    /// on the board's own interface dropped inside the board's kernel and gave none.
    @Test("--rate's queue drops on the wire: a bulk upload sees duplicate ACKs and retransmissions",
          .enabled(if: labNetworkUsable, labNetworkNeeds), .timeLimit(.minutes(1)))
    func bottleneckLosesOnTheWire() throws {
        let net = TestLabNetwork()
        defer { net.remove() }
        #expect(try net.tcplab(["net", "up", "--delay", "10ms", "--rate", "4mbit", "--queue", "12kb"]).status == 0)
        let facts = try net.captureBoard(["device", "--host", "10.50.0.2", "--bulk", "400k"])
        let stream = try #require(facts.mainStream(port: 5050))
        #expect(stream.count(.duplicateAck) > 0 && stream.count(.retransmission) > 0,
                "dup ACKs \(stream.count(.duplicateAck)), retransmissions \(stream.count(.retransmission))")
        #expect(stream.clientStream.byteCount >= 400_000, "every byte arrived in the end")
    }
}

/// What the lab network needs here: root, iproute2's ip and tc (`make test` installs them), /dev/net/tun.
let labNetworkUsable = isRoot && FileManager.default.fileExists(atPath: "/dev/net/tun")
    && ["/usr/sbin/tc", "/sbin/tc"].contains { FileManager.default.isExecutableFile(atPath: $0) }
let labNetworkNeeds: Comment = "needs root, ip and tc (iproute2) and /dev/net/tun to make the lab network"

/// One lab network for one test, under a prefix no student or other test uses; `remove` always
/// runs (`defer`), so nothing is left behind when a test fails.
final class TestLabNetwork: Sendable {
    let prefix = "tl\(getpid())x\(UInt16.random(in: 0...UInt16.max))"
    var layout: LabNetworkLayout { LabNetworkLayout(prefix: prefix) }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-net-\(UUID().uuidString)")

    init() {
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// `tcplab net SUB --prefix P ARGS…`.
    func tcplab(_ arguments: [String]) throws -> ProcessResult {
        var words = arguments
        if words.first == "net" && words.count >= 2 { words.insert(contentsOf: ["--prefix", prefix], at: 2) }
        return try TCPLabBinary.run(words)
    }

    /// A tcplab command on one side, in the background.
    func start(_ side: String, _ arguments: [String]) throws -> Terminal {
        let process = ChildProcess()
        process.executableURL = ipCommand
        process.arguments = ["netns", "exec", "\(prefix)-\(side)", TCPLabBinary.url.path] + arguments
        process.currentDirectoryURL = folder
        let terminal = Terminal(process: process, command: arguments.joined(separator: " "))
        try terminal.start()
        return terminal
    }

    /// Server on the server's side, a capture on the board's lab0 while `board` runs there; the capture's facts.
    func captureBoard(_ board: [String]) throws -> CaptureFacts {
        let server = try start("server", ["serve", "--quiet"])
        defer { stop(server) }
        let file = folder.appendingPathComponent("board.pcap").path
        let capture = try start("board", ["capture", "-i", "lab0", "-q", "-w", file])
        #expect(capture.waitFor("capturing on"), "\(capture.output)")
        let device = try start("board", board)
        #expect(device.wait(timeout: 40) == 0, "\(device.output)")
        // The board's last bytes may still wait behind the delay or the rate limit: the server says when they are in.
        #expect(server.waitFor("disconnected", timeout: 30), "\(server.output)")
        usleep(100_000)
        stop(capture)
        return try CaptureFacts.load(file: file)
    }

    func stop(_ terminal: Terminal) {
        kill(terminal.process.processIdentifier, SIGINT)
        terminal.wait(timeout: 10)
    }

    func remove() {
        _ = try? tcplab(["net", "down"])
        try? FileManager.default.removeItem(at: folder)
    }
}
