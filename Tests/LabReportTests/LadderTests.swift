import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import LabReport
import PacketCapture
import TCPAnalysis
import TestSupport
import Testing
import WireFormat

/// The ladder model of a capture, through the same path as `tcplab ladder`. Frames of several
/// captures can be fed into one analyzer (numbered on), which gives one stream per capture.
func ladderModels(_ paths: [String], absolute: Bool = false, stream: Int? = nil) throws -> (models: [LadderModel], builder: LadderBuilder) {
    let builder = LadderBuilder(absoluteNumbers: absolute, stream: stream)
    let analyzer = PacketAnalyzer()
    var frame = 0
    for path in paths {
        let source = try PacketSource.open(file: path)
        while try source.next({ record in
            frame += 1
            let analyzed = analyzer.analyze(frame: frame, seconds: record.seconds, nanoseconds: record.nanoseconds,
                                            linkType: record.linkType, bytes: record.bytes)
            builder.add(analyzed, bytes: record.bytes)
        }) != .end {}
    }
    return (builder.finish(), builder)
}

func ladderText(_ models: [LadderModel], unicode: Bool) -> String {
    var output = OutputBuffer()
    TextLadderRenderer(unicode: unicode).render(models, into: &output)
    return output.text
}

/// Frame numbers of the TCP segments tshark decoded (its `tcp.stream` is set only for TCP).
func tsharkTCPFrames(_ capture: String) throws -> [Int] {
    try tsharkRows(capture).filter { !($0["tcp.stream"] ?? "").isEmpty }.compactMap { Int($0["frame.number"]!) }
}

@Suite("Ladder diagrams: text goldens, SVG and HTML")
struct LadderTests {
    static let goldenLadders: [(capture: String, golden: String, unicode: Bool, absolute: Bool)] = {
        var cases: [(String, String, Bool, Bool)] = []
        for name in ["handshake-readings-fin", "loss", "mid-connection", "refused", "rst-abort", "zero-window"] {
            cases.append(("\(name).pcap", "\(name).txt", true, false))
            cases.append(("\(name).pcap", "\(name).ascii.txt", false, false))
        }
        cases.append(("spurious.pcap", "spurious.absolute.txt", true, true))
        return cases
    }()

    @Test(arguments: goldenLadders.map { "\($0.capture) → \($0.golden)" })
    func textLadderMatchesGolden(_ name: String) throws {
        let entry = LadderTests.goldenLadders.first { "\($0.capture) → \($0.golden)" == name }!
        let expected = try String(contentsOf: fixturesDirectory.appendingPathComponent("golden/ladder/\(entry.golden)"),
                                  encoding: .utf8)
        let actual = ladderText(try ladderModels([fixturePath(entry.capture)], absolute: entry.absolute).models,
                                unicode: entry.unicode)
        if actual != expected {
            let difference = zip(actual.split(separator: "\n"), expected.split(separator: "\n")).first { $0.0 != $0.1 }
            Issue.record("\(name) differs from its golden; first different line:\n  got:      \(difference?.0 ?? "")\n  expected: \(difference?.1 ?? "")")
        }
    }

    /// One arrow per segment tshark saw, in its frame order, each pointing the right way.
    @Test(arguments: ["handshake-readings-fin.pcap", "loss.pcap", "zero-window.pcap", "ipv6.pcap", "snaplen-60.pcap"])
    func modelHasOneRowPerTsharkSegment(_ capture: String) throws {
        let models = try ladderModels([fixturePath(capture)]).models
        #expect(models.count == 1)
        let rows = models.flatMap(\.rows)
        #expect(rows.map(\.frame) == (try tsharkTCPFrames(capture)))
        let reference = Dictionary(uniqueKeysWithValues: try tsharkRows(capture).map { (Int($0["frame.number"]!)!, $0) })
        for row in rows {
            let tshark = reference[row.frame]!
            #expect(String(row.relativeSequence) == tshark["tcp.seq"], "frame \(row.frame) seq")
            #expect(String(row.rawSequence) == tshark["tcp.seq_raw"], "frame \(row.frame) raw seq")
            #expect(String(row.length) == tshark["tcp.len"], "frame \(row.frame) len")
            let clientPort = String(models[0].client.port)
            #expect(row.fromClient == (tshark["tcp.srcport"] == clientPort), "frame \(row.frame) direction")
        }
    }

