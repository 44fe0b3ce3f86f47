import SensorProtocol

/// One line → the sensor line parser. A reading it accepts must survive the firmware's
/// formatter: formatted again, it parses to the same seq and millis and values within 0.05.
public func fuzzSensorLine(_ bytes: UnsafeRawBufferPointer) {
    let line: SensorLine
    do {
        line = try SensorLineParser.parse(bytes)
    } catch {
        precondition(!error.description.isEmpty, "an error without a reason")
        return
    }
    switch line {
    case .reading(let reading):
        precondition(SensorReading.temperatureRange.contains(reading.temperature), "temperature out of range accepted")
        precondition(SensorReading.humidityRange.contains(reading.humidity), "humidity out of range accepted")
        let formatted = SensorLineFormatter.line(for: reading)
        guard case .reading(let again) = try? SensorLineParser.parse(formatted) else {
            preconditionFailure("formatted reading '\(formatted)' does not parse")
        }
        precondition(again.seq == reading.seq && again.millis == reading.millis, "seq/millis changed")
        precondition(abs(again.temperature - reading.temperature) <= 0.05 + 1e-9, "temperature drifted")
        precondition(abs(again.humidity - reading.humidity) <= 0.05 + 1e-9, "humidity drifted")
    case .hello(let name):
        precondition(!name.isEmpty && name.utf8.count <= 32, "device name length")
        guard case .hello(let again) = try? SensorLineParser.parse(SensorLineFormatter.hello(name: name)),
              again == name else { preconditionFailure("HELLO \(name) does not round-trip") }
    }
}
