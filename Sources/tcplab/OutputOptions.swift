import ArgumentParser
import LabReport

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

    /// auto = colour only when stdout is a terminal (and NO_COLOR is not set).
    var enabled: Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto: return isatty(STDOUT_FILENO) != 0 && getenv("NO_COLOR") == nil
        }
    }
}

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
}

/// Writes to stdout with plain write(2) in large chunks: no Foundation on the hot path.
enum StandardOutput {
    static func write(_ buffer: inout OutputBuffer) {
        let bytes = buffer.bytesView
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                // stdout closed (e.g. piped into `head`): stop quietly, as tcpdump does.
                exit(0)
            }
            offset += written
        }
        buffer.removeAll()
    }
}

enum StandardError {
    static func print(_ text: String) {
        var line = text + "\n"
        line.withUTF8 { _ = Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

/// A number of seconds from the command line: finite, within `range` (a day at most by default,
/// so converting it to nanoseconds can never overflow), or an error naming the option.
func checkSeconds(_ value: Double, option: String, in range: ClosedRange<Double> = 0...86_400) throws {
    guard value.isFinite, range.contains(value) else {
        throw ValidationError("\(option) must be \(range.lowerBound == 0 ? "0" : "more than 0") to \(Int(range.upperBound)) seconds, got \(value)")
    }
}
