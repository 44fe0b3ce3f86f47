import SensorProtocol
import SensorStreams
import TCPAnalysis
import WireFormat

/// Every lab, in the order a course takes them. Lab 1's keys are fixed: instructors' scripts rely on them.
public enum LabCatalog {
    public static let all: [Lab] = [
        handshake, byteStream, arithmetic, closing, nagle, flowControl, loss, gaps, keepalive, dissector, congestion,
    ]

    public static func lab(_ number: Int) -> Lab? { all.first { $0.number == number } }

    static let handshake = Lab(number: 1, folder: "01-handshake", title: "The handshake: SYN, SYN-ACK, ACK", questions: [
        Question("client_port", "Which port did the client (the board) use?",
                 hint: "The client's port is the one that is not 5050 in the SYN; it was chosen by the board's TCP stack.") { s, _ in
            .int(s.clientPort) },
        Question("server_port", "Which port did the server listen on?",
                 hint: "The destination port of the SYN.") { s, _ in .int(s.serverPort) },
        Question("client_isn", "What was the client's initial sequence number (raw, not relative)?",
                 hint: "Find the SYN (handshake step 1). Relative numbers make it 0; you need the raw 32-bit value on the line below.") { s, _ throws(MissingEvidence) in
            .int(try s.syn().rawSequence) },
        Question("server_isn", "What was the server's initial sequence number (raw)?",
                 hint: "The SYN-ACK carries the server's own ISN in its sequence field (raw, not relative).") { s, _ throws(MissingEvidence) in
            .int(try s.synAck().rawSequence) },
        Question("synack_ack_raw", "What raw acknowledgement number did the SYN-ACK carry?",
                 hint: "The SYN consumes one sequence number: the server acknowledges the client's ISN plus how much?") { s, _ throws(MissingEvidence) in
            .int(try s.synAck().rawAcknowledgement) },
        Question("client_mss", "Which MSS did the client announce?",
                 hint: "MSS is a TCP option; look at the options of the client's SYN.") { s, _ throws(MissingEvidence) in
            _ = try s.syn()
            guard let mss = s.conversation.client.mss else { throw MissingEvidence("The client's SYN carries no MSS option", howToCapture: "Use a full snapshot length (the default) so the options are captured.") }
            return .int(mss) },
        Question("server_mss", "Which MSS did the server announce?",
                 hint: "The server announces its own MSS in the SYN-ACK's options.") { s, _ throws(MissingEvidence) in
            _ = try s.synAck()
            guard let mss = s.conversation.server.mss else { throw MissingEvidence("The SYN-ACK carries no MSS option", howToCapture: "Use a full snapshot length (the default) so the options are captured.") }
            return .int(mss) },
        Question("first_data_len", "How many payload bytes did the client's first data segment carry?",
                 hint: "The first client segment with len > 0 after the handshake; it is usually the HELLO line with its \\r\\n.") { s, _ throws(MissingEvidence) in
            .int(try s.clientData(1).length) },
        Question("first_data_seq_relative", "What was the relative sequence number of that first data segment?",
                 hint: "The SYN was relative 0 and took one sequence number.") { s, _ throws(MissingEvidence) in
            .int(try s.clientData(1).relativeSequence) },
    ])

    static let byteStream = Lab(number: 2, folder: "02-byte-stream", title: "A byte stream, not messages", questions: [
        Question("client_data_segments", "How many segments carried data from the board (retransmissions not counted)?",
                 hint: "Count the client's segments with len > 0; leave out any marked as retransmissions.") { s, _ in
            .int(s.clientDataSegments.filter { !$0.analysis.contains(.retransmission) }.count) },
        Question("readings_total", "How many complete readings did the board send?",
                 hint: "Count the lines of the form seq,millis,t,h in the client's bytes (`tcplab read --readings` lists them); HELLO is not a reading.") { s, _ in
            .int(s.readings.count) },
        Question("most_newlines_in_one_segment", "What is the largest number of line endings (\\n) one client segment carried?",
                 hint: "Look at the hex of each client segment: 0d0a is one line ending. With --fault coalesce one segment carries several.") { s, _ in
            .int(s.clientDataSegments.map(\.lineEndings).max() ?? 0) },
        Question("segments_ending_mid_line", "How many client data segments end in the middle of a line (not with \\n)?",
                 hint: "A segment whose last payload byte is not 0a leaves a reading unfinished for the next segment (--fault split).") { s, _ in
            .int(s.clientDataSegments.filter { !$0.analysis.contains(.retransmission) && !$0.endsWithNewline }.count) },
    ])

