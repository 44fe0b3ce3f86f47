/// Produces lines exactly as the firmware writes them, so tests and the simulator can speak the
/// protocol: `12,1234567,28.3,65.2` (one decimal) and `HELLO nodemcu-01`. No terminator added.
public enum SensorLineFormatter {
    public static func line(for reading: SensorReading) -> String {
        "\(reading.seq),\(reading.millis),\(oneDecimal(reading.temperature)),\(oneDecimal(reading.humidity))"
    }

    public static func hello(name: String) -> String {
        "HELLO \(name)"
    }

    /// `28.3`, `-0.5`, `80.0`: rounded to tenths, like Arduino's `String(value, 1)`.
    public static func oneDecimal(_ value: Double) -> String {
        let tenths = Int64((value * 10).rounded())
        let magnitude = tenths.magnitude
        let sign = tenths < 0 ? "-" : ""
        return "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}

extension SensorReading {
    /// The canonical line for this reading (see `SensorLineFormatter`).
    public var canonicalLine: String { SensorLineFormatter.line(for: self) }
}
