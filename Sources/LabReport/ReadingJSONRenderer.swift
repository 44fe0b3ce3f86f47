import SensorStreams

/// `read --readings --format json`: one object per line of a client stream, HELLO lines aside
/// (they name the device, given as `device` on the readings after them).
///
/// Keys: `stream`, `frames` (frame numbers in stream order), `line` (text without its ending),
/// `valid`, `error` (reason or null), `device` (from the stream's HELLO, or null), and when
/// valid `seq`, `millis`, `temperature`, `humidity`.
public struct ReadingJSONRenderer {
    public init() {}

    public func render(_ reading: RebuiltReading, into out: inout OutputBuffer) {
        if case .hello = reading.outcome { return }
        out.append("{\"stream\":" as StaticString)
        out.append(integer: reading.stream)
        out.append(",\"frames\":[" as StaticString)
        for (index, frame) in reading.line.frames.enumerated() {
            if index > 0 { out.append(byte: UInt8(ascii: ",")) }
            out.append(integer: frame)
        }
        out.append("],\"line\":" as StaticString)
        out.append(jsonString: reading.text)
        switch reading.acknowledged {
        case true?: out.append(",\"acknowledged\":true" as StaticString)
        case false?: out.append(",\"acknowledged\":false" as StaticString)
        case nil: out.append(",\"acknowledged\":null" as StaticString)
        }
        switch reading.outcome {
        case .reading(let value):
            out.append(",\"valid\":true,\"error\":null" as StaticString)
            appendDevice(reading.device, into: &out)
            out.append(",\"seq\":" as StaticString); out.append(integer: value.seq)
            out.append(",\"millis\":" as StaticString); out.append(integer: value.millis)
            out.append(",\"temperature\":" as StaticString); out.append(String(value.temperature))
            out.append(",\"humidity\":" as StaticString); out.append(String(value.humidity))
        case .invalid(let reason):
            out.append(",\"valid\":false,\"error\":" as StaticString)
            out.append(jsonString: reason)
            appendDevice(reading.device, into: &out)
        case .hello:
            break
        }
        out.append("}\n" as StaticString)
    }

    private func appendDevice(_ device: String?, into out: inout OutputBuffer) {
        out.append(",\"device\":" as StaticString)
        if let device { out.append(jsonString: device) } else { out.append("null" as StaticString) }
    }
}
