import DeviceSimulator
import SensorProtocol
import Testing

/// The bytes each fault puts on the wire, without a network.
@Suite("FaultInjector: the writes each fault makes")
struct FaultInjectorTests {
    static let reading = SensorReading(seq: 12, millis: 1_234_567, temperature: 28.3, humidity: 65.0)
    static let line = Array("12,1234567,28.3,65.0\r\n".utf8)

    static func reading(_ seq: Int) -> SensorReading {
        SensorReading(seq: UInt32(seq), millis: 2000 + UInt32(seq), temperature: 21.5, humidity: 40)
    }

    @Test("no fault: one write per reading, the canonical line and CRLF, as the firmware writes it")
    func plain() {
        var injector = FaultInjector(fault: nil)
        let plan = injector.plan(for: Self.reading, ordinal: 1, isLast: false)
        #expect(plan.writes == [WireWrite(Self.line, readings: 1)])
        #expect(plan.after == .carryOn)
    }

    @Test("every garbage line is rejected by the shared parser, for the reason the catalog gives")
    func garbageCatalogMatchesParser() {
        for entry in FaultInjector.garbageCatalog {
            #expect(throws: SensorParseError.self) { try SensorLineParser.parse(entry.line) }
            do {
                _ = try SensorLineParser.parse(entry.line)
            } catch {
                #expect(error.reason == entry.reason, "\(entry.line)")
            }
        }
        // Every reason the parser has, bar none, is taught by some garbage line.
        #expect(Set(FaultInjector.garbageCatalog.map(\.reason)) == Set(SensorParseError.Reason.allCases))
    }

    @Test("garbage: an invalid line before every N-th reading, in its own write")
    func garbage() {
        var injector = FaultInjector(fault: .garbage, every: 2)
        let first = injector.plan(for: Self.reading(0), ordinal: 1, isLast: false)
        let second = injector.plan(for: Self.reading(1), ordinal: 2, isLast: false)
        let fourth = injector.plan(for: Self.reading(3), ordinal: 4, isLast: false)
        #expect(first.writes.count == 1)
        #expect(second.writes.map(\.faultLines) == [1, 0] && second.writes.map(\.readings) == [0, 1])
        #expect(second.writes[0].text == FaultInjector.garbageCatalog[0].line + "\r\n")
        #expect(fourth.writes[0].text == FaultInjector.garbageCatalog[1].line + "\r\n")
    }

    @Test("split: two writes that add up to the line, the second after a pause; the cut moves, once between CR and LF")
    func split() {
        var injector = FaultInjector(fault: .split, pause: .milliseconds(7))
        var cuts: [Int] = []
        for ordinal in 1...4 {
            let plan = injector.plan(for: Self.reading, ordinal: ordinal, isLast: false)
            #expect(plan.writes.count == 2)
            #expect(plan.writes.flatMap(\.bytes) == Self.line)
            #expect(plan.writes.allSatisfy { !$0.bytes.isEmpty })
            #expect(plan.writes.map(\.pauseBefore) == [.zero, .milliseconds(7)])
            #expect(plan.writes.map(\.readings) == [0, 1])
            cuts.append(plan.writes[0].bytes.count)
        }
        #expect(Set(cuts).count == 4)
        #expect(cuts.contains(Self.line.count - 1))  // "\r" | "\n"
    }

    @Test("coalesce: N readings in one write, and the rest when the run ends")
    func coalesce() {
        var injector = FaultInjector(fault: .coalesce, every: 3)
        var writes: [WireWrite] = []
        for ordinal in 1...7 {
            writes += injector.plan(for: Self.reading(ordinal - 1), ordinal: ordinal, isLast: false).writes
        }
        #expect(writes.map(\.readings) == [3, 3])
        #expect(writes[0].text == (0..<3).map { Self.reading($0).canonicalLine + "\r\n" }.joined())
        #expect(injector.flush().map(\.readings) == [1])
        #expect(injector.flush().isEmpty)
        var ending = FaultInjector(fault: .coalesce, every: 3)
        _ = ending.plan(for: Self.reading(0), ordinal: 1, isLast: false)
        #expect(ending.plan(for: Self.reading(1), ordinal: 2, isLast: true).writes.map(\.readings) == [2])
    }

    @Test("slow: a write per byte, the reading counted with its last byte")
    func slow() {
        var injector = FaultInjector(fault: .slow, pause: .zero)
        let plan = injector.plan(for: Self.reading, ordinal: 1, isLast: false)
        #expect(plan.writes.count == Self.line.count)
        #expect(plan.writes.allSatisfy { $0.bytes.count == 1 })
        #expect(plan.writes.flatMap(\.bytes) == Self.line)
        #expect(plan.writes.map(\.readings).reduce(0, +) == 1 && plan.writes.last?.readings == 1)
    }

    @Test("nagle: text, then CRLF, as Arduino's println")
    func nagle() {
        var injector = FaultInjector(fault: .nagle)
        let plan = injector.plan(for: Self.reading, ordinal: 1, isLast: false)
        #expect(plan.writes.map(\.text) == ["12,1234567,28.3,65.0", "\r\n"])
        #expect(plan.writes.map(\.backToBack) == [true, false])
        var configuration = DeviceConfiguration()
        #expect(configuration.noDelay)
        configuration.fault = .nagle
        #expect(!configuration.noDelay)
    }

    @Test("nan: the N-th reading says nan (a bad-temperature line) instead of its values")
    func nan() throws {
        var injector = FaultInjector(fault: .nan, every: 2)
        #expect(injector.plan(for: Self.reading(0), ordinal: 1, isLast: false).writes.map(\.readings) == [1])
        let plan = injector.plan(for: Self.reading(1), ordinal: 2, isLast: false)
        #expect(plan.writes.map(\.text) == ["1,2001,nan,nan\r\n"])
        #expect(plan.writes.map(\.faultLines) == [1] && plan.writes.map(\.readings) == [0])
        #expect(throws: SensorParseError(.badTemperature, found: "\"nan\"")) {
            try SensorLineParser.parse("1,2001,nan,nan")
        }
    }

    @Test("long-line: longer than the server's default limit, newline-terminated, before the N-th reading")
    func longLine() {
        var injector = FaultInjector(fault: .longLine, every: 1)
        let plan = injector.plan(for: Self.reading, ordinal: 1, isLast: false)
        #expect(plan.writes.count == 2)
        let long = plan.writes[0].bytes
        #expect(long.count == FaultInjector.longLineLength + 2 && long.count > 256)
        #expect(long.suffix(2) == Array("\r\n".utf8) && !long.dropLast(2).contains(UInt8(ascii: "\n")))
    }

    @Test("abort, vanish, reboot: after every N-th reading, never after the last", arguments: [
        (DeviceFault.abort, ConnectionAction.abort), (.vanish, .vanish), (.reboot, .reboot),
    ])
    func connectionFaults(fault: DeviceFault, action: ConnectionAction) {
        var injector = FaultInjector(fault: fault, every: 2)
        let actions = (1...6).map { ordinal in
            injector.plan(for: Self.reading(ordinal - 1), ordinal: ordinal, isLast: ordinal == 6).after
        }
        #expect(actions == [.carryOn, action, .carryOn, action, .carryOn, .carryOn])
    }
}
