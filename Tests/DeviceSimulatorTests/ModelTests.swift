import DeviceSimulator
import SensorProtocol
import Testing

@Suite("Sensor model and reconnect backoff")
struct ModelTests {
    static func samples(seed: UInt32, count: Int) -> [(temperature: Double, humidity: Double)] {
        var sensor = SimulatedDHT11(seed: seed, samplePeriod: 5)
        return (0..<count).map { _ in sensor.read() }
    }

    @Test("the same seed gives the same readings; another seed, other readings")
    func seeded() {
        let first = Self.samples(seed: 42, count: 200)
        let again = Self.samples(seed: 42, count: 200)
        let other = Self.samples(seed: 43, count: 200)
        #expect(first.map(\.temperature) == again.map(\.temperature) && first.map(\.humidity) == again.map(\.humidity))
        #expect(first.map(\.temperature) != other.map(\.temperature))
    }

    @Test("readings are valid lines at DHT11 resolution that drift slowly")
    func realistic() throws {
        let samples = Self.samples(seed: 7, count: 5000)
        for (index, sample) in samples.enumerated() {
            let reading = SensorReading(seq: UInt32(index), millis: 2000 + UInt32(index) * 5000,
                                        temperature: sample.temperature, humidity: sample.humidity)
            // The shared parser accepts every line, and gives back exactly the values sent.
            #expect(try SensorLineParser.parse(reading.canonicalLine) == .reading(reading))
            #expect(sample.humidity == sample.humidity.rounded())
            #expect((sample.temperature * 10).rounded() == sample.temperature * 10)
        }
        let steps = zip(samples, samples.dropFirst()).map { abs($1.temperature - $0.temperature) }
        #expect(steps.max()! <= 0.5)
        let temperatures = samples.map(\.temperature)
        #expect(temperatures.max()! - temperatures.min()! >= 1.0)  // it does move
        #expect(temperatures.allSatisfy { (15.0...30.0).contains($0) })
    }

    @Test("backoff doubles from the initial delay to the cap, with equal jitter")
    func backoff() {
        let backoff = ReconnectBackoff(initial: .milliseconds(500), maximum: .seconds(10), maxAttempts: 4)
        #expect((1...7).map { backoff.ceiling(afterFailures: $0) }
            == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
        var random = XorShift32(seed: 9)
        for failures in 1...10 {
            let ceiling = backoff.ceiling(afterFailures: failures)
            let delay = backoff.delay(afterFailures: failures, using: &random)
            #expect(delay >= ceiling / 2 && delay <= ceiling)
        }
        #expect(backoff.allowsAttempt(afterFailures: 3) && !backoff.allowsAttempt(afterFailures: 4))
        #expect(ReconnectBackoff(maxAttempts: nil).allowsAttempt(afterFailures: 1_000_000))
    }

    @Test("fleet boards are named PREFIX-1…N and get distinct seeds")
    func fleetNames() {
        var base = DeviceConfiguration()
        base.seed = 5
        let boards = (1...3).map { DeviceFleet.configuration(base, prefix: "lab", index: $0) }
        #expect(boards.map(\.name) == ["lab-1", "lab-2", "lab-3"])
        #expect(Set(boards.map(\.seed)).count == 3 && boards[0].seed == 5)
        // One board given a name (`--name student2`) carries that name, not student2-1.
        #expect(DeviceFleet.configuration(base, prefix: "student2", index: 1, soleName: true).name == "student2")
    }
}

@Suite("Reading schedule")
struct ReadingScheduleTests {
    let start = ContinuousClock.now

    @Test("fixed rate without jitter; as fast as possible with interval 0")
    func fixedRate() {
        var random = XorShift32(seed: 1)
        let schedule = ReadingSchedule(interval: .seconds(5))
        #expect(schedule.next(after: self.start, now: self.start, using: &random) == self.start + .seconds(5))
        #expect(schedule.firstDelay(using: &random) == .zero)
        let fast = ReadingSchedule(interval: .zero, jitter: .seconds(1))
        #expect(fast.next(after: self.start, now: self.start + .milliseconds(3), using: &random) == self.start + .milliseconds(3))
    }

    @Test("jitter moves each step by at most its amount, both ways, and the same seed moves it alike")
    func jitter() {
        let schedule = ReadingSchedule(interval: .seconds(5), jitter: .seconds(1))
        var random = XorShift32(seed: 3)
        var again = XorShift32(seed: 3)
        var steps: [Duration] = []
        for _ in 0..<500 {
            let next = schedule.next(after: self.start, now: self.start, using: &random)
            #expect(next == schedule.next(after: self.start, now: self.start, using: &again))
            steps.append(next - self.start)
        }
        #expect(steps.allSatisfy { $0 >= .seconds(4) && $0 <= .seconds(6) })
        #expect(steps.contains { $0 < .milliseconds(4500) } && steps.contains { $0 > .milliseconds(5500) })
        let first = (0..<100).map { _ in schedule.firstDelay(using: &random) }
        #expect(first.allSatisfy { $0 >= .zero && $0 <= .seconds(1) } && Set(first).count > 1)
    }

    @Test("a board that fell behind starts afresh from now, with no burst to catch up")
    func fallingBehind() {
        var random = XorShift32(seed: 1)
        let schedule = ReadingSchedule(interval: .seconds(5))
        let late = self.start + .seconds(60)
        #expect(schedule.next(after: self.start, now: late, using: &random) == late)
    }
}