    @Test func absoluteLabelsShowTheRawNumbers() throws {
        let relative = try ladderModels([fixturePath("refused.pcap")]).models[0]
        let absolute = try ladderModels([fixturePath("refused.pcap")], absolute: true).models[0]
        let tshark = try tsharkRows("refused.pcap")
        #expect(relative.rows[1].label(absolute: false) == "[RST, ACK] seq 1 ack 1 len 0")
        // tshark: the RST's raw seq is 0 and its ack the client's ISN + 1.
        #expect(absolute.rows[1].label(absolute: true) == "[RST, ACK] seq \(tshark[1]["tcp.seq_raw"]!) ack \(tshark[1]["tcp.ack_raw"]!) len 0")
        #expect(ladderText([absolute], unicode: true).contains("raw (absolute) sequence numbers"))
    }

    @Test func everyStreamOneAfterAnotherOrOnlyTheOneAskedFor() throws {
        let paths = [fixturePath("refused.pcap"), fixturePath("rst-abort.pcap")]
        let (all, builder) = try ladderModels(paths)
        #expect(all.map(\.stream) == [0, 1])
        #expect(builder.streamCount == 2)
        let text = ladderText(all, unicode: true)
        let first = try #require(text.range(of: "Stream 0: client"))
        let second = try #require(text.range(of: "\n\nStream 1: client"))
        #expect(first.upperBound < second.lowerBound)
        #expect(text.components(separatedBy: "Ending:").count == 3)

        let (only, onlyBuilder) = try ladderModels(paths, stream: 1)
        #expect(only.map(\.stream) == [1])
        #expect(only[0].rows.count == 12)
        #expect(onlyBuilder.streamCount == 2)
        #expect(try ladderModels(paths, stream: 7).models.isEmpty)
    }

    @Test func retransmissionsAreDashedAndResetsHeavy() throws {
        let spurious = ladderText(try ladderModels([fixturePath("spurious.pcap")]).models, unicode: true)
        let line = try #require(spurious.split(separator: "\n").first { $0.hasPrefix("    10 ") })
        #expect(line.contains("╌") && !line.contains("─") && line.contains("spurious retransmission"))
        let abort = ladderText(try ladderModels([fixturePath("rst-abort.pcap")]).models, unicode: false)
        let reset = try #require(abort.split(separator: "\n").first { $0.contains("[RST, ACK]") })
        #expect(reset.contains("=====") && reset.contains("RST: client aborts"))
        #expect(abort.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(abort.hasPrefix("Stream 0: client 10.55.0.2:37424 -> server 10.55.0.1:5050\n12 segments in frames 1-12 over"))
    }

    @Test func colourOnlyWhenAsked() throws {
        let models = try ladderModels([fixturePath("handshake-readings-fin.pcap")]).models
        var coloured = OutputBuffer()
        TextLadderRenderer(palette: Palette(enabled: true)).render(models, into: &coloured)
        #expect(coloured.text.contains("\u{1B}[32m"))      // the SYNs in green
        #expect(!ladderText(models, unicode: true).contains("\u{1B}"))
        // Without the escape sequences it is the plain diagram.
        let stripped = coloured.text.replacingOccurrences(of: "\u{1B}\\[[0-9]+m", with: "", options: .regularExpression)
        #expect(stripped == ladderText(models, unicode: true))
    }

    @Test func payloadPreviewNeverPassesRawBytes() {
        var row = LadderRow(frame: 1, time: 0, fromClient: true, flags: [.ack], relativeSequence: 1, rawSequence: 1,
                            relativeAcknowledgement: 1, rawAcknowledgement: 1, length: 6, analysis: [], notes: [],
                            explanations: [], json: "{}", frameBytes: [0x1b, 0x5b, 0x32, 0x4a, 0x22, 0x0a],
                            payloadOffset: 0, capturedPayloadLength: 6)
        #expect(row.payloadPreview(limit: 40) == "\"\\x1b[2J\\\"\\n\"")
        #expect(row.payloadPreview(limit: 8) == "\"\\x1b[2…")
        row.length = 100   // a snapshot length cut it: the preview says more followed
        #expect(row.payloadPreview(limit: 40)!.hasSuffix("…"))
    }

    // MARK: SVG

    @Test(arguments: ["handshake-readings-fin.pcap", "loss.pcap", "zero-window.pcap", "ipv6.pcap"])
    func svgParsesAsXMLWithOneArrowPerSegment(_ capture: String) throws {
        let models = try ladderModels([fixturePath(capture)]).models
        let document = SVGLadderRenderer().document(models)
        let counter = SVGElementCounter()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = counter
        #expect(parser.parse(), "SVG of \(capture) is not well-formed XML: \(String(describing: parser.parserError))")
        #expect(counter.rootName == "svg")
        #expect(counter.namespaceURI == "http://www.w3.org/2000/svg")
        #expect(counter.arrowFrames == (try tsharkTCPFrames(capture)))
        // Each arrow group holds exactly one line and one arrowhead.
        #expect(counter.linesInArrows == counter.arrowFrames.count)
        #expect(counter.polygonsInArrows == counter.arrowFrames.count)
    }

