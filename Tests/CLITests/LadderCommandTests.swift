import Foundation
import TestSupport
import Testing

/// `tcplab ladder` as a user runs it: the terminal diagram, the files, and the errors.
@Suite("Command line: tcplab ladder")
struct LadderCommandTests {
    @Test func drawsTheGoldenLadder() throws {
        let result = try TCPLabBinary.run(["ladder", fixture("handshake-readings-fin.pcap"), "--color", "never"])
        #expect(result.status == 0)
        let golden = try String(contentsOfFile: fixture("golden/ladder/handshake-readings-fin.txt"), encoding: .utf8)
        #expect(result.stdout == golden)
    }

    @Test func asciiAndColourOptions() throws {
        let ascii = try TCPLabBinary.run(["ladder", fixture("refused.pcap"), "--ascii", "--color", "always"])
        #expect(ascii.status == 0)
        #expect(ascii.stdout.contains("\u{1B}[31m"))   // the RST in red
        #expect(!ascii.stdout.contains("│") && ascii.stdout.contains("|"))
        // Not a terminal: auto means no colour.
        let auto = try TCPLabBinary.run(["ladder", fixture("refused.pcap")])
        #expect(!auto.stdout.contains("\u{1B}"))
    }

    @Test func unknownStreamSaysWhichExist() throws {
        let result = try TCPLabBinary.run(["ladder", fixture("loss.pcap"), "--stream", "3"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no stream 3 in"))
        #expect(result.stderr.contains("its streams are 0–0"))
        #expect(result.stdout.isEmpty)
    }

    @Test func writesSVGAndHTMLFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-ladder-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let svg = directory.appendingPathComponent("lab.svg").path, html = directory.appendingPathComponent("lab.html").path
        let result = try TCPLabBinary.run(["ladder", fixture("spurious.pcap"), "--svg", svg, "--html", html])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("wrote \(svg) (1 stream, 18 segments)"))
        let picture = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(picture.hasPrefix("<?xml"))
        #expect(picture.components(separatedBy: "<g class=\"arrow ").count - 1 == 18)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains("spurious retransmission"))
        // The details panel explains a board's segment as `tcplab read` does, readings included.
        #expect(page.contains("This segment carries all of reading"))
    }

    @Test func unwritableFileIsAnError() throws {
        let result = try TCPLabBinary.run(["ladder", fixture("refused.pcap"), "--svg", "/nonexistent/dir/x.svg"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot write /nonexistent/dir/x.svg"))
    }
}