    static let arithmetic = Lab(number: 3, folder: "03-seq-ack", title: "Sequence and acknowledgement arithmetic", questions: [
        Question("third_data_seq_relative", "Relative sequence number of the client's third data segment?",
                 hint: "Relative seq = raw seq − client ISN. Each segment starts where the previous one ended.") { s, _ throws(MissingEvidence) in
            .int(try s.clientData(3).relativeSequence) },
        Question("third_data_seq_raw", "Its raw sequence number?",
                 hint: "Raw = client ISN + relative. Mind the wrap at 2^32.") { s, _ throws(MissingEvidence) in
            .int(try s.clientData(3).rawSequence) },
        Question("third_data_len", "How many bytes did it carry?", hint: "The len field of that segment.") { s, _ throws(MissingEvidence) in
            .int(try s.clientData(3).length) },
        Question("ack_for_third_data_relative", "Which relative acknowledgement number acknowledges exactly that segment?",
                 hint: "An ACK names the next byte expected: the segment's sequence number plus its length.") { s, _ throws(MissingEvidence) in
            let third = try s.clientData(3)
            return .int(third.relativeSequence &+ UInt32(third.length)) },
        Question("client_bytes_total", "How many bytes of data did the client send in all (each byte once)?",
                 hint: "The summary at the end of `tcplab read` counts them; or: last data segment's seq + len − 1.") { s, _ in
            .int(s.clientStream.byteCount) },
        // Read off output rounded to 0.001 ms (below 10 ms) or 0.1 ms: 0.0015 ms or 2 % covers the rounding.
        Question("first_rtt_sample_ms", "SampleRTT of the client's first RTT sample, in milliseconds?",
                 hint: "The first ACK from the server that ends one of the client's segments exactly (the SYN counts): its `RTT:` line.",
                 tolerance: 0.0015, relativeTolerance: 0.02) { s, _ throws(MissingEvidence) in
            .number(try s.clientRoundTrip(1).sample * 1000) },
        Question("estimated_rtt_third_ms", "EstimatedRTT after the client's third RTT sample, in milliseconds?",
                 hint: "First sample R: EstimatedRTT = R. Then EstimatedRTT = 0.875·EstimatedRTT + 0.125·SampleRTT, once per sample.",
                 tolerance: 0.0015, relativeTolerance: 0.02) { s, _ throws(MissingEvidence) in
            .number(try s.clientRoundTrip(3).estimated * 1000) },
        Question("timeout_third_ms", "TimeoutInterval after that sample, in milliseconds?",
                 hint: "TimeoutInterval = EstimatedRTT + 4·DevRTT; DevRTT starts at R/2, then DevRTT = 0.75·DevRTT + 0.25·|EstimatedRTT − SampleRTT| with the EstimatedRTT from before the sample.",
                 tolerance: 0.0015, relativeTolerance: 0.02) { s, _ throws(MissingEvidence) in
            .number(try s.clientRoundTrip(3).timeout * 1000) },
    ])

    static let closing = Lab(number: 4, folder: "04-closing", title: "Closing: FIN, FIN, ACK, TIME_WAIT; RST; refused", questions: [
        Question("first_fin_from", "Who sent the first FIN: client or server?",
                 hint: "Look for the first segment with the FIN flag; which port sent it?") { s, _ throws(MissingEvidence) in
            s.side(try s.firstFin().fromClient) },
        Question("first_fin_frame", "In which frame was it?", hint: "The frame number at the start of the line.") { s, _ throws(MissingEvidence) in
            .int(try s.firstFin().frame) },
        Question("first_fin_acked_by_relative", "With which relative acknowledgement number did the other side acknowledge that FIN?",
                 hint: "A FIN takes one sequence number, like a SYN.") { s, _ throws(MissingEvidence) in
            let fin = try s.firstFin()
            return .int(fin.relativeSequence &+ UInt32(fin.length) &+ 1) },
        Question("time_wait_side", "Which side waits in TIME_WAIT afterwards: client or server?",
                 hint: "The side that closes first (active close) waits 2×MSL after the last ACK.") { s, _ throws(MissingEvidence) in
            s.side(try s.firstFin().fromClient) },
        Question("ending", "How did the connection end: closed, reset or refused?",
                 hint: "FIN from both sides = closed; an RST = reset; RST answering the SYN = refused. The summary says it.") { s, _ in
            switch s.conversation.ending {
            case .closed, .halfClosed: return .word("closed")
            case .reset: return .word("reset")
            case .refused: return .word("refused")
            case .open: return .word("open")
            } },
    ])