    @Test func svgEscapesWhatItCannotTrust() throws {
        var model = try ladderModels([fixturePath("refused.pcap")]).models[0]
        model.rows[0].notes = [LadderNote(.analysis, "<script>alert('x')</script> & \"more\" \u{07}")]
        let document = SVGLadderRenderer().document([model])
        #expect(!document.contains("<script>"))
        #expect(document.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot; \u{FFFD}"))
        let parser = XMLParser(data: Data(document.utf8))
        #expect(parser.parse())
    }

    // MARK: HTML

    @Test(arguments: ["handshake-readings-fin.pcap", "loss.pcap", "zero-window.pcap", "snaplen-60.pcap", "ipv6.pcap"])
    func htmlEmbedsEveryFramesDataAndNothingExternal(_ capture: String) throws {
        let models = try ladderModels([fixturePath(capture)]).models
        let html = HTMLLadderRenderer(captureName: capture).document(models)
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.contains("<link") && !html.contains(" src=") && !html.contains("@import") && !html.contains("url("))
        // Two script elements (the data and the code), and nothing closes one early.
        #expect(html.components(separatedBy: "</script>").count == 3)

        let data = try embeddedData(html)
        let frames = try tsharkTCPFrames(capture)
        #expect(data.keys.compactMap(Int.init).sorted() == frames)
        let rows = Dictionary(uniqueKeysWithValues: models.flatMap(\.rows).map { ($0.frame, $0) })
        let reference = Dictionary(uniqueKeysWithValues: try tsharkRows(capture).map { (Int($0["frame.number"]!)!, $0) })
        for frame in frames {
            let entry = try #require(data[String(frame)] as? [String: Any])
            let packet = try #require(entry["packet"] as? [String: Any])
            #expect(packet["frame"] as? Int == frame)
            #expect((packet["seq_raw"] as? NSNumber)?.stringValue == reference[frame]?["tcp.seq_raw"])
            let row = try #require(rows[frame])
            #expect(entry["explanations"] as? [String] == row.explanations)
            #expect((entry["notes"] as? [[String: String]])?.map { $0["text"]! } == row.notes.map(\.text))
            // The hex dump covers every captured byte: 16 per line.
            let hex = try #require(entry["hex"] as? [String])
            #expect(hex.count == (row.frameBytes.count + 15) / 16)
            #expect(hex.first == row.frameBytes.withUnsafeBytes { HexDump.lines($0, indent: "").first })
            // And the picture has a clickable arrow for it.
            #expect(html.contains("id=\"frame-\(frame)\" data-frame=\"\(frame)\""))
        }
    }

    @Test func htmlDataCannotCloseItsScript() throws {
        var model = try ladderModels([fixturePath("refused.pcap")]).models[0]
        model.rows[0].explanations = ["</script><script>alert(1)</script> & <b>"]
        let html = HTMLLadderRenderer(captureName: "<evil>.pcap").document([model])
        #expect(html.components(separatedBy: "</script>").count == 3)
        #expect(html.contains("<title>tcplab ladder: &lt;evil&gt;.pcap</title>"))
        let data = try embeddedData(html)
        let entry = try #require(data["1"] as? [String: Any])
        #expect(entry["explanations"] as? [String] == ["</script><script>alert(1)</script> & <b>"])
    }

    @Test("the page lists the events (expert flags, resets), each a link to its arrow")
    func eventListLinksToArrows() throws {
        let models = try ladderModels([fixturePath("loss.pcap")]).models
        let page = HTMLLadderRenderer(captureName: "loss.pcap").document(models)
        let flagged = models.flatMap(\.rows).filter { row in row.notes.contains { $0.kind == .analysis || $0.kind == .reset } }
        #expect(!flagged.isEmpty)
        for row in flagged {
            #expect(page.contains("<li><a href=\"#frame-\(row.frame)\" data-frame=\"\(row.frame)\">frame \(row.frame)</a>"))
            #expect(page.contains("id=\"frame-\(row.frame)\""), "the arrow the link goes to")
        }
        let quiet = HTMLLadderRenderer(captureName: "x").document(try ladderModels([fixturePath("handshake-readings-fin.pcap")]).models)
        #expect(quiet.contains("Events: no retransmission, duplicate ACK, zero window or reset in this capture."))
    }

    /// The page's own script, run in node against a small fake DOM: a click fills the panel with
    /// that frame's fields, explanation and hex; the down arrow key selects the next segment.
    @Test(.enabled(if: nodePath != nil, "needs node (apt-get install nodejs) to run the page's script"),
          arguments: [("zero-window.pcap", 20), ("loss.pcap", 15), ("refused.pcap", 2)])
    func clickingAnArrowShowsItsDetails(_ capture: String, frame: Int) throws {
        let models = try ladderModels([fixturePath(capture)]).models
        let page = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-ladder-\(UUID().uuidString).html")
        try Data(HTMLLadderRenderer(captureName: capture).document(models).utf8).write(to: page)
        defer { try? FileManager.default.removeItem(at: page) }
        let harness = fixturesDirectory.appendingPathComponent("js/ladder-page-harness.js").path
        let result = try runProcess(URL(fileURLWithPath: nodePath!), [harness, page.path, String(frame)])
        #expect(result.status == 0, "node failed: \(result.stderr)")
        let output = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let panel = try #require(output["panel"] as? String)
        let rows = models.flatMap(\.rows)
        let index = try #require(rows.firstIndex { $0.frame == frame })
        let row = rows[index]
        #expect(panel.hasPrefix("Frame \(frame) · stream 0 · \(row.fromClient ? "client → server" : "server → client")"))
        #expect(panel.contains(row.label(absolute: false)))
        for note in row.notes { #expect(panel.contains(note.text)) }
        for explanation in row.explanations { #expect(panel.contains(explanation)) }
        #expect(panel.contains("seq_raw\(row.rawSequence)"))
        let hex = row.frameBytes.withUnsafeBytes { HexDump.lines($0, indent: "") }
        #expect(panel.contains(hex.joined(separator: "\n")))
        // Time as the diagram shows it (since the first frame), and the payload's offset in plain digits.
        #expect(panel.contains("Time: " + String(format: "%.6f", row.time) + " s since frame \(models[0].timeOriginFrame)"))
        #expect(panel.contains("the TCP payload starts at byte \(row.payloadOffset) (offset 0x\(String(row.payloadOffset, radix: 16))"))
        #expect(output["selected"] as? [String] == [String(frame)])
        let next = index + 1 < rows.count ? [String(rows[index + 1].frame)] : [String(frame)]
        #expect(output["next"] as? [String] == next)
    }

    /// A long IPv6 heading moves the client's lifeline right instead of running over the time column.
    @Test func longHeadingsKeepClearOfTheTimeColumn() throws {
        var model = try ladderModels([fixturePath("ipv6.pcap")]).models[0]
        model.client = Endpoint(address: .v6(0x2001_0db8_1234_5678, 0x9abc_def0_1234_5678), port: 49246)
        model.server = Endpoint(address: .v6(0x2001_0db8_1234_5678, 0x9abc_def0_1234_5679), port: 5050)
        let layout = SVGLadderRenderer.Layout(model, previewLimit: 40)
        let clientHalf = Double("client \(model.client)".count) * SVGLadderRenderer.charWidth / 2
        let serverHalf = Double("server \(model.server)".count) * SVGLadderRenderer.charWidth / 2
        #expect(layout.clientX - clientHalf > SVGLadderRenderer.timeColumnRight)
        #expect(layout.clientX + clientHalf < layout.serverX - serverHalf)
        #expect(layout.serverX + serverHalf < layout.width)
    }

    private func embeddedData(_ html: String) throws -> [String: Any] {
        let start = try #require(html.range(of: "<script type=\"application/json\" id=\"ladder-data\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let json = String(html[start.upperBound..<end.lowerBound])
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }
}

/// node, when installed: it runs the HTML page's script in a test.
let nodePath: String? = ["/usr/bin/node", "/usr/local/bin/node"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// Counts the SVG's arrow groups (`<g class="arrow ...">`) and what is inside them.
final class SVGElementCounter: NSObject, XMLParserDelegate {
    var rootName: String?
    var namespaceURI: String?
    var arrowFrames: [Int] = []
    var linesInArrows = 0
    var polygonsInArrows = 0
    private var arrowDepth: Int?
    private var depth = 0

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        depth += 1
        if rootName == nil {
            rootName = elementName
            self.namespaceURI = attributes["xmlns"]
        }
        if elementName == "g", (attributes["class"] ?? "").split(separator: " ").contains("arrow") {
            arrowDepth = depth
            arrowFrames.append(Int(attributes["data-frame"] ?? "") ?? -1)
        } else if arrowDepth != nil {
            if elementName == "line" { linesInArrows += 1 }
            if elementName == "polygon" { polygonsInArrows += 1 }
        }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if depth == arrowDepth { arrowDepth = nil }
        depth -= 1
    }
}
