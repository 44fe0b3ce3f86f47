import ArgumentParser
import PacketCapture

extension TCPLab {
    struct Read: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Annotate a saved capture (pcap or pcapng), packet by packet.",
            discussion: """
                Shows what `tcplab capture` shows, for a file written by tcplab, tcpdump, tshark
                or Wireshark: the handshake step by step with its arithmetic, raw and relative
                sequence and acknowledgement numbers, flags, options, the payload in hex and ASCII,
                and how each connection ended; then a summary per connection.

                With --format json it writes one object per packet per line; the field names follow
                tshark's, so any value can be checked with `tshark -r FILE -T fields -e tcp.seq ...`.

                Examples:
                  tcplab read labs/captures/handshake.pcap
                  tcplab read lab.pcap --filter 'tcp port 5050' --no-hex
                  tcplab read lab.pcap --format json | head -3
                """)

        @Argument(help: "The capture file (pcap or pcapng).")
        var file: String

        @Option(help: "Only packets matching this BPF expression, e.g. 'tcp port 5050'.")
        var filter: String?

        @OptionGroup var output: PacketOutputOptions

        func run() throws {
            let source: PacketSource
            do {
                source = try PacketSource.open(file: file)
                if let filter { try source.setFilter(filter) }
            } catch let error as CaptureError {
                StandardError.print("tcplab: \(error)")
                throw ExitCode.failure
            }
            let pipeline = PacketPipeline(source: source, options: output)
            do {
                try pipeline.run(source)
            } catch let error as CaptureError {
                // What decoded is already on stdout; the damage goes to stderr and the exit code.
                StandardError.print("tcplab: \(error)")
                throw ExitCode.failure
            }
        }
    }
}
