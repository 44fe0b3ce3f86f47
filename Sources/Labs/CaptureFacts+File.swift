import CaptureAnalysis

extension CaptureFacts {
    /// Reads a whole capture file (pcap or pcapng) through the same reader as `tcplab read`, so
    /// every fact a question checks is a value the student can see there.
    /// `streams`: only these connections (a class's capture narrowed to one board).
    public static func load(file path: String, streams: Set<Int>? = nil) throws -> CaptureFacts {
        let reader = try CaptureReader.open(file: path, streams: streams)
        let facts = CaptureFacts()
        try reader.read { analyzed, record in
            facts.add(analyzed, payload: analyzed.packet.capturedPayload(in: record.bytes))
        }
        facts.finish(tracker: reader.tracker)
        return facts
    }
}
