import Foundation
import TestSupport
import Testing

/// `read --follow` and `read --readings` through the real binary: goldens on every fixture,
/// byte-for-byte agreement with tshark's follow, the JSON keys, and the option rules.
@Suite("Follow and readings views")
struct StreamViewTests {
    static var captures: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixture(""))) ?? [])
            .filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()
    }

    /// (golden suffix, extra arguments) for each view with a golden file.
    static let views: [(String, [String])] = [
        (".follow.txt", ["--follow", "0", "--color", "never"]),
        (".follow-hex.txt", ["--follow", "0", "--hex", "--color", "never"]),
        (".readings.txt", ["--readings", "--color", "never"]),
        (".readings.jsonl", ["--readings", "--format", "json"]),
    ]

    @Test("every view of every fixture matches its reviewed golden", arguments: captures)
    func goldens(capture: String) throws {
        let name = (capture as NSString).deletingPathExtension
        for (suffix, arguments) in Self.views {
            let expected = try String(contentsOfFile: fixture("golden/" + name + suffix), encoding: .utf8)
            let result = try TCPLabBinary.run(["read", fixture(capture)] + arguments)
            #expect(result.status == 0, "\(capture) \(arguments): \(result.stderr)")
            if result.stdout != expected {
                let difference = zip(result.stdout.split(separator: "\n"), expected.split(separator: "\n"))
                    .first { $0.0 != $0.1 }
                Issue.record("\(name)\(suffix) differs; first different line:\n  got:      \(difference?.0 ?? "")\n  expected: \(difference?.1 ?? "")")
            }
        }
    }

    @Test("the readings of a clean capture, as JSON: keys, frames, values, device")
    func readingsJSON() throws {
        let result = try TCPLabBinary.run(["read", fixture("readings.pcapng"), "--readings", "--format", "json"])
        let objects = try jsonLines(result.stdout)
        #expect(objects.count == 6)  // HELLO names the device; it is no reading
        for (index, object) in objects.enumerated() {
            #expect(object["stream"] as? Int == 0)
            #expect(object["valid"] as? Bool == true)
            #expect(object["error"] is NSNull)
            #expect(object["device"] as? String == "nodemcu-01")
            #expect(object["seq"] as? Int == index)
            #expect((object["frames"] as? [Int])?.count == 1)
        }
        #expect(objects.first?["line"] as? String == "0,1234567,28.3,65.2")
        #expect(objects.first?["millis"] as? Int == 1234567)
        #expect(objects.first?["temperature"] as? Double == 28.3)
        #expect(objects.first?["humidity"] as? Double == 65.2)
    }

    @Test("a reading split over segments lists every frame that carried it, in stream order")
    func splitReadingFrames() throws {
        // loss-router.pcap: reading 17 starts in the retransmission (frame 14) and ends in frame 8,
        // which arrived earlier, out of order, and waited for the gap to fill.
        let result = try TCPLabBinary.run(["read", fixture("loss-router.pcap"), "--readings", "--format", "json"])
        let reading17 = try jsonLines(result.stdout).first { $0["seq"] as? Int == 17 }
        #expect(reading17?["frames"] as? [Int] == [14, 8])
        #expect(reading17?["line"] as? String == "17,1268618,28.5,64.4")
    }

    @Test("the packet view says which readings a segment carries")
    func packetNotes() throws {
        let result = try TCPLabBinary.run(["read", fixture("loss-router.pcap"), "--no-hex", "--color", "never"])
        let flat = result.stdout.replacingOccurrences(of: "\n          ", with: " ")
        #expect(flat.contains("This segment carries the end of reading 8, all of readings 9–16 and the start of reading 17."))
        #expect(flat.contains("It fills the gap: the bytes held back from frames 8, 10 and 12 now follow it in the stream"))
        #expect(flat.contains("Its bytes wait in the reassembly buffer"))
        let json = try jsonLines(try TCPLabBinary.run(["read", fixture("readings.pcapng"), "--format", "json"]).stdout)
        let notes = json.compactMap { $0["note"] as? String }
        #expect(notes.contains { $0.contains("This segment carries all of reading 3.") })
    }

    @Test("a stream number that is not in the capture is an error that says how many there are")
    func missingStream() throws {
        let result = try TCPLabBinary.run(["read", fixture("half-close.pcap"), "--follow", "3"])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("no TCP stream 3"))
        #expect(result.stderr.contains("it has 1 stream (0–0)"))
    }

    @Test("option rules: --hex needs --follow, --follow and --readings exclude each other, --follow is text only")
    func optionRules() throws {
        let capture = fixture("half-close.pcap")
        for arguments in [["--hex"], ["--follow", "0", "--readings"], ["--follow", "0", "--format", "json"],
                          ["--follow", "-1"]] {
            let result = try TCPLabBinary.run(["read", capture] + arguments)
            #expect(result.status != 0, "\(arguments) was accepted")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("colour marks the directions: client red, server blue")
    func colour() throws {
        let result = try TCPLabBinary.run(["read", fixture("half-close.pcap"), "--follow", "0", "--color", "always"])
        #expect(result.stdout.contains("\u{1B}[31m18\u{1B}[0m\n"))      // the client's HELLO record
        #expect(result.stdout.contains("\t\u{1B}[34m12\u{1B}[0m\n"))    // the server's reply
    }
}
