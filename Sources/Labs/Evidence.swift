import TCPAnalysis
import WireFormat

/// Lookups the questions share; each says what is missing when the capture lacks it.
extension CaptureFacts.StreamFacts {
    static let captureAgain = "Capture again from before the board connects (sudo tcplab capture -w lab.pcap), then start the board or `tcplab device --readings 5`, and stop the capture after it leaves."

    static let captureUpload = "Capture the whole upload through the bottleneck: `sudo tcplab net up --delay 10ms --rate 4mbit --queue 12kb`, the capture on the board's lab0 started before `tcplab device --bulk 1M`, stopped after the device has left."

    /// The client's data segments per round trip, from its first: round 1 is what it sent before
    /// the first ACK of its data came back; each later round is what it sent from then until the
    /// ACK that covers the first segment of that round (slow start's flights). Retransmissions
    /// count where they were sent.
    func clientRounds(_ count: Int) throws(MissingEvidence) -> [Int] {
        _ = try syn()
        var rounds: [Int] = [], inRound = 0
        var roundEnd: UInt32?   // the ACK that ends the round: the end of its first segment
        for segment in segments {
            if segment.fromClient, segment.length > 0 {
                if roundEnd == nil { roundEnd = segment.relativeSequence &+ UInt32(segment.length) }
                inRound += 1
            } else if !segment.fromClient, let end = roundEnd, let ack = segment.relativeAcknowledgement,
                      SequenceNumber(end) <= SequenceNumber(ack) {
                rounds.append(inRound)
                if rounds.count == count { return rounds }
                inRound = 0
                roundEnd = nil
            }
        }
        throw MissingEvidence("Stream \(index) holds only \(rounds.count) complete round trip(s) of the client's data, the question needs \(count)",
                              howToCapture: Self.captureUpload)
    }

    /// The client's first retransmission: where slow start ends (TCP's first reaction to a loss).
    func firstClientRetransmission() throws(MissingEvidence) -> CaptureFacts.SegmentFact {
        _ = try syn()
        guard let first = segments.first(where: { $0.fromClient && $0.length > 0 && $0.analysis.contains(.retransmission) }) else {
            throw MissingEvidence("Stream \(index) has no retransmission from the client: the link lost nothing, so slow start never ended in a loss",
                                  howToCapture: Self.captureUpload)
        }
        return first
    }

    func syn() throws(MissingEvidence) -> CaptureFacts.SegmentFact {
        guard let syn = segments.first(where: { $0.fromClient && $0.flags.contains(.syn) && !$0.flags.contains(.ack) }) else {
            throw MissingEvidence("The capture has no SYN for stream \(index) (it started after the connection opened)", howToCapture: Self.captureAgain)
        }
        return syn
    }

    func synAck() throws(MissingEvidence) -> CaptureFacts.SegmentFact {
        guard let synAck = segments.first(where: { !$0.fromClient && $0.flags.isSuperset(of: [.syn, .ack]) }) else {
            throw MissingEvidence("The capture has no SYN-ACK for stream \(index)", howToCapture: Self.captureAgain)
        }
        return synAck
    }

    /// The client's `ordinal`-th counted RTT sample (1-based), taken from the server's ACKs as
    /// `tcplab read` explains them; Karn's rule leaves out the ACKs of retransmitted segments.
    func clientRoundTrip(_ ordinal: Int) throws(MissingEvidence) -> RoundTripUpdate {
        guard conversation.client.sawSyn else {
            throw MissingEvidence("Stream \(index) was captured without the client's SYN, so its first RTT samples are missing",
                                  howToCapture: "Start the capture before the board connects (before `tcplab device`, or reset the board).")
        }
        var counted: [RoundTripUpdate] = []
        for segment in segments where !segment.fromClient {
            if case .counted(let update)? = segment.roundTripSample { counted.append(update) }
        }
        guard counted.count >= ordinal else {
            throw MissingEvidence("Stream \(index) has only \(counted.count) RTT sample(s) of the client's segments, the question needs \(ordinal)",
                                  howToCapture: "Let the board send at least \(ordinal) readings before you stop the capture.")
        }
        return counted[ordinal - 1]
    }

    func clientData(_ ordinal: Int) throws(MissingEvidence) -> CaptureFacts.SegmentFact {
        let data = clientDataSegments.filter { $0.analysis.isDisjoint(with: [.retransmission, .keepAlive]) }
        guard data.count >= ordinal else {
            throw MissingEvidence("Stream \(index) has only \(data.count) data segment(s) from the client, the question needs \(ordinal)",
                                  howToCapture: "Let the board send at least \(ordinal) readings before you stop the capture.")
        }
        // The k-th data segment is only known if nothing before it is missing: the handshake was
        // captured and the client's bytes from relative 1 on arrive without a gap.
        guard conversation.client.sawSyn else {
            throw MissingEvidence("Stream \(index) was captured without the client's SYN, so which data segment came first is unknown",
                                  howToCapture: "Start the capture before the board connects (before `tcplab device`, or reset the board).")
        }
        var expected: UInt32 = 1
        for segment in data.prefix(ordinal) {
            guard segment.relativeSequence == expected else {
                throw MissingEvidence("Stream \(index) lacks client bytes \(expected)–\(segment.relativeSequence &- 1): a segment before the one asked about was not captured",
                                      howToCapture: "Capture again with nothing dropped (the capture's summary must not say INCOMPLETE).")
            }
            expected = segment.relativeSequence &+ UInt32(segment.length)
        }
        return data[ordinal - 1]
    }

    func firstFin() throws(MissingEvidence) -> CaptureFacts.SegmentFact {
        guard let fin = segments.first(where: { $0.flags.contains(.fin) }) else {
            throw MissingEvidence("Stream \(index) has no FIN: the connection had not closed when the capture stopped",
                                  howToCapture: "Stop the capture only after the board (or `tcplab device --readings 5`) has finished and left.")
        }
        return fin
    }

    func side(_ fromClient: Bool) -> Answer { .word(fromClient ? "client" : "server") }

    /// Keep-alive probes proper: on an open window. tshark flags a zero-window probe sent in
    /// keep-alive form (as Linux sends them) `keep_alive` too; those are not counted.
    func keepAliveProbes(how: String) throws(MissingEvidence) -> [CaptureFacts.SegmentFact] {
        let flagged = segments.filter { $0.analysis.contains(.keepAlive) }
        let probes = flagged.filter { !$0.peerWindowClosed }
        if probes.isEmpty && !flagged.isEmpty {
            throw MissingEvidence("Stream \(index) has \(flagged.count) segment\(flagged.count == 1 ? "" : "s") marked keep-alive, "
                                  + "but each probes a closed window (a zero-window probe, lab 6), not an idle connection",
                                  howToCapture: how)
        }
        guard !probes.isEmpty else { throw MissingEvidence("Stream \(index) has no keep-alive probe", howToCapture: how) }
        return probes
    }

    func flagged(_ flag: AnalysisFlags, name: String, how: String) throws(MissingEvidence) -> [CaptureFacts.SegmentFact] {
        let found = segments.filter { $0.analysis.contains(flag) }
        guard !found.isEmpty else { throw MissingEvidence("Stream \(index) has no \(name)", howToCapture: how) }
        return found
    }
}
