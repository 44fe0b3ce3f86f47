import TestSupport
import NIOConcurrencyHelpers
import SensorProtocol
@testable import SensorServer

/// `n` canonical lines with `\r\n`, as the sketch's `client.println` writes them.
func sketchLines(_ range: Range<Int>, millisStep: UInt32 = 2000) -> String {
    range.map { seq in
        let reading = SensorReading(
            seq: UInt32(seq), millis: 2003 + UInt32(seq) * millisStep, temperature: 20 + Double(seq % 100) / 10,
            humidity: 40 + Double(seq % 500) / 10)
        return reading.canonicalLine + "\r\n"
    }.joined()
}
