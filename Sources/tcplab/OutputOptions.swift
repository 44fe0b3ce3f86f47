import ArgumentParser
import CaptureAnalysis
import LabReport
import SensorProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    /// auto = colour only when stdout is a terminal that can show it (NO_COLOR unset, TERM not dumb).
    var enabled: Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            let term = getenv("TERM").map { String(cString: $0) }
            return isatty(STDOUT_FILENO) != 0 && getenv("NO_COLOR") == nil && term != "dumb"
        }
    }
}

/// The one check of a --port value, worded the same everywhere. Port options are parsed with
/// `.unconditional`, so `--port -1` reaches this check instead of "Missing value".
func checkPort(_ port: Int, allowsZero: Bool = false) throws {
    let range = (allowsZero ? 0 : 1)...65535
    guard range.contains(port) else {
        throw ValidationError("--port must be \(range.lowerBound)–65535\(allowsZero ? " (0 picks a free one)" : ""), not \(port).")
    }
}

/// The sensor port as a command-line default.
let standardPort = Int(SensorPort.standard)

/// How `read` and `capture` show packets.
struct PacketOutputOptions: ParsableArguments {
    @Option(help: "Output format: text (annotated, for people) or json (one object per packet per line, tshark's field names).")
    var format: OutputFormat = .text

    @Option(help: "Colour the text output: auto (only on a terminal), always, never.")
    var color: ColorChoice = .auto

    @Flag(help: "Hide the payload bytes (hex + ASCII) in the text output.")
    var noHex = false

    @Flag(help: "Leave out the per-connection summary at the end of the text output.")
    var noSummary = false

    @Flag(help: ArgumentHelp("Show only the per-connection summary: totals each way, throughput, retransmissions, RTT estimate, window and ACKs (with --format json: one object per connection).", valueName: "summary-only"))
    var summaryOnly = false

    var view: PacketView.Options {
        PacketView.Options(format: format == .json ? .json : .text, color: color.enabled, showHex: !noHex,
                           summary: !noSummary || summaryOnly, summaryOnly: summaryOnly)
    }

    func validate() throws {
        if noSummary && summaryOnly { throw ValidationError("--summary-only and --no-summary contradict each other.") }
    }
}

/// Writes to stdout with plain write(2) in large chunks: no Foundation on the hot path.
enum StandardOutput {
    /// A closed stdout (piped into `head`) ends the program quietly, as tcpdump does.
    static let sink = OutputSink { bytes in
        // Whatever `print` left in stdio's buffer goes first, so the two never interleave.
        fflush(nil)
        if !writeWhole(bytes, to: STDOUT_FILENO) { exit(0) }
    }

    static func write(_ buffer: inout OutputBuffer) { sink.drain(&buffer) }
}

enum StandardError {
    static func print(_ text: String) { write(text + "\n") }

    /// `text` as it is (no newline added), in one write(2): stderr is unbuffered anyway.
    static func write(_ text: String) { writeWhole(text, to: STDERR_FILENO) }
}

/// One line per write(2) on stdout: a server's event is on its way the moment it happens, even
/// through a pipe. (It bypasses stdio: a command that also uses `print` flushes first.)
enum StandardOutputLine {
    static func print(_ text: String) { writeWhole(text + "\n", to: STDOUT_FILENO) }
}

private func writeWhole(_ text: String, to descriptor: Int32) {
    var text = text
    text.withUTF8 { _ = writeWhole($0, to: descriptor) }
}

/// All of `bytes` with write(2), however many calls it takes; false when the descriptor refuses
/// them (a closed pipe).
private func writeWhole(_ bytes: UnsafeBufferPointer<UInt8>, to descriptor: Int32) -> Bool {
    var offset = 0
    while offset < bytes.count {
        let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return false }
        offset += written
    }
    return true
}

/// A number of seconds from the command line: finite, within `range` (a day at most by default,
/// so converting it to nanoseconds can never overflow), or an error naming the option.
func checkSeconds(_ value: Double, option: String, in range: ClosedRange<Double> = 0...86_400) throws {
    guard value.isFinite, range.contains(value) else {
        throw ValidationError("\(option) must be \(range.lowerBound == 0 ? "0" : "more than 0") to \(Int(range.upperBound)) seconds, got \(value)")
    }
}


/// `--stream N` or `--device NAME`: one connection, or every connection of one board, out of a
/// capture that holds many (a class's capture, where simulated boards all share 127.0.0.1).
struct StreamChoice: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Only connection N (the #N column; tshark's tcp.stream).", valueName: "N"))
    var stream: Int?

    @Option(help: ArgumentHelp(
        "Only the connections of the board that said HELLO NAME (case does not matter).", valueName: "name"))
    var device: String?

    func validate() throws {
        if stream != nil && device != nil { throw ValidationError("give --stream or --device, not both.") }
        if let stream, stream < 0 { throw ValidationError("--stream counts from 0, not \(stream).") }
    }

    var selection: StreamSelection {
        if let stream { return .stream(stream) }
        if let device { return .device(device) }
        return .all
    }
}

/// A help text written as wrapped paragraphs in the source, unwrapped again so ArgumentParser's
/// own wrapping (to the terminal's width) is the only one: otherwise a line broken at 90 columns
/// and wrapped again at 80 leaves a word alone on a line. Indented lines (examples, tables) and
/// list items stay as they are.
func prose(_ text: String) -> String {
    var lines: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        let joinable = !line.isEmpty && !line.hasPrefix(" ") && !line.hasPrefix("-") && !line.contains("   ")
        if joinable, let last = lines.last, !last.isEmpty, !last.hasPrefix(" "),
           !last.contains("   "), last.uppercased() != last {
            lines[lines.count - 1] = last + " " + line
        } else {
            lines.append(line)
        }
    }
    return lines.joined(separator: "\n")
}
