import Foundation
import Testing
import TestSupport

/// tcplab against tshark on captures made elsewhere (Tests/Fixtures/corpus: tcpdump's and
/// PcapPlusPlus's test suites), field by field, from the tables scripts/corpus-reference.sh made.
///
/// Every difference must be one of known-differences.tsv, each with its reason, and each listed
/// one must still occur (a fixed difference is taken off the list): a change anywhere in decoding
/// or analysis that moves one frame shows here. `TCPLAB_CORPUS=DIR` checks another corpus (its
/// tables in DIR/reference), against the thresholds only unless it has its own list.
@Suite("Agreement with tshark on the world's captures")
struct CorpusAgreementTests {
    static let corpus = ProcessInfo.processInfo.environment["TCPLAB_CORPUS"] ?? fixturePath("corpus")

    /// The fields compared, as the JSON names them.
    static let fields = ["sport", "dport", "stream", "seq", "seq_raw", "ack", "ack_raw", "next_seq", "len",
                         "hdr_len", "win", "win_scaled", "payload", "time", "ack_rtt", "acks_frame", "bytes_in_flight"]

    struct Difference: Hashable, CustomStringConvertible {
        var file: String, frame: Int, field: String
        var description: String { "\(file)\t\(frame)\t\(field)" }
    }

    struct Tally {
        var frames = 0, missing = 0, badLines = 0, analysisAgree = 0, quoted = 0, quotedAgree = 0
        var agree: [String: Int] = [:]
        var differences: [Difference: String] = [:]  // → what each side said
    }

    @Test("every TCP field and analysis flag agrees, or differs for a reason on the list")
    func agreement() throws {
        let references = try FileManager.default.contentsOfDirectory(atPath: Self.corpus + "/reference")
            .filter { $0.hasSuffix(".tsv") }.sorted()
        try #require(references.count > 0, "no reference tables in \(Self.corpus)/reference")
        let captures = try FileManager.default.contentsOfDirectory(atPath: Self.corpus)
        var tally = Tally()
        for table in references {
            let name = String(table.dropLast(4))
            guard let capture = captures.first(where: { ($0 as NSString).deletingPathExtension == name
                && $0 != table }) else { continue }
            try compare(capture: Self.corpus + "/" + capture, name: name,
                        reference: Self.corpus + "/reference/" + table, into: &tally)
        }

        // The table docs/capture.md quotes.
        var report = "tshark TCP frames \(tally.frames), missing in tcplab \(tally.missing), JSON lines that do not parse \(tally.badLines)\n"
        for field in Self.fields {
            let agree = tally.agree[field, default: 0]
            report += "  \(field.padding(toLength: 10, withPad: " ", startingAt: 0)) \(agree)/\(tally.frames - tally.missing)\n"
        }
        report += "  analysis   \(tally.analysisAgree)/\(tally.frames - tally.missing)\n"
        report += "  TCP headers quoted in ICMP errors \(tally.quotedAgree)/\(tally.quoted)\n"
        print(report)

        #expect(tally.badLines == 0)
        let shown = max(1, tally.frames - tally.missing)
        #expect(Double(tally.missing) <= 0.01 * Double(tally.frames), "more than 1 % of tshark's TCP frames missing")
        for field in Self.fields {
            #expect(Double(tally.agree[field, default: 0]) >= 0.999 * Double(shown), "\(field) below 99.9 %")
        }
        #expect(Double(tally.analysisAgree) >= 0.995 * Double(shown), "analysis flags below 99.5 %")

        let listPath = Self.corpus + "/known-differences.tsv"
        guard let list = try? String(contentsOfFile: listPath, encoding: .utf8) else { return }
        var known: Set<Difference> = []
        for line in list.split(separator: "\n") where !line.hasPrefix("#") {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count >= 4, let frame = Int(columns[1]) else {
                Issue.record("known-differences.tsv: a line needs file, frame, field and reason: \(line)")
                continue
            }
            known.insert(Difference(file: columns[0], frame: frame, field: columns[2]))
        }
        for (difference, detail) in tally.differences.sorted(by: { $0.key.description < $1.key.description })
        where !known.contains(difference) {
            Issue.record("new difference from tshark: \(difference)\t\(detail)")
        }
        for difference in known.subtracting(tally.differences.keys).sorted(by: { $0.description < $1.description }) {
            Issue.record("listed difference no longer occurs (take it off known-differences.tsv): \(difference)")
        }
    }

