import ArgumentParser
import CaptureAnalysis
import PacketCapture

extension TCPLab {
    struct Read: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Annotate a saved capture (pcap or pcapng), packet by packet.",
            discussion: prose("""
                Shows what `tcplab capture` shows, for a file written by tcplab, tcpdump,
                tshark or Wireshark: the handshake step by step with its arithmetic, raw and
                relative sequence and acknowledgement numbers, flags, options, the payload
                in hex and ASCII, and how each connection ended; then a summary per
                connection.

                With --format json it writes one object per packet per line; the field names
                follow tshark's, so any value can be checked with `tshark -r FILE -T fields
                -e tcp.seq ...`.

                Segments from a board (client to port 5050) also say which readings their
                bytes belong to: TCP carries a byte stream, so one segment may hold the end
                of one reading and all of the next.

                --follow N shows connection N's bytes (N as in the `#N` column, tshark's
                tcp.stream) as Wireshark's Follow TCP Stream does, in the same layout as
                `tshark -q -z follow,tcp,ascii,N`: every piece of new data is a record, the
                client's at the margin, the server's indented by a tab (red and blue with
                colour). Retransmitted and overlapping bytes appear once (the first copy
                wins); out-of-order segments are put back in order; bytes the capture never
                saw are marked `[N bytes missing in capture file]`. --hex shows the records
                as a hex dump.

                --readings rebuilds every client-to-server stream, cuts it into lines and
                decodes each as a sensor reading, with the frames that carried its bytes. A
                HELLO line names the device. A line cut by missing bytes, or left without
                its line ending when the capture stops, is reported as invalid with the
                reason. With --format json: one object per reading with stream, frames,
                line, valid, error, device and, when valid, seq, millis, temperature,
                humidity.

                Examples:
                  tcplab read labs/captures/handshake.pcap
                  tcplab read lab.pcap --filter 'tcp port 5050' --no-hex
                  tcplab read lab.pcap --format json | head -3
                  tcplab read lab.pcap --follow 0
                  tcplab read lab.pcap --readings --format json
                """))

        @Argument(help: "The capture file (pcap or pcapng).")
        var file: String

        @Option(help: "Only packets matching this BPF expression, e.g. 'tcp port 5050'.")
        var filter: String?

        @OptionGroup var output: PacketOutputOptions

        @Option(name: .customLong("follow"), parsing: .unconditional, help: ArgumentHelp(
            "Show the bytes of connection N (tshark's tcp.stream) instead of the packets.", valueName: "N"))
        var followStream: Int?

        @OptionGroup var choice: StreamChoice

        @Option(name: .short, help: ArgumentHelp(
            "Also write the packets shown to this pcap file: with --device or --stream, one board's connections in a file of their own.",
            valueName: "file"))
        var write: String?

        @Flag(help: "With --follow: show the bytes as a hex dump instead of ASCII.")
        var hex = false

        @Flag(help: "List the sensor readings rebuilt from every client-to-server stream instead of the packets.")
        var readings = false

        func validate() throws {
            if followStream != nil && readings {
                throw ValidationError("--follow and --readings are two different views; pick one.")
            }
            if let stream = followStream, stream < 0 {
                throw ValidationError("--follow takes a stream number from 0 (the #N column of the packet view).")
            }
            if hex && followStream == nil {
                throw ValidationError("--hex goes with --follow N.")
            }
            if followStream != nil && (choice.stream != nil || choice.device != nil) {
                throw ValidationError("--follow N already picks one connection; leave out --stream and --device.")
            }
            if write != nil && (followStream != nil || readings) {
                throw ValidationError("-w writes the packets of the packet view; leave out --follow and --readings.")
            }
            if followStream != nil && output.format == .json {
                throw ValidationError("--follow writes text only (like tshark's follow); leave out --format json.")
            }
        }

        func run() throws {
            // A damaged file throws after what decoded is on stdout; the damage goes to stderr.
            let reader = try CaptureReader.open(file: file, filter: filter,
                                                keepHistory: followStream == nil && !readings && output.view.needsHistory,
                                                streams: choice.selection.streams(in: file, filter: filter))
            let sink = StandardOutput.sink
            if let stream = followStream {
                guard try FollowView.show(reader, stream: stream, mode: hex ? .hex : .ascii,
                                          color: output.color.enabled, sink: sink) else {
                    let count = reader.tracker.conversationCount
                    throw CommandFailure("no TCP stream \(stream) in \(file): it has \(count) stream\(count == 1 ? "" : "s")\(count > 0 ? " (0–\(count - 1))" : "").")
                }
            } else if readings {
                try ReadingsView.show(reader, format: output.view.format, color: output.color.enabled,
                                      summary: !output.noSummary, sink: sink)
            } else if let write {
                let writer = try reader.source.makeWriter(path: write)
                let view = PacketView(reader: reader, options: output.view, sink: sink)
                defer { view.finish() }
                try reader.read { analyzed, record in
                    try writer.write(record)
                    view.add(analyzed, bytes: record.bytes)
                }
            } else {
                try PacketView.show(reader, options: output.view, sink: sink)
            }
        }
    }
}
