import Foundation
import SensorProtocol
import Testing

@Suite("JSON escaping: one escaper for every JSON tcplab writes")
struct JSONEscapingTests {
    @Test(arguments: [
        ("plain", #""plain""#),
        ("a\"b\\c", #""a\"b\\c""#),
        ("line\r\n\ttab", #""line\r\n\ttab""#),
        ("bell\u{07}esc\u{1B}", #""bell\u0007esc\u001b""#),
        ("°C ü", "\"°C ü\""),
        ("", #""""#),
    ])
    func escapes(text: String, expected: String) {
        #expect(JSONEscaping.quoted(text) == expected)
    }

    @Test("every byte below 0x80 round-trips through a JSON parser")
    func roundTrips() throws {
        let text = String(decoding: (0..<0x80).map { UInt8($0) }, as: UTF8.self) + "<script>\"'&"
        let json = "[" + JSONEscaping.quoted(text) + "]"
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]
        #expect(parsed == [text])
    }
}
