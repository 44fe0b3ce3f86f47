/// The graphs tcplab draws for a connection (`tcplab graph --kind`).
public enum GraphKind: String, Sendable, CaseIterable {
    case timeSequence = "time-sequence"
    case tcptrace = "tcptrace"
    case rtt = "rtt"
    case throughput = "throughput"
    case window = "window"
}

/// The data behind each graph as CSV: a header row, then one row per point; times in seconds
/// since the capture's first frame, sequence numbers relative, rates in bits per second, sizes in
/// bytes. An empty field is a value the point does not have. Every field is a number or one of
/// tcplab's own words, so nothing needs quoting.
public enum GraphCSV {
    public static func text(_ graphs: StreamGraphs, kind: GraphKind) -> String {
        var lines: [String]
        switch kind {
        case .timeSequence:
            lines = ["time,frame,seq,end,length,kind"]
            for mark in graphs.segments { lines.append(segmentRow(mark)) }
        case .tcptrace:
            // Segments and ACKs in one time order: the picture's three lines from one table.
            lines = ["time,frame,kind,seq,end,ack,window_edge"]
            var rows: [(Double, Int, String)] = graphs.segments.map {
                ($0.time, $0.frame, "\(seconds($0.time)),\($0.frame),\($0.kind.rawValue),\($0.sequence),\($0.end),,")
            }
            rows += graphs.acks.map {
                ($0.time, $0.frame, "\(seconds($0.time)),\($0.frame),ack,,,\($0.acknowledgement),\($0.windowEdge.map(String.init) ?? "")")
            }
            lines += rows.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
        case .rtt:
            lines = ["time,frame,acked_frame,rtt,counted,estimated_rtt,timeout_interval"]
            for point in graphs.roundTrips {
                lines.append([seconds(point.time), "\(point.frame)", point.ackedFrame.map(String.init) ?? "",
                              seconds(point.sample), point.counted ? "yes" : "no",
                              point.estimated.map(seconds) ?? "", point.timeout.map(seconds) ?? ""].joined(separator: ","))
            }
        case .throughput:
            lines = ["time,window_seconds,throughput_bps,goodput_bps"]
            for point in graphs.rates {
                lines.append("\(seconds(point.time)),\(seconds(graphs.windowSeconds)),\(fixed(point.throughput, decimals: 0)),\(fixed(point.goodput, decimals: 0))")
            }
        case .window:
            lines = ["time,frame,receiver_window,bytes_in_flight"]
            for point in graphs.windows {
                lines.append("\(seconds(point.time)),\(point.frame),\(point.receiverWindow.map(String.init) ?? ""),\(point.bytesInFlight.map(String.init) ?? "")")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The phases (every graph marks them), one row each.
    public static func phases(_ graphs: StreamGraphs) -> String {
        var lines = ["start,end,start_frame,phase"]
        for phase in graphs.phases {
            lines.append("\(seconds(phase.start)),\(seconds(phase.end)),\(phase.startFrame),\(phase.kind.rawValue)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The sender's kernel's samples (`--tcp-info`), one row each.
    public static func kernel(_ graphs: StreamGraphs) -> String {
        var lines = ["time,ca_state,cwnd_bytes,ssthresh_bytes,srtt"]
        for point in graphs.kernel {
            lines.append("\(seconds(point.time)),\(point.state),\(point.congestionWindow),"
                         + "\(point.slowStartThreshold.map(String.init) ?? ""),\(seconds(point.smoothedRTT))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func segmentRow(_ mark: SequenceMark) -> String {
        "\(seconds(mark.time)),\(mark.frame),\(mark.sequence),\(mark.end),\(mark.length),\(mark.kind.rawValue)"
    }

    /// Microseconds are the precision of most captures; nanoseconds are kept where they exist.
    static func seconds(_ value: Double) -> String { fixed(value, decimals: 9) }
}
