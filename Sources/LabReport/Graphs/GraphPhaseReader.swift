/// The phases of a sender's congestion control, as tcplab reads them from a capture. The sender's
/// congestion window is not on the wire, so these are inferences from what is, kept simple and
/// written down (docs/graphs.md says the same):
///
/// - Slow start: from the first data segment to the first retransmission (the sender's first
///   reaction to a loss signal: duplicate ACKs, SACK, or its timer).
/// - A retransmission outside a recovery starts one, which lasts until an ACK covers the highest
///   sequence number sent before it (RFC 6582's "recover" point) — unless the sender's next data
///   segment after that ACK is again a retransmission: holes remain (SACK told it), and the same
///   recovery goes on to the new highest sequence number. Its kind is:
///   - fast retransmit & recovery when tshark's rules call it a fast retransmission, or when a
///     duplicate ACK came since the ACK number last moved (Linux's SACK-based recovery, RFC 6675
///     and RACK, resends after fewer duplicate ACKs than tshark's rule waits for);
///   - a timeout when it comes 200 ms or more after the copy it repeats (Linux's smallest RTO;
///     a capture's RTT samples are too short to judge by the sender's own TimeoutInterval); a
///     timeout during a fast recovery ends that and starts its own;
///   - an early retransmission otherwise: no duplicate ACK, too soon for the timer (a tail loss
///     probe, RFC 8985).
/// - Congestion avoidance: after a recovery, until the next one or the last data segment.
/// - Zero window (flow control, over the others): from the receiver's segment that says window 0
///   to the first that opens it again (or its last segment).
enum GraphPhaseReader {
    /// Linux's smallest retransmission timeout (RFC 6298 says 1 s).
    static let shortestTimeout = 0.2

    static func phases(records: [StreamGraphBuilder.Record], senderIsClient: Bool) -> [GraphPhase] {
        var phases: [GraphPhase] = []
        var open: GraphPhase?
        var recoverPoint: Int?
        var highestSent = 0
        var lastDataTime: Double?
        var closedWindows: [GraphPhase] = []
        var closed: GraphPhase?
        // Duplicate ACKs since the receiver's ACK number last moved.
        var duplicateAcks = 0
        var lastAck: Int?
        // The ACK that covered the recover point, until the next data segment says whether the
        // recovery ended there.
        var coveringAck: (time: Double, frame: Int)?

        func start(_ kind: GraphPhase.Kind, at time: Double, frame: Int) {
            if var phase = open {
                phase.end = time
                phases.append(phase)
            }
            open = GraphPhase(kind: kind, start: time, end: time, startFrame: frame)
        }

        for record in records {
            if record.fromClient == senderIsClient {
                guard record.length > 0 else { continue }
                lastDataTime = record.time
                if open == nil { start(.slowStart, at: record.time, frame: record.frame) }
                let kind = SequenceMarkKind(record.analysis)
                let isTimeout = kind == .retransmission && (record.retransmissionAfter ?? 0) >= shortestTimeout
                if let ack = coveringAck {
                    coveringAck = nil
                    if kind.isRetransmission && !isTimeout {
                        recoverPoint = highestSent
                    } else {
                        start(.congestionAvoidance, at: ack.time, frame: ack.frame)
                    }
                }
                if kind.isRetransmission {
                    if isTimeout && open?.kind != .timeoutRecovery {
                        start(.timeoutRecovery, at: record.time, frame: record.frame)
                        recoverPoint = highestSent
                    } else if recoverPoint == nil {
                        let fast = kind == .fastRetransmission || duplicateAcks > 0
                        start(fast ? .fastRecovery : .otherRecovery, at: record.time, frame: record.frame)
                        recoverPoint = highestSent
                    }
                }
                highestSent = max(highestSent, record.sequence + record.length)
            } else {
                if record.analysis.contains(.duplicateAck) {
                    duplicateAcks += 1
                } else if let ack = record.acknowledgement, ack > lastAck ?? -1 {
                    duplicateAcks = 0
                    lastAck = ack
                }
                if let point = recoverPoint, let ack = record.acknowledgement, ack >= point {
                    coveringAck = (record.time, record.frame)
                    recoverPoint = nil
                }
                if record.window == 0, closed == nil {
                    closed = GraphPhase(kind: .zeroWindow, start: record.time, end: record.time, startFrame: record.frame)
                } else if let window = record.window, window > 0, var phase = closed {
                    phase.end = record.time
                    closedWindows.append(phase)
                    closed = nil
                }
                if var phase = closed {
                    phase.end = record.time
                    closed = phase
                }
            }
        }
        if let closed { closedWindows.append(closed) }
        if let ack = coveringAck { start(.congestionAvoidance, at: ack.time, frame: ack.frame) }
        if var phase = open {
            phase.end = max(phase.start, lastDataTime ?? phase.start)
            // A recovery that ended with the last ACK leaves nothing after it to call a phase.
            if phase.end > phase.start || phase.kind != .congestionAvoidance { phases.append(phase) }
        }
        return (phases + closedWindows).sorted { ($0.start, $0.kind == .zeroWindow ? 1 : 0) < ($1.start, $1.kind == .zeroWindow ? 1 : 0) }
    }
}