    static let nagle = Lab(number: 5, folder: "05-nagle", title: "Nagle and setNoDelay", questions: [
        Question("client_data_segments", "How many data segments did the board send (retransmissions not counted)?",
                 hint: "Count the client's segments with len > 0; the HELLO segment counts too.") { s, _ in
            .int(s.clientDataSegments.filter { !$0.analysis.contains(.retransmission) }.count) },
        Question("readings_total", "How many readings did it send?", hint: "Count the reading lines in the client's bytes (`tcplab read --readings`).") { s, _ in
            .int(s.readings.count) },
        Question("readings_per_segment", "On average, how many readings travelled in one segment (two decimals)?",
                 hint: "Readings divided by data segments. With Nagle on, small writes wait for the previous ACK and travel together.",
                 tolerance: 0.01) { s, _ in
            let segments = s.clientDataSegments.filter { !$0.analysis.contains(.retransmission) }.count
            // Exact, not rounded: the tolerance covers the student's rounding (0.49 or 0.50 for 0.495).
            return .number(segments == 0 ? 0 : Double(s.readings.count) / Double(segments)) },
        Question("most_lines_in_one_segment", "What is the largest number of lines (line endings, 0d0a) one data segment of the board carried?",
                 hint: "tcplab says which readings each segment carries (\"all of readings 5–9\"); or count 0d0a in its hex. Writes held back together travel together.") { s, _ in
            .int(s.clientDataSegments.filter { !$0.analysis.contains(.retransmission) }.map(\.lineEndings).max() ?? 0) },
        Question("fourth_segment_wait_ms", "How many milliseconds passed between the board's third and fourth data segments?",
                 hint: "The fourth data segment's time minus the third's (HELLO's segment is the first), times 1000. Was the board waiting for something?",
                 tolerance: 0.5) { s, _ throws(MissingEvidence) in
            let third = try s.clientData(3), fourth = try s.clientData(4)
            return .number((fourth.time - third.time) * 1000) },
        Question("rtt_before_fourth_segment_ms", "The server's last ACK before that fourth data segment: what round-trip time does tcplab show for it (its RTT: line), in milliseconds?",
                 hint: "Find the last segment from port 5050 before the fourth data segment that has an `RTT:` line: the time from the data it acknowledges to it.",
                 tolerance: 0.5) { s, _ throws(MissingEvidence) in
            let fourth = try s.clientData(4)
            guard let ack = s.segments.last(where: { !$0.fromClient && $0.frame < fourth.frame && $0.ackRoundTrip != nil }),
                  let roundTrip = ack.ackRoundTrip else {
                throw MissingEvidence("Stream \(s.index) has no ACK from the server with a round-trip time before the board's fourth data segment (frame \(fourth.frame))",
                                      howToCapture: "Start the capture before the board connects, so the handshake and the first ACKs are in it.")
            }
            return .number(roundTrip * 1000) },
    ])

    static let flowControl = Lab(number: 6, folder: "06-flow-control", title: "Flow control: the window shrinks to zero", questions: [
        Question("zero_window_segments", "How many segments announced a zero window?",
                 hint: "tcplab marks them `Zero window`; they come from the side whose application stopped reading.") { s, _ throws(MissingEvidence) in
            .int(try s.flagged(.zeroWindow, name: "zero window", how: "Make the server read slowly (see the lab's steps) while the board sends fast.").count) },
        Question("first_zero_window_frame", "In which frame did the window first reach zero?",
                 hint: "The first segment marked `Zero window`.") { s, _ throws(MissingEvidence) in
            .int(try s.flagged(.zeroWindow, name: "zero window", how: "Make the server read slowly while the board sends fast.")[0].frame) },
        Question("window_updates", "How many window updates reopened the window?",
                 hint: "Segments marked `Window update`: no data, same ack, a new window.") { s, _ in
            .int(s.count(.windowUpdate)) },
    ])

