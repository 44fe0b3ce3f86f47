import ArgumentParser
import CaptureAnalysis
import Foundation
import LabReport
import PacketCapture
import TCPAnalysis
import WireFormat

extension TCPLab {
    struct Ladder: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw TCP connections from a capture as ladder (sequence) diagrams.",
            discussion: prose("""
                The client's lifeline on the left, the server's on the right, and one arrow per
                TCP segment between them, top to bottom in capture order. Each arrow shows the
                flags, the sequence and acknowledgement numbers (relative, as Wireshark shows
                them; --absolute for the raw 32-bit values) and the payload length; before it
                the frame number and the time in seconds since the capture's first frame (as in
                `tcplab read`); after it the handshake steps, the teardown, Wireshark's expert
                flags (retransmission, duplicate ACK, zero window, ...) and the first bytes of
                the payload. Retransmissions are drawn dashed, resets heavy.

                Without --stream every connection in the capture is drawn, one after another,
                in stream order (stream numbers are tshark's `tcp.stream`).

                --svg FILE writes the same diagram as an SVG picture; --html FILE writes a
                self-contained page (no network needed) with the picture: click a segment to
                see its decoded fields, its explanation and its bytes in hex. With either of
                them nothing is drawn on the terminal.

                Examples:
                  tcplab ladder labs/captures/handshake.pcap
                  tcplab ladder lab.pcap --stream 2 --absolute --ascii
                  tcplab ladder lab.pcap --html lab.html --svg lab.svg
                """))

        @Argument(help: "The capture file (pcap or pcapng).")
        var file: String

        @Option(parsing: .unconditional, help: "Draw only this connection (tshark's tcp.stream number, from 0).")
        var stream: Int?

        @Option(help: ArgumentHelp("Draw only the connections of the board that said HELLO NAME.", valueName: "name"))
        var device: String?

        @Option(help: "Only packets matching this BPF expression, e.g. 'tcp port 5050'.")
        var filter: String?

        @Flag(help: "Raw 32-bit sequence and acknowledgement numbers instead of relative ones.")
        var absolute = false

        @Flag(help: "Draw with plain ASCII (|, -, <, >) instead of Unicode box-drawing characters.")
        var ascii = false

        @Option(help: "Colour the terminal diagram: auto (only on a terminal), always, never.")
        var color: ColorChoice = .auto

        @Option(help: ArgumentHelp("Write the diagram as an SVG picture to this file.", valueName: "file"))
        var svg: String?

        @Option(help: ArgumentHelp("Write a self-contained HTML page with the diagram and per-packet details to this file.", valueName: "file"))
        var html: String?

        func validate() throws {
            if let stream, stream < 0 { throw ValidationError("--stream counts from 0, not \(stream).") }
            if stream != nil && device != nil { throw ValidationError("give --stream or --device, not both.") }
            if svg != nil && svg == html { throw ValidationError("--svg and --html need different files.") }
        }

        func run() throws {
            let builder = LadderBuilder(absoluteNumbers: absolute, stream: stream)
            let streams = try device.map { try StreamSelection.device($0).streams(in: file, filter: filter) } ?? nil
            try builder.add(contentsOf: CaptureReader.open(file: file, filter: filter, keepHistory: false, streams: streams))

            let models = builder.finish()
            if models.isEmpty {
                if let stream {
                    let known = builder.streamCount == 0 ? "it has no TCP connection"
                        : "its streams are 0–\(builder.streamCount - 1)"
                    throw CommandFailure("no stream \(stream) in \(file): \(known).")
                }
                throw CommandFailure("no TCP segments in \(file): nothing to draw.")
            }

            if svg == nil && html == nil {
                var output = OutputBuffer()
                TextLadderRenderer(palette: Palette(enabled: color.enabled), unicode: !ascii).render(models, into: &output)
                StandardOutput.write(&output)
                return
            }
            let segments = models.reduce(0) { $0 + $1.rows.count }
            let what = "\(models.count) stream\(models.count == 1 ? "" : "s"), \(segments) segment\(segments == 1 ? "" : "s")"
            if let svg {
                try write(SVGLadderRenderer().document(models), to: svg)
                StandardError.print("tcplab: wrote \(svg) (\(what))")
            }
            if let html {
                let name = URL(fileURLWithPath: file).lastPathComponent
                try write(HTMLLadderRenderer(captureName: name).document(models), to: html)
                StandardError.print("tcplab: wrote \(html) (\(what))")
            }
        }

        private func write(_ text: String, to path: String) throws {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            } catch {
                throw CommandFailure("cannot write \(path): \(error.localizedDescription)")
            }
        }
    }
}