    private func compare(capture: String, name: String, reference: String, into tally: inout Tally) throws {
        let rows = try referenceRows(reference)
        // The real binary: a crash or a hang on any file fails here.
        let result = try TCPLabBinary.run(["read", capture, "--format", "json"], timeout: 60)
        #expect(result.status == 0 || result.status == 1, "\(name): exit status \(result.status)")
        var mine: [Int: [String: Any]] = [:]
        for line in result.stdout.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let frame = object["frame"] as? Int else {
                tally.badLines += 1
                continue
            }
            var packet = object
            // Times as written (a Double would round away nanoseconds of a large value).
            for key in ["time", "ack_rtt"] {
                if let start = line.firstRange(of: "\"\(key)\":")?.upperBound, let end = line[start...].firstIndex(of: ",") {
                    let value = String(line[start..<end])
                    packet[key] = value == "null" ? nil : value
                }
            }
            mine[frame] = packet
        }
        for row in rows {
            guard let frame = Int(row["frame"] ?? "") else { continue }
            if row["quoted"] == "1" {
                // A TCP header quoted in an ICMP error: shown as quoted, never a segment.
                tally.quoted += 1
                let quote = mine[frame]?["quoted"] as? [String: Any]
                // tshark does not analyse a quoted header, so its tcp.seq is the raw number.
                let seq = (row["seq_raw"] ?? "").isEmpty ? row["seq"] ?? "" : row["seq_raw"]!
                let agrees = text(quote?["sport"]) == row["sport"] && text(quote?["dport"]) == row["dport"]
                    && text(quote?["seq_raw"]) == seq
                if agrees { tally.quotedAgree += 1 } else {
                    tally.differences[Difference(file: name, frame: frame, field: "quoted")] = "tcplab \(quote ?? [:])"
                }
                continue
            }
            tally.frames += 1
            guard let packet = mine[frame], packet["sport"] != nil else {
                tally.missing += 1
                tally.differences[Difference(file: name, frame: frame, field: "missing")] = (mine[frame]?["note"] as? String) ?? ""
                continue
            }
            // By the JSON contract `ack` and `ack_raw` are null when ACK is not set (tshark shows
            // the field anyway): compared only when it is set.
            let ackSet = (packet["flags"] as? [String])?.contains("ACK") == true
            for field in Self.fields {
                if !ackSet && field.hasPrefix("ack") {
                    tally.agree[field, default: 0] += 1
                    continue
                }
                let expected = row[field] ?? ""
                let actual = field == "payload" ? payloadDigest(packet["payload_hex"] as? String ?? "") : text(packet[field])
                if expected == actual {
                    tally.agree[field, default: 0] += 1
                } else {
                    tally.differences[Difference(file: name, frame: frame, field: field)] = "tcplab \(actual) tshark \(expected)"
                }
            }
            let expected = Set((row["analysis"] ?? "").split(separator: ",").map(String.init))
            let actual = Set((packet["analysis"] as? [String]) ?? [])
            if expected == actual {
                tally.analysisAgree += 1
            } else {
                tally.differences[Difference(file: name, frame: frame, field: "analysis")] =
                    "tcplab \(actual.sorted()) tshark \(expected.sorted())"
            }
        }
    }

    private func referenceRows(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        guard let header = lines.first?.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) else { return [] }
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    private func text(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return ""
        case let number as NSNumber: return number.stringValue
        case let string as String: return string
        default: return "\(value!)"
        }
    }

    /// Length and FNV-1a 64 of the payload, as the reference script writes it.
    private func payloadDigest(_ hex: String) -> String {
        guard !hex.isEmpty else { return "" }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var count = 0
        var index = hex.utf8.startIndex
        let utf8 = hex.utf8
        while index != utf8.endIndex {
            let next = utf8.index(index, offsetBy: 2)
            let byte = UInt8(String(hex[index..<next]), radix: 16) ?? 0
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            count += 1
            index = next
        }
        return "\(count):" + String(format: "%016lx", hash)
    }
}
