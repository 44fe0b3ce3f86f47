/// Why a line is not a valid sensor line: a machine code (shared with the firmware's tests, see
/// `testdata/README.md`) plus what was expected and what was found, for a person to read.
public struct SensorParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The reason codes, in the order the rules are checked; the first rule that fails wins.
    public enum Reason: String, Sendable, CaseIterable, Hashable {
        case notText = "not-text"
        case emptyLine = "empty-line"
        case badDeviceName = "bad-device-name"
        case fieldCount = "field-count"
        case badSeq = "bad-seq"
        case badMillis = "bad-millis"
        case badTemperature = "bad-temperature"
        case badHumidity = "bad-humidity"
        case temperatureOutOfRange = "temperature-out-of-range"
        case humidityOutOfRange = "humidity-out-of-range"
    }

    public let reason: Reason
    /// The offending part of the line, printable (non-text bytes as `\xHH`), cut at 40 bytes.
    public let found: String

    public init(_ reason: Reason, found: String) {
        self.reason = reason
        self.found = found
    }

    /// What a valid line has in the place that failed.
    public var expected: String {
        switch self.reason {
        case .notText: return "printable ASCII only"
        case .emptyLine: return "a reading such as 12,1234567,28.3,65.2"
        case .badDeviceName: return "HELLO <name>, name 1–32 of A–Z a–z 0–9 _ . -"
        case .fieldCount: return "4 comma-separated fields <seq>,<millis>,<temperature>,<humidity>"
        case .badSeq: return "seq as decimal digits below 2^32"
        case .badMillis: return "millis as decimal digits below 2^32"
        case .badTemperature: return "temperature as a decimal number like 28.3"
        case .badHumidity: return "humidity as a decimal number like 65.2"
        case .temperatureOutOfRange: return "temperature within −40.0…80.0 °C"
        case .humidityOutOfRange: return "humidity within 0.0…100.0 %RH"
        }
    }

    /// For a person: `bad-temperature: expected temperature as a decimal number like 28.3, found "nan"`.
    public var message: String {
        "\(self.reason.rawValue): expected \(self.expected), found \(self.found)"
    }

    public var description: String { self.message }
}
