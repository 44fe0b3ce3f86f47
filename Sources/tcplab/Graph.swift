import ArgumentParser
import CaptureAnalysis
import Foundation
import KernelTCPInfo
import LabReport
import TCPAnalysis

extension TCPLab {
    struct Graph: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Graph one TCP connection as Wireshark's TCP stream graphs do.",
            discussion: prose("""
                For one connection and one direction of its data, five graphs:

                  time-sequence  Stevens' form: a mark per data segment at (time, first
                                 byte), retransmissions marked apart
                  tcptrace       a bar per segment, the ACK line, the receive-window line
                  rtt            RTT samples, EstimatedRTT and TimeoutInterval over time
                  throughput     throughput and goodput (bit/s) over a sliding window
                  window         the receiver's advertised window, the bytes in flight

                Every graph shades the phases tcplab reads from the capture: slow start until
                the first retransmission; then, for each retransmission, a timeout (200 ms or
                more after the original), fast retransmit & recovery (after duplicate ACKs) or
                an early retransmission (neither: a tail loss probe), each until an ACK covers
                everything sent before it; then congestion avoidance; and, over those, the times the receiver's window was zero (flow
                control). The congestion window itself is not on the wire: these are
                inferences, and docs/graphs.md gives the rules.

                Times are seconds since the capture's first frame, sequence numbers relative
                (as in `tcplab read` and the ladder). Without --stream the connection that
                carried the most data is graphed (with --device NAME, the busiest of that board's
                connections); without --direction, the side that sent more data.

                Without an output option tcplab prints the connection's phases and the size
                of each series. --svg FILE writes the graph as an SVG picture; --csv FILE the
                data behind it (a header row, one row per point); --html FILE a
                self-contained page (nothing loaded from the network) with the connection's
                ladder diagram and every graph under it (the graphs alone for a connection
                of more than 5,000 segments, whose ladder page would be too big to open).
                With --kind all (the default) --svg and --csv write one file per graph, named
                FILE with the graph's name before the extension (graphs.svg gives
                graphs-time-sequence.svg, graphs-tcptrace.svg, ...), and --csv also a file
                of the phases, one row each (graphs-phases.csv).

                --tcp-info FILE adds what only the sender's kernel knows, from the TCP_INFO file
                `tcplab device --bulk --tcp-info FILE` records: its congestion window on the
                window graph, its SRTT on the RTT graph, and under every graph a strip of its
                congestion state (disorder, recovery, loss), to set against the phases read
                from the capture; with --csv, also FILE's -kernel file.

                Examples:
                  tcplab graph loss.pcap
                  tcplab graph loss.pcap --stream 0 --kind tcptrace --svg tcptrace.svg
                  tcplab graph up.pcap --direction client --csv g.csv --html g.html
                """))

        @Argument(help: "The capture file (pcap or pcapng).")
        var file: String

        @OptionGroup var choice: StreamChoice

        @Option(help: "The side whose data is graphed: client (sent the SYN) or server.")
        var direction: Direction?

        @Option(help: "The graph: time-sequence, tcptrace, rtt, throughput, window, or all.")
        var kind: KindChoice = .all

        @Option(help: "Only packets matching this BPF expression, e.g. 'tcp port 5050'.")
        var filter: String?

        @Option(name: .customLong("window-seconds"), help: ArgumentHelp("The throughput graph's sliding window.", valueName: "seconds"))
        var windowSeconds = 0.1

        @Option(name: .customLong("tcp-info"), help: ArgumentHelp(
            "Draw the sender's kernel's congestion window, SRTT and state from this TCP_INFO file (tcplab device --bulk --tcp-info).",
            valueName: "file"))
        var tcpInfo: String?

        @Option(help: ArgumentHelp("Write the graph(s) as SVG to this file.", valueName: "file"))
        var svg: String?

        @Option(help: ArgumentHelp("Write the data behind the graph(s) as CSV to this file.", valueName: "file"))
        var csv: String?

        @Option(help: ArgumentHelp("Write a self-contained HTML page with the ladder and the graphs to this file.", valueName: "file"))
        var html: String?

        enum Direction: String, ExpressibleByArgument, CaseIterable {
            case client, server
        }

        enum KindChoice: String, ExpressibleByArgument, CaseIterable {
            case timeSequence = "time-sequence", tcptrace, rtt, throughput, window, all

            var kinds: [GraphKind] { GraphKind(rawValue: rawValue).map { [$0] } ?? GraphKind.allCases }
        }

        func validate() throws {
            try checkSeconds(windowSeconds, option: "--window-seconds", in: 0.000_001...86_400)
            let outputs = [svg, csv, html].compactMap { $0 }
            if Set(outputs).count < outputs.count { throw ValidationError("--svg, --csv and --html need different files.") }
        }

        func run() throws {
            let stream = choice.stream
            // A board's connections: found by its HELLO, in a reading of their own.
            let candidates = try choice.device.map { try StreamSelection.device($0).streams(in: file, filter: filter) } ?? nil
            let builder = StreamGraphBuilder(stream: stream)
            try builder.add(contentsOf: CaptureReader.open(file: file, filter: filter, keepHistory: false))
            guard let chosen = stream ?? builder.busiestStream(among: candidates) else {
                throw CommandFailure("no TCP segments in \(file): nothing to graph.")
            }
            let bytes = builder.dataBytes(stream: chosen)
            guard var graphs = builder.graphs(stream: chosen, senderIsClient: direction.map { $0 == .client },
                                              windowSeconds: windowSeconds) else {
                let known = builder.streamCount == 0 ? "it has no TCP connection" : "its streams are 0–\(builder.streamCount - 1)"
                throw CommandFailure("no stream \(chosen) in \(file): \(known).")
            }
            if graphs.segments.isEmpty {
                let other = graphs.senderIsClient ? bytes.server : bytes.client
                let otherName = graphs.senderIsClient ? "server" : "client"
                throw CommandFailure("stream \(chosen): the \(graphs.directionName) sent no data bytes"
                    + (other > 0 ? "; the \(otherName) sent \(other) (try --direction \(otherName))." : ", and neither did the \(otherName): nothing to graph."))
            }
            if let tcpInfo { graphs.kernel = try kernelPoints(tcpInfo, for: graphs) }
            if stream == nil && (candidates ?? Set(builder.streams)).count > 1 {
                StandardError.print("tcplab: graphing stream \(chosen), the one that carried the most data (--stream N for another)")
            }

            let kinds = kind.kinds
            if svg == nil && csv == nil && html == nil {
                print(summary(graphs))
                return
            }
            if let svg {
                for kind in kinds {
                    try write(SVGGraphRenderer().document(graphs, kind: kind), to: path(svg, kind.rawValue, kinds.count))
                }
            }
            if let csv {
                for kind in kinds { try write(GraphCSV.text(graphs, kind: kind), to: path(csv, kind.rawValue, kinds.count)) }
                if kinds.count > 1 { try write(GraphCSV.phases(graphs), to: path(csv, "phases", 2)) }
                if !graphs.kernel.isEmpty { try write(GraphCSV.kernel(graphs), to: path(csv, "kernel", 2)) }
            }
            if let html { try writePage(graphs, kinds: kinds, segments: builder.segmentCount(stream: chosen), to: html) }
        }

        /// The samples of `path` taken by the graphed sender for this connection, on the capture's
        /// time axis (TCP_INFO times are wall-clock time, as pcap's are).
        private func kernelPoints(_ path: String, for graphs: StreamGraphs) throws -> [KernelPoint] {
            let samples: [KernelTCPSample]
            do { samples = try KernelTCPSamples.load(path) } catch { throw CommandFailure(error.description) }
            let (local, remote) = ("\(graphs.sender)", "\(graphs.receiver)")
            let mine = samples.filter { $0.local == local && $0.remote == remote }
            guard !mine.isEmpty else {
                var seen: [String] = []
                for sample in samples where !seen.contains("\(sample.local) → \(sample.remote)") {
                    seen.append("\(sample.local) → \(sample.remote)")
                }
                throw CommandFailure("\(path) holds no TCP_INFO sample of the \(graphs.directionName) \(local) → \(remote)"
                    + (seen.isEmpty ? "." : "; its connections: " + seen.prefix(5).joined(separator: ", ") + (seen.count > 5 ? ", ..." : "") + "."))
            }
            return mine.map { sample in
                KernelPoint(time: sample.time - graphs.timeOrigin, state: sample.caState, congestionWindow: sample.cwndBytes,
                            slowStartThreshold: sample.ssthresh.map { $0 * sample.sendMSS }, smoothedRTT: sample.srttSeconds)
            }
        }

        /// The ladder of the same connection, read again for it alone, with the graphs under it;
        /// a connection too long for a ladder page gets the graphs alone.
        private func writePage(_ graphs: StreamGraphs, kinds: [GraphKind], segments: Int, to path: String) throws {
            let name = URL(fileURLWithPath: file).lastPathComponent
            if segments > HTMLGraphSection.maximumLadderSegments {
                let note = "The ladder of this connection's \(segments) segments is left out (a page holds one of up to "
                    + "\(HTMLGraphSection.maximumLadderSegments)); `tcplab ladder \(name) --stream \(graphs.stream) --html FILE` draws it."
                try write(HTMLGraphSection().document(graphs, kinds: kinds, captureName: name, note: note), to: path)
                return
            }
            let ladder = LadderBuilder(stream: graphs.stream)
            let reader = try CaptureReader.open(file: file, filter: filter, keepHistory: false, streams: [graphs.stream])
            try ladder.add(contentsOf: reader)
            var page = HTMLLadderRenderer(captureName: name)
            page.appendix = HTMLGraphSection().html(graphs, kinds: kinds)
            page.appendixStyle = HTMLGraphSection.style
            try write(page.document(ladder.finish()), to: path)
        }

        /// FILE itself for one graph; FILE with "-name" before its extension for several.
        private func path(_ path: String, _ name: String, _ count: Int) -> String {
            guard count > 1 else { return path }
            let url = URL(fileURLWithPath: path)
            let ext = url.pathExtension
            let base = ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
            return base + "-" + name + (ext.isEmpty ? "" : "." + ext)
        }

        private func summary(_ graphs: StreamGraphs) -> String {
            let data = graphs.segments.reduce(0) { $0 + $1.length }
            let resent = graphs.segments.filter(\.kind.isRetransmission)
            var lines = [graphs.title]
            lines.append("Data from the \(graphs.directionName): \(graphs.segments.count) segments carrying \(data) bytes, "
                         + "\(resent.count) of them retransmissions (\(resent.reduce(0) { $0 + $1.length }) bytes sent again).")
            lines.append("Phases, as tcplab reads them from the capture (seconds since frame \(graphs.timeOriginFrame)):")
            for phase in graphs.phases {
                lines.append("  \(seconds(phase.start))–\(seconds(phase.end))  \(phase.kind.label) (from frame \(phase.startFrame))")
            }
            let counted = graphs.roundTrips.filter(\.counted).count
            lines.append("Series: \(graphs.segments.count) segments, \(graphs.acks.count) ACKs, \(graphs.roundTrips.count) RTT samples "
                         + "(\(counted) counted), \(graphs.rates.count) throughput points, \(graphs.windows.count) window points.")
            lines.append("Draw them with --svg FILE, --html FILE; their data with --csv FILE.")
            return lines.joined(separator: "\n")
        }

        private func seconds(_ value: Double) -> String { String(format: "%.6f", value) }

        private func write(_ text: String, to path: String) throws {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            } catch {
                throw CommandFailure("cannot write \(path): \(error.localizedDescription)")
            }
            StandardError.print("tcplab: wrote \(path)")
        }
    }
}
