import SensorProtocol
import Testing

@Suite("Sensor line parser against testdata/sensor_lines.tsv")
struct SensorLineParserTests {
    @Test("the vector file is there and covers every reason code")
    func vectorsCoverEveryReason() {
        let reasons = Set(SensorLineVector.all.filter { $0.kind == .invalid }.compactMap(\.reasonOrName))
        #expect(reasons == Set(SensorParseError.Reason.allCases.map(\.rawValue)))
        #expect(SensorLineVector.all.count >= 30)
    }

    @Test("valid lines parse to the expected values", arguments: SensorLineVector.all.filter { $0.kind == .valid })
    func valid(_ vector: SensorLineVector) throws {
        let line = try SensorLineParser.parse(bytes: vector.line)
        let expected = SensorReading(
            seq: vector.seq!, millis: vector.millis!, temperature: vector.temperature!, humidity: vector.humidity!)
        #expect(line == .reading(expected))
    }

    @Test("hello lines name the device", arguments: SensorLineVector.all.filter { $0.kind == .hello })
    func hello(_ vector: SensorLineVector) throws {
        #expect(try SensorLineParser.parse(bytes: vector.line) == .hello(name: vector.reasonOrName!))
    }

    @Test("parseWithoutDetail applies the same rules: same result, same reason, no text", arguments: SensorLineVector.all)
    func withoutDetail(_ vector: SensorLineVector) {
        let full = vector.line.withUnsafeBytes { raw in
            Result { () throws(SensorParseError) in try SensorLineParser.parse(raw) }
        }
        let bare = vector.line.withUnsafeBytes { raw in
            Result { () throws(SensorParseError) in try SensorLineParser.parseWithoutDetail(raw) }
        }
        switch (full, bare) {
        case (.success(let a), .success(let b)): #expect(a == b)
        case (.failure(let a), .failure(let b)): #expect(a.reason == b.reason && b.found.isEmpty && !a.found.isEmpty)
        default: Issue.record("parse and parseWithoutDetail disagree on \(vector.lineAsWritten)")
        }
    }

    @Test("invalid lines give the shared reason code", arguments: SensorLineVector.all.filter { $0.kind == .invalid })
    func invalid(_ vector: SensorLineVector) {
        #expect {
            try SensorLineParser.parse(bytes: vector.line)
        } throws: { error in
            guard let error = error as? SensorParseError else { return false }
            return error.reason.rawValue == vector.reasonOrName && !error.found.isEmpty
        }
    }

    @Test("canonical rows are exactly what the formatter writes", arguments: SensorLineVector.all.filter(\.canonical))
    func formatterMatchesCanonicalLines(_ vector: SensorLineVector) throws {
        let parsed = try SensorLineParser.parse(bytes: vector.line)
        switch parsed {
        case .reading(let reading):
            #expect(Array(SensorLineFormatter.line(for: reading).utf8) == vector.line)
        case .hello(let name):
            #expect(Array(SensorLineFormatter.hello(name: name).utf8) == vector.line)
        }
    }

    @Test("every valid reading survives format → parse unchanged", arguments: SensorLineVector.all.filter { $0.kind == .valid })
    func roundTrip(_ vector: SensorLineVector) throws {
        guard case .reading(let reading) = try SensorLineParser.parse(bytes: vector.line) else {
            Issue.record("not a reading")
            return
        }
        #expect(try SensorLineParser.parse(reading.canonicalLine) == .reading(reading))
    }

    @Test("the String entry point agrees with the byte entry point")
    func stringEntryPoint() throws {
        #expect(
            try SensorLineParser.parse("12,1234567,28.3,65.2\r")
                == .reading(SensorReading(seq: 12, millis: 1_234_567, temperature: 28.3, humidity: 65.2)))
    }

    @Test("messages name what was expected and what was found")
    func humanMessages() {
        #expect(throws: SensorParseError(.badTemperature, found: "\"nan\"")) {
            try SensorLineParser.parse("12,1234567,nan,65.2")
        }
        do {
            _ = try SensorLineParser.parse("12,1234567,28.3")
        } catch {
            #expect(error.message.contains("expected 4 comma-separated fields"))
            #expect(error.message.contains("found 3 fields"))
        }
        do {
            _ = try SensorLineParser.parse(bytes: [0x00, 0x41])
        } catch {
            #expect(error.message.contains("byte 0x00 at column 1"))
        }
    }

    @Test("a long pseudo-random sweep of canonical readings round-trips")
    func sweep() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let reading = SensorReading(
                seq: UInt32(truncatingIfNeeded: state >> 7),
                millis: UInt32(truncatingIfNeeded: state >> 29),
                temperature: Double(Int((state >> 40) % 1201) - 400) / 10,
                humidity: Double(Int((state >> 20) % 1001)) / 10)
            #expect(try SensorLineParser.parse(reading.canonicalLine) == .reading(reading))
        }
    }
}
