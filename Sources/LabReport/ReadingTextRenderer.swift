import SensorStreams

/// `read --readings`: one line per rebuilt sensor line, with the frames that carried it.
///
///     stream 0  frame 4          HELLO nodemcu-01      device name: nodemcu-01
///     stream 0  frame 6          0,1234567,28.3,65.2   seq 0 · 1234567 ms · 28.3 °C · 65.2 %RH
///     stream 0  frames 14, 8     17,1268618,2          invalid: cut by a gap: ...
public struct ReadingTextRenderer {
    public var palette: Palette
    private(set) var readings = 0
    private(set) var hellos = 0
    private(set) var invalid = 0
    private(set) var unacknowledged = 0
    private var streams: Set<Int> = []

    public init(palette: Palette = Palette(enabled: false)) {
        self.palette = palette
    }

    public mutating func render(_ reading: RebuiltReading, into out: inout OutputBuffer) {
        streams.insert(reading.stream)
        let frames = reading.line.frames
        var line = pad("stream \(reading.stream)", 10)
        line += pad((frames.count == 1 ? "frame " : "frames ") + frames.map(String.init).joined(separator: ", "), 17)
        line += pad(ReadingTextRenderer.printable(reading.line.bytes) + (reading.line.isTooLong ? "…" : ""), 24)
        switch reading.outcome {
        case .reading(let value):
            readings += 1
            line += palette.green("seq \(value.seq) · \(value.millis) ms · \(value.temperature) °C · \(value.humidity) %RH")
            if reading.acknowledged == false {
                unacknowledged += 1
                line += palette.red("  never acknowledged: it did not arrive")
            }
        case .hello(let name):
            hellos += 1
            line += palette.cyan("device name: \(name)")
        case .invalid(let reason):
            invalid += 1
            line += palette.red("invalid: \(reason)")
        }
        out.append(line + "\n")
    }

    /// The closing count: "7 lines from 1 client stream: 6 readings, 1 HELLO, 0 invalid."
    public func summary(missingBytes: Int = 0, into out: inout OutputBuffer) {
        let total = readings + hellos + invalid
        var text = "\(total) line\(total == 1 ? "" : "s") from \(streams.count) client stream\(streams.count == 1 ? "" : "s"): "
        text += "\(readings) reading\(readings == 1 ? "" : "s"), \(hellos) HELLO, \(invalid) invalid."
        if unacknowledged > 0 {
            text += unacknowledged == 1 ? " 1 reading the server never acknowledged: it did not arrive."
                : " \(unacknowledged) readings the server never acknowledged: they did not arrive."
        }
        if missingBytes > 0 {
            text += " \(missingBytes) byte\(missingBytes == 1 ? "" : "s") of the client streams were never captured."
        }
        out.append("\n" + palette.bold(text) + "\n")
    }

    /// Non-printable bytes as `.`, like the follow view.
    static func printable(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.map { (0x20...0x7e).contains($0) ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
    }
}