    static let loss = Lab(number: 7, folder: "07-loss", title: "Loss and retransmission", questions: [
        Question("retransmissions", "How many segments were retransmissions (of any kind)?",
                 hint: "Count the segments marked Retransmission, Fast retransmission or Spurious retransmission.") { s, _ in
            .int(s.count(.retransmission)) },
        Question("fast_retransmissions", "How many were fast retransmissions?",
                 hint: "A fast retransmission follows duplicate ACKs instead of a timer.") { s, _ in
            .int(s.count(.fastRetransmission)) },
        Question("duplicate_acks", "How many duplicate ACKs did the receiver send?",
                 hint: "Segments marked Duplicate ACK: same ack, no data, same window.") { s, _ in
            .int(s.count(.duplicateAck)) },
        Question("first_retransmission_frame", "In which frame was the first retransmission?",
                 hint: "The first segment marked as any kind of retransmission.") { s, _ throws(MissingEvidence) in
            .int(try s.flagged(.retransmission, name: "retransmission", how: "Add the nftables drop rule of the lab's steps on the receiver, then capture again.")[0].frame) },
    ])

    static let gaps = Lab(number: 8, folder: "08-gaps", title: "What TCP does not promise: readings lost across a reconnect", questions: [
        Question("connections", "How many connections did the board open to the server?",
                 hint: "Each connection is a stream number in tcplab's output; count the ones to the server's port.") { s, facts in
            .int(facts.streams.filter { $0.serverPort == s.serverPort }.count) },
        // Acknowledged readings only: a reading retransmitted into a dead connection until an
        // RST came back is in the capture but never reached the server.
        Question("readings_received", "How many readings reached the server in all connections?",
                 hint: "Count the reading lines the server acknowledged, in every client→server stream; a segment answered only by RST did not arrive.") { s, facts in
            .int(facts.streams.filter { $0.serverPort == s.serverPort }.reduce(0) { $0 + $1.acknowledgedReadings.count }) },
        Question("missing_readings", "How many readings (by seq) never arrived?",
                 hint: "seq counts every reading the board wrote. Compare the seq numbers you received with the range from the first to the last.") { s, facts in
            let seqs = Set(facts.streams.filter { $0.serverPort == s.serverPort }.flatMap { $0.acknowledgedReadings.map(\.seq) })
            guard let low = seqs.min(), let high = seqs.max() else { return .int(0) }
            return .int(Int(high - low + 1) - seqs.count) },
    ])

    static let keepalive = Lab(number: 9, folder: "09-keepalive", title: "Keepalive and half-open connections", questions: [
        Question("keepalive_probes", "How many keep-alive probes were sent?",
                 hint: "Segments marked Keep-alive: one byte before the next expected sequence number, after a silence, on an open window (a probe of a closed window is a zero-window probe).") { s, _ throws(MissingEvidence) in
            .int(try s.keepAliveProbes(how: "Turn keepalive on (see the lab's steps) and leave the connection idle longer than the keepalive time.").count) },
        Question("keepalive_interval_seconds", "How many seconds apart were the first two probes?",
                 hint: "Subtract the times of the first two Keep-alive segments.", tolerance: 0.5) { s, _ throws(MissingEvidence) in
            let probes = try s.keepAliveProbes(how: "Leave the connection idle long enough for two probes.")
            guard probes.count >= 2 else { throw MissingEvidence("Stream \(s.index) has only one keep-alive probe", howToCapture: "Leave the connection idle long enough for two probes.") }
            return .number(probes[1].time - probes[0].time) },
        Question("keepalive_acks", "How many probes were answered?",
                 hint: "An answered probe is followed by a Keep-alive ACK from the other side.") { s, _ throws(MissingEvidence) in
            let probes = Set(try s.keepAliveProbes(how: "Turn keepalive on (see the lab's steps) and leave the connection idle longer than the keepalive time.").map(\.frame))
            // An ACK answers the probe before it (a zero-window probe's answer is not counted).
            var answered = 0, lastProbe: CaptureFacts.SegmentFact?
            for segment in s.segments {
                if probes.contains(segment.frame) { lastProbe = segment; continue }
                if segment.analysis.contains(.keepAliveAck), let probe = lastProbe, probe.fromClient != segment.fromClient {
                    answered += 1
                    lastProbe = nil
                }
            }
            return .int(answered) },
    ])

