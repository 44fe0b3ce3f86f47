import Foundation
import TestSupport
import Testing
import WireFormat

/// Every fixture with a tshark table: the captures of real traffic (Tests/Fixtures, made by
/// scripts/make-fixtures.sh) and the same packets in other file formats (Tests/Fixtures/files,
/// made by scripts/make-file-fixtures.py); tables by scripts/tshark-reference.sh.
let referenceCaptures = fixturesWithReference() + fixturesWithReference(in: "files")

/// `tcplab read --format json` against tshark, field by field.
@Suite("JSON agrees with tshark on every fixture")
struct TsharkAgreementTests {
    @Test func thereAreFixtures() {
        #expect(fixturesWithReference().count >= 10)
        #expect(fixturesWithReference(in: "files").count >= 6)
    }

    @Test(arguments: referenceCaptures)
    func fieldsAgree(capture: String) throws {
        let ours = try readAsJSON(fixturePath(capture))
        let theirs = try tsharkRows(capture)
        #expect(ours.count == theirs.count, "every frame gets a line")
        for (mine, reference) in zip(ours, theirs) {
            let frame = reference["frame.number"] ?? "?"
            func expectEqual(_ key: String, _ tsharkKey: String, sourceLocation: SourceLocation = #_sourceLocation) {
                let value = mine[key].flatMap { $0 is NSNull ? nil : "\($0)" } ?? ""
                #expect(value == reference[tsharkKey] ?? "", "\(capture) frame \(frame): \(key) vs tshark \(tsharkKey)",
                        sourceLocation: sourceLocation)
            }
            expectEqual("frame", "frame.number")
            expectEqual("time_text", "frame.time_epoch")
            guard let sport = reference["tcp.srcport"], !sport.isEmpty else {
                #expect(mine["stream"] == nil, "\(capture) frame \(frame): not TCP for tshark")
                continue
            }
            if reference["tcp.stream"] ?? "" == "" {   // a TCP header quoted in an ICMP error: no segment
                expectQuoteAgrees(mine, reference, "\(capture) frame \(frame)")
                continue
            }
            // The addresses of the IP layer that carries the TCP: in a tunnel the innermost, which
            // tshark lists last (IP in IP: "outer,inner"). With both families the fixtures hold
            // IPv6 inside IPv4 only (a 6in4 tunnel), so the IPv6 address is the inner one.
            func innermost(_ v4: String, _ v6: String) -> String? {
                let four = reference[v4].flatMap { $0.isEmpty ? nil : $0.split(separator: ",").last.map(String.init) }
                let six = reference[v6].flatMap { $0.isEmpty ? nil : $0.split(separator: ",").last.map(String.init) }
                return six ?? four
            }
            #expect(mine["src"] as? String == innermost("ip.src", "ipv6.src"), "\(capture) frame \(frame): src")
            #expect(mine["dst"] as? String == innermost("ip.dst", "ipv6.dst"), "\(capture) frame \(frame): dst")
            expectEqual("sport", "tcp.srcport")
            expectEqual("dport", "tcp.dstport")
            expectEqual("stream", "tcp.stream")
            expectEqual("seq", "tcp.seq")
            expectEqual("seq_raw", "tcp.seq_raw")
            expectEqual("next_seq", "tcp.nxtseq")
            expectEqual("len", "tcp.len")
            expectEqual("hdr_len", "tcp.hdr_len")
            expectEqual("win", "tcp.window_size_value")
            expectEqual("payload_hex", "tcp.payload")

            let flags = UInt16(reference["tcp.flags"]!.dropFirst(2), radix: 16).map { TCPFlags(rawValue: $0 & 0x1ff).names }
            #expect(mine["flags"] as? [String] == flags, "\(capture) frame \(frame): flags")
            if flags?.contains("ACK") == true {
                expectEqual("ack", "tcp.ack")
                expectEqual("ack_raw", "tcp.ack_raw")
            } else {
                #expect(mine["ack"] is NSNull, "\(capture) frame \(frame): ack is null without ACK")
            }
            // Window scaling: unknown to tshark (-1) must be unknown (null) to us; otherwise equal.
            if reference["tcp.window_size_scalefactor"] == "-1" {
                #expect(mine["win_scaled"] is NSNull, "\(capture) frame \(frame): scale should be unknown")
            } else {
                expectEqual("win_scaled", "tcp.window_size")
            }

            // Per-segment numbers of the analysis. An ack_rtt across a damaged timestamp (a fraction
            // of a second beyond one second) is tshark's own arithmetic: not compared.
            expectEqual("acks_frame", "tcp.analysis.acks_frame")
            expectEqual("bytes_in_flight", "tcp.analysis.bytes_in_flight")
            let rtt = reference["tcp.analysis.ack_rtt"] ?? ""
            if rtt.split(separator: ".").last?.count ?? 9 == 9 {
                let value = (mine["ack_rtt"] as? Double).map { String(format: "%.9f", $0) } ?? ""
                #expect(value == rtt, "\(capture) frame \(frame): ack_rtt vs tshark tcp.analysis.ack_rtt")
            }

            let options = mine["options"] as? [String: Any] ?? [:]
            func expectOption(_ key: String, _ tsharkKey: String) {
                let value = options[key].map { "\($0)" } ?? ""
                #expect(value == reference[tsharkKey] ?? "", "\(capture) frame \(frame): options.\(key)")
            }
            expectOption("mss", "tcp.options.mss_val")
            expectOption("wscale", "tcp.options.wscale.shift")
            expectOption("tsval", "tcp.options.timestamp.tsval")
            expectOption("tsecr", "tcp.options.timestamp.tsecr")
            #expect((options["sack_perm"] != nil) == !(reference["tcp.options.sack_perm"] ?? "").isEmpty,
                    "\(capture) frame \(frame): sack_perm")
            let blocks = options["sack"] as? [[Int]] ?? []
            #expect(blocks.map { "\($0[0])" }.joined(separator: ",") == reference["tcp.options.sack_le"] ?? "",
                    "\(capture) frame \(frame): SACK left edges")
            #expect(blocks.map { "\($0[1])" }.joined(separator: ",") == reference["tcp.options.sack_re"] ?? "",
                    "\(capture) frame \(frame): SACK right edges")
        }
    }
}

