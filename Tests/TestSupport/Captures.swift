import CaptureAnalysis
import Foundation
import LabReport
import PacketCapture
import SensorProtocol
import TCPAnalysis
import WireFormat

public let fixturesDirectory = repositoryRoot.appendingPathComponent("Tests/Fixtures")

/// Every capture fixture that has a tshark reference next to it; in `folder`, a folder of
/// Tests/Fixtures, named with it (e.g. "files/big-endian.pcap").
public func fixturesWithReference(in folder: String? = nil) -> [String] {
    let directory = folder.map { fixturesDirectory.appendingPathComponent($0) } ?? fixturesDirectory
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }
        .filter { names.contains(tsharkReferenceName($0)) }
        .sorted()
        .map { name in (folder.map { $0 + "/" } ?? "") + name }
}

public func tsharkReferenceName(_ capture: String) -> String {
    (capture as NSString).deletingPathExtension + ".tshark.tsv"
}

/// What `tcplab read F --format json` prints: the binary's own view, parsed.
public func readAsJSON(_ path: String) throws -> [[String: Any]] {
    let (sink, output) = OutputSink.collecting()
    try PacketView.show(CaptureReader.open(file: path, keepHistory: false), options: .init(format: .json), sink: sink)
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

/// The text output of `tcplab read F --color never`: the binary's own view.
public func readAsText(_ path: String, hex: Bool = true) throws -> String {
    let (sink, output) = OutputSink.collecting()
    try PacketView.show(CaptureReader.open(file: path), options: .init(showHex: hex), sink: sink)
    return output.text
}

/// A tshark `-T fields -E header=y` table: one dictionary per frame.
public func tsharkRows(_ capture: String) throws -> [[String: String]] {
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
