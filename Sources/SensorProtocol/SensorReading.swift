/// One measurement as the board sends it: `<seq>,<millis>,<temperature>,<humidity>`.
public struct SensorReading: Sendable, Hashable {
    /// The board's reading counter, starting at 0 after every boot.
    public var seq: UInt32
    /// The board's uptime in milliseconds (`millis()` on Arduino); wraps after about 49.7 days.
    public var millis: UInt32
    /// Degrees Celsius, −40.0…80.0 (the DHT11/DHT22 range).
    public var temperature: Double
    /// Relative humidity in percent, 0.0…100.0.
    public var humidity: Double

    public init(seq: UInt32, millis: UInt32, temperature: Double, humidity: Double) {
        self.seq = seq
        self.millis = millis
        self.temperature = temperature
        self.humidity = humidity
    }

    /// The range of temperatures the sensor can report; anything else is a broken line.
    public static let temperatureRange: ClosedRange<Double> = -40.0...80.0
    /// The range of humidities the sensor can report.
    public static let humidityRange: ClosedRange<Double> = 0.0...100.0
}

/// What one framed line turned out to be.
public enum SensorLine: Sendable, Hashable {
    /// A measurement.
    case reading(SensorReading)
    /// `HELLO <name>`: the board names itself (optional, normally the first line).
    case hello(name: String)
}
