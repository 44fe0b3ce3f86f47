import Foundation
import LabReport
import PacketCapture
import SensorProtocol
import TCPAnalysis
import WireFormat

let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

func fixturePath(_ name: String) -> String { fixturesDirectory.appendingPathComponent(name).path }

/// Every capture fixture that has a tshark reference next to it.
func fixturesWithReference() -> [String] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: fixturesDirectory.path)) ?? []
    return names.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }
        .filter { names.contains(tsharkReferenceName($0)) }
        .sorted()
}

func tsharkReferenceName(_ capture: String) -> String {
    (capture as NSString).deletingPathExtension + ".tshark.tsv"
}

/// What `tcplab read F --format json` prints, through the same library path, parsed.
func readAsJSON(_ path: String) throws -> [[String: Any]] {
    let source = try PacketSource.open(file: path)
    let analyzer = PacketAnalyzer(linkType: LinkType(dlt: source.dataLinkType), keepHistory: false)
    let renderer = JSONPacketRenderer()
    let readings = ReadingTracker(serverPort: SensorPort.standard)
    var output = OutputBuffer()
    while try source.next({ record in
        var analyzed = analyzer.analyze(frame: record.number, seconds: record.seconds,
                                        nanoseconds: record.nanoseconds, bytes: record.bytes)
        analyzed.notes = readings.process(analyzed, bytes: record.bytes).notes
        renderer.render(analyzed, bytes: record.bytes, into: &output)
    }) != .end {}
    return try output.text.split(separator: "\n").map { line in
        var object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        // Keep the time as written: a Double cannot hold 10 + 9 digits exactly.
        if let start = line.firstRange(of: "\"time\":")?.upperBound,
           let end = line[start...].firstIndex(of: ",") {
            object["time_text"] = String(line[start..<end])
        }
        return object
    }
}

/// The text output of `tcplab read F` (no colour), through the library.
func readAsText(_ path: String, hex: Bool = true) throws -> String {
    let source = try PacketSource.open(file: path)
    let analyzer = PacketAnalyzer(linkType: LinkType(dlt: source.dataLinkType))
    let renderer = TextPacketRenderer(showHex: hex)
    let readings = ReadingTracker(serverPort: SensorPort.standard)
    var output = OutputBuffer()
    while try source.next({ record in
        var analyzed = analyzer.analyze(frame: record.number, seconds: record.seconds,
                                        nanoseconds: record.nanoseconds, bytes: record.bytes)
        analyzed.notes = readings.process(analyzed, bytes: record.bytes).notes
        renderer.render(analyzed, bytes: record.bytes, firstTime: analyzer.firstTime ?? 0, into: &output)
    }) != .end {}
    ConnectionSummary().render(analyzer.tracker.history, frames: analyzer.frames, into: &output)
    return output.text
}

/// A tshark `-T fields -E header=y` table: one dictionary per frame.
func tsharkRows(_ capture: String) throws -> [[String: String]] {
    let text = try String(contentsOfFile: fixturePath(tsharkReferenceName(capture)), encoding: .utf8)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    let header = lines.removeFirst().split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    return lines.map { line in
        let values = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        var row: [String: String] = [:]
        for (index, key) in header.enumerated() where index < values.count { row[key] = values[index] }
        return row
    }
}