/// A TCP header quoted in an ICMP error: tshark shows its ports and sequence number (raw: it is in
/// no stream), tcplab the same in `quoted`, and neither tracks it.
func expectQuoteAgrees(_ mine: [String: Any], _ reference: [String: String], _ label: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(mine["stream"] == nil, "\(label): a quoted header is no segment", sourceLocation: sourceLocation)
    let quoted = mine["quoted"] as? [String: Any] ?? [:]
    func text(_ key: String) -> String { quoted[key].map { "\($0)" } ?? "" }
    #expect(text("sport") == reference["tcp.srcport"], "\(label): quoted sport", sourceLocation: sourceLocation)
    #expect(text("dport") == reference["tcp.dstport"], "\(label): quoted dport", sourceLocation: sourceLocation)
    #expect(text("seq_raw") == reference["tcp.seq"], "\(label): quoted seq", sourceLocation: sourceLocation)
    // tshark lists the addresses outermost first: the quoted packet's come last.
    #expect(text("src") == reference["ip.src"]?.split(separator: ",").last.map(String.init),
            "\(label): quoted src", sourceLocation: sourceLocation)
    #expect(text("dst") == reference["ip.dst"]?.split(separator: ",").last.map(String.init),
            "\(label): quoted dst", sourceLocation: sourceLocation)
}

/// The expert flags (`analysis`) against tshark's `tcp.analysis.*` on the same fixtures.
@Suite("Expert analysis agrees with tshark")
struct ExpertAgreementTests {
    static let flagNames = ["retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order",
                            "lost_segment", "ack_lost_segment", "duplicate_ack", "zero_window", "zero_window_probe",
                            "zero_window_probe_ack", "window_full", "window_update", "keep_alive", "keep_alive_ack"]

    @Test(arguments: referenceCaptures)
    func flagsAgree(capture: String) throws {
        let ours = try readAsJSON(fixturePath(capture))
        let theirs = try tsharkRows(capture)
        for (mine, reference) in zip(ours, theirs) where !(reference["tcp.srcport"] ?? "").isEmpty {
            let expected = Set(Self.flagNames.filter { !(reference["tcp.analysis.\($0)"] ?? "").isEmpty })
            let actual = Set(mine["analysis"] as? [String] ?? [])
            #expect(actual == expected, "\(capture) frame \(reference["frame.number"]!): analysis")
        }
    }
}
