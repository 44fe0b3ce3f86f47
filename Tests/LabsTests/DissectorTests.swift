import Foundation
import SensorStreams
import TestSupport
import Testing
@testable import Labs


/// wireshark/sensor.lua under real tshark: it must decode the same readings tcplab decodes.
@Suite("Wireshark Lua dissector", .enabled(if: tsharkURL != nil, "tshark is not installed (apt-get install tshark; `make test` does it)"))
struct DissectorTests {

    func tsharkFields(_ capture: String, filter: String, fields: [String]) throws -> [[String]] {
        let result = try tshark(["-X", "lua_script:" + repositoryPath("wireshark/sensor.lua"), "-r", fixturePath(capture),
                                 "-Y", filter, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"]
                                + fields.flatMap { ["-e", $0] })
        #expect(result.status == 0, "\(result.stderr)")
        return tabSeparatedRows(result.stdout)
    }

    @Test(arguments: ["handshake-readings-fin.pcap", "readings.pcapng", "loss.pcap", "zero-window.pcap", "ipv6.pcap"])
    func dissectorShowsTheReadingsTcplabDecodes(capture: String) throws {
        let rows = try tsharkFields(capture, filter: "sensor.seq",
                                    fields: ["sensor.seq", "sensor.millis", "sensor.temperature", "sensor.humidity"])
        // One row per frame; a frame may carry several readings, joined by '|'.
        var dissected: [(UInt32, UInt64, Double, Double)] = []
        for row in rows {
            let columns = row.map { $0.split(separator: "|").map(String.init) }
            for index in columns[0].indices {
                dissected.append((UInt32(columns[0][index])!, UInt64(columns[1][index])!,
                                  Double(columns[2][index])!, Double(columns[3][index])!))
            }
        }
        let ours = try CaptureFacts.load(file: fixturePath(capture)).streams.flatMap(\.readings)
        #expect(!ours.isEmpty)
        // tshark does not reassemble past a lost segment by default; whatever it decodes must be ours.
        if !capture.hasPrefix("loss") { #expect(dissected.count == ours.count) }
        for reading in dissected {
            #expect(ours.contains { $0.seq == reading.0 && $0.millis == reading.1
                && abs($0.temperature - reading.2) < 1e-9 && abs($0.humidity - reading.3) < 1e-9 },
                    "\(capture): seq \(reading.0)")
        }
    }

    @Test func helloNamesTheDeviceOnEveryReading() throws {
        let rows = try tsharkFields("handshake-readings-fin.pcap", filter: "sensor", fields: ["sensor.device", "sensor.seq"])
        let facts = try CaptureFacts.load(file: fixturePath("handshake-readings-fin.pcap"))
        var name: String?
        for line in facts.streams[0].clientStream.lines() {
            if case .hello(let device) = line.outcome { name = device }
        }
        let device = try #require(name)
        #expect(rows.count == facts.streams[0].readings.count + 1, "HELLO plus one frame per reading")
        #expect(rows.allSatisfy { $0[0] == device })
    }

    @Test func rejectedLinesCarryTheReason() throws {
        // half-close.pcap: the server answers "OK n lines"; that is not parsed as a reading.
        let errors = try tsharkFields("half-close.pcap", filter: "sensor.error", fields: ["sensor.error"])
        #expect(errors.isEmpty)
        // loss-router.pcap: after a lost segment tshark hands over the middle of a line.
        let broken = try tsharkFields("loss-router.pcap", filter: "sensor.error", fields: ["sensor.line", "sensor.error"])
        #expect(!broken.isEmpty)
        #expect(broken.allSatisfy { $0[1].contains("expected 4 comma-separated fields") })
    }
}
