import Foundation
import TestSupport
import Testing
@testable import Labs

/// Where tshark is, if it is installed (outside the suite: its trait reads it).
private let tsharkForSkeleton: String? = ["/usr/bin/tshark", "/usr/local/bin/tshark", "/opt/homebrew/bin/tshark"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }

/// Lab 10 hands students `labs/10-dissector/skeleton.lua`. It must run under tshark and already
/// find every reading's `seq` that tcplab finds — including lines split over segments and many
/// lines in one segment — so students start from something that works.
@Suite("Lab 10's skeleton dissector", .enabled(if: tsharkForSkeleton != nil, "tshark is not installed"))
struct SkeletonDissectorTests {
    static var tshark: String? { tsharkForSkeleton }

    /// `sensorlab.seq` of every reading line, in frame order, as tshark prints them.
    static func skeletonSequenceNumbers(_ capture: String, field: String = "sensorlab.seq", home: String? = nil,
                                        extra: [String] = []) throws -> [UInt32] {
        let process = ChildProcess()
        process.executableURL = URL(fileURLWithPath: try #require(tshark))
        process.arguments = ["-X", "lua_script:" + repositoryPath("labs/10-dissector/skeleton.lua"), "-r", capture]
            + extra + ["-Y", field, "-T", "fields", "-e", field]
        if let home { process.environment = ["HOME": home, "PATH": "/usr/bin:/bin"] }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "tshark failed on \(capture)")
        return String(decoding: data, as: UTF8.self)
            .split(whereSeparator: { $0 == "\n" || $0 == "," })
            .compactMap { UInt32($0.trimmingCharacters(in: .whitespaces)) }
    }

    @Test("The skeleton finds the same readings as tcplab",
          arguments: ["handshake-readings-fin.pcap", "readings.pcapng", "zero-window.pcap", "lwip-like.pcap",
                      "labs/captures/split-lines.pcap"])
    func skeletonMatchesTcplab(fixture: String) throws {
        // split-lines.pcap: readings cut in two writes, and three lines in one write (labs/captures/README.md).
        let path = fixture.hasPrefix("labs/") ? repositoryPath(fixture) : fixturePath(fixture)
        let facts = try CaptureFacts.load(file: path)
        let expected = facts.streams.filter { $0.serverPort == 5050 }.flatMap { $0.readings.map(\.seq) }
        #expect(!expected.isEmpty, "\(fixture) should carry readings")
        #expect(try Self.skeletonSequenceNumbers(path) == expected, "\(fixture)")
    }

    @Test("Next to wireshark/sensor.lua installed as a plugin, each is there: sensor keeps port 5050, the skeleton by Decode As")
    func loadsNextToTheProjectsDissector() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-wshome-\(UUID().uuidString)")
        let plugins = home.appendingPathComponent(".local/lib/wireshark/plugins")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        try FileManager.default.copyItem(atPath: repositoryPath("wireshark/sensor.lua"),
                                         toPath: plugins.appendingPathComponent("sensor.lua").path)
        let capture = fixturePath("handshake-readings-fin.pcap")
        let expected = try CaptureFacts.load(file: capture).streams.flatMap { $0.readings.map(\.seq) }
        #expect(try Self.skeletonSequenceNumbers(capture, field: "sensor.seq", home: home.path) == expected)
        #expect(try Self.skeletonSequenceNumbers(capture, home: home.path, extra: ["-d", "tcp.port==5050,sensorlab"]) == expected)
    }
}