    static let dissector = Lab(number: 10, folder: "10-dissector", title: "A Wireshark dissector for the sensor protocol", questions: [
        Question("device_name", "Which device name did the board send in its HELLO?",
                 hint: "The first line of the client's bytes: HELLO <name>.") { s, _ throws(MissingEvidence) in
            for line in s.clientStream.lines() {
                if case .hello(let name) = line.outcome { return .word(name.lowercased()) }
            }
            throw MissingEvidence("Stream \(s.index) has no HELLO line", howToCapture: "Capture from before the board connects: HELLO is its first line.") },
        Question("readings_total", "How many readings does your dissector show?",
                 hint: "One per line of the form seq,millis,t,h.") { s, _ in .int(s.readings.count) },
        Question("last_temperature", "What temperature did the last reading carry (°C)?",
                 hint: "The third field of the last reading line.", tolerance: 0.05) { s, _ throws(MissingEvidence) in
            guard let last = s.readings.last else { throw MissingEvidence("Stream \(s.index) has no readings", howToCapture: "Capture while the board sends readings.") }
            return .number(last.temperature) },
    ])

    static let congestion = Lab(number: 11, folder: "11-congestion", title: "Congestion control: slow start, a loss, fast recovery", questions: [
        Question("round1_segments", "How many data segments did the board send in the first round trip (the initial window)?",
                 hint: "Count the board's data segments (HELLO included) before the first ACK of data comes back.") { s, _ throws(MissingEvidence) in
            .int(try s.clientRounds(1)[0]) },
        Question("round2_segments", "How many in the second round trip?",
                 hint: "From that first ACK until the ACK that covers the first segment of round 2. Slow start: each ACK lets about two more segments go.") { s, _ throws(MissingEvidence) in
            .int(try s.clientRounds(2)[1]) },
        Question("slow_start_end_frame", "In which frame did slow start end: the board's first retransmission?",
                 hint: "The first segment tcplab (or Wireshark) marks as a retransmission; the graph shades it.") { s, _ throws(MissingEvidence) in
            .int(try s.firstClientRetransmission().frame) },
        Question("dup_acks_before_first_retransmission", "How many duplicate ACKs did the server send before that retransmission?",
                 hint: "Count the server's segments marked duplicate ACK before the frame of the first retransmission. RFC 5681 waits for 3; Linux with SACK may go sooner.") { s, _ throws(MissingEvidence) in
            let first = try s.firstClientRetransmission()
            return .int(s.segments.filter { !$0.fromClient && $0.frame < first.frame && $0.analysis.contains(.duplicateAck) }.count) },
        Question("fast_retransmissions", "How many fast retransmissions did the board make?",
                 hint: "Segments marked fast retransmission (the summary's trouble line counts them).") { s, _ throws(MissingEvidence) in
            _ = try s.syn()
            return .int(s.clientDataSegments.filter { $0.analysis.contains(.fastRetransmission) }.count) },
        Question("retransmissions", "How many retransmissions in all?",
                 hint: "Every segment marked retransmission, fast or not (the summary's trouble line).") { s, _ throws(MissingEvidence) in
            _ = try s.syn()
            return .int(s.clientDataSegments.filter { $0.analysis.contains(.retransmission) }.count) },
        Question("throughput_mbps", "The upload's throughput in Mbit/s (new bytes ÷ time from the first data byte to the ACK of the last)?",
                 hint: "`tcplab read FILE --summary-only` prints it with that definition.", relativeTolerance: 0.02) { s, _ throws(MissingEvidence) in
            guard let rate = s.conversation.client.totals.throughput else {
                throw MissingEvidence("Stream \(s.index) does not hold the ACK of the board's last data byte", howToCapture: CaptureFacts.StreamFacts.captureUpload)
            }
            return .number(rate / 1e6) },
    ])
}
