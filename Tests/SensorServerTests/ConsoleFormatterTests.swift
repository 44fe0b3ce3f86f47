import SensorProtocol
import Testing

@testable import SensorServer

@Suite("Console formatters")
struct ConsoleFormatterTests {
    let reading = ReadingLogTests.received(seq: 17)

    @Test("a reading is one aligned line on stdout")
    func textReading() throws {
        let line = try #require(EventTextFormatter().format(.reading(self.reading)))
        #expect(line.stream == .standardOutput)
        #expect(line.text.hasSuffix("] nodemcu-01        seq     17  up   1234.567 s   28.3 °C   65.2 %RH"))
    }

    @Test("--quiet leaves out readings but keeps events")
    func quiet() {
        let quiet = EventTextFormatter(includeReadings: false)
        #expect(quiet.format(.reading(self.reading)) == nil)
        #expect(quiet.format(.connected(peer: "1.2.3.4:5", at: .now(), openConnections: 1)) != nil)
        #expect(EventJSONFormatter(includeReadings: false).format(.reading(self.reading)) == nil)
    }

    @Test("rejected lines go to stderr with device, line and reason")
    func rejected() throws {
        let event = SensorEvent.rejected(
            RejectedLine(
                received: .now(), peer: "p", device: "nodemcu-01", line: 4, reason: .parse(.badTemperature),
                message: "bad-temperature: expected x, found \"nan\""))
        let line = try #require(EventTextFormatter().format(event))
        #expect(line.stream == .standardError)
        #expect(line.text.contains("nodemcu-01 line 4: bad-temperature"))
        let json = try #require(EventJSONFormatter().format(event))
        #expect(json.text.contains(#""reason":"bad-temperature""#))
        #expect(json.stream == .standardOutput)
    }

    @Test("a gap says which readings never arrived")
    func gap() throws {
        let event = SensorEvent.continuity(
            ContinuityEvent(received: .now(), peer: "p", device: "board", line: 9, finding: .gap(expected: 18, received: 21)))
        #expect(try #require(EventTextFormatter().format(event)).text.contains("seq 18…20 never arrived (3 readings"))
        #expect(
            try #require(EventJSONFormatter().format(event)).text.contains(
                #""event":"gap","received""#))
    }

    @Test("JSON readings carry every field")
    func jsonReading() throws {
        let text = try #require(EventJSONFormatter().format(.reading(self.reading))).text
        #expect(
            text
                == #"{"event":"reading","received":"2023-11-14T22:13:20.123Z","peer":"192.168.1.20:53122","device":"nodemcu-01","line":3,"seq":17,"millis":1234567,"temperature":28.3,"humidity":65.2}"#
        )
    }

    @Test("the summary lists devices, readings, rejected by reason, gaps and restarts")
    func summary() {
        var statistics = ServerStatistics()
        statistics.readings = 10
        statistics.rejectedByReason = [.parse(.badSeq): 2, .partialLine: 1]
        statistics.gaps = 1
        statistics.missingReadings = 3
        statistics.restarts = 1
        let text = EventTextFormatter().format(ServerSummary(statistics: statistics, devices: 2, uptime: .seconds(75)))
            .map(\.text).joined(separator: "\n")
        #expect(text.contains("stopped after 1 min 15 s"))
        #expect(text.contains("devices       2"))
        #expect(text.contains("rejected      3 (bad-seq 2, partial-line 1)"))
        #expect(text.contains("gaps          1 (3 readings never arrived)"))
        #expect(text.contains("restarts      1"))
    }
}
