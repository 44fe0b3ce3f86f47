/// A DHT11 in a room: a slow daily-like swing, a bounded random walk and a little noise, read at
/// the sensor's resolution (0.1 °C, 1 %RH). The model follows the virtual NodeMCU's
/// (`firmware/host/simulated_dht.cpp`), but advances per reading rather than per wall-clock
/// second, so the same seed gives the same values however fast the run goes.
public struct SimulatedDHT11: Sendable {
    /// Seconds of virtual time between readings: the DHT11 cannot be read faster than every 2 s.
    public static let minimumSamplePeriod = 2.0
    /// Period of the warm/cool swing: a ten-minute "day", so a lab run sees it move.
    static let cyclePeriod = 600.0

    private var random: XorShift32
    private let baseTemperature: Double
    private let baseHumidity: Double
    private var wander = 0.0
    private var samples = 0
    private let samplePeriod: Double

    /// `samplePeriod` is the seconds between readings (clamped to the DHT11's 2 s minimum).
    public init(seed: UInt32, samplePeriod: Double) {
        var random = XorShift32(seed: seed)
        self.baseTemperature = random.uniform(20.0..<25.0)
        self.baseHumidity = random.uniform(40.0..<60.0)
        self.random = random
        self.samplePeriod = max(samplePeriod, Self.minimumSamplePeriod)
    }

    /// The next sample: temperature in tenths of a degree, humidity in whole percent.
    public mutating func read() -> (temperature: Double, humidity: Double) {
        let seconds = Double(self.samples) * self.samplePeriod
        self.samples += 1
        let cycle = sin(2 * Double.pi * seconds / Self.cyclePeriod)
        self.wander = min(max(self.wander + self.random.uniform(-0.05..<0.05), -1.0), 1.0)
        let temperature = self.baseTemperature + 1.5 * cycle + self.wander + self.random.uniform(-0.1..<0.1)
        // Warmer air holds more water, so relative humidity falls as the room warms.
        let humidity = self.baseHumidity - 5.0 * cycle - 2.0 * self.wander + self.random.uniform(-1.0..<1.0)
        return ((temperature * 10).rounded() / 10, min(max(humidity.rounded(), 0), 100))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
