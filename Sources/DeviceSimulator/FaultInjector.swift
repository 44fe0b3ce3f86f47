import SensorProtocol

/// One write the device makes, and what it completes.
public struct WireWrite: Sendable, Equatable {
    public var bytes: [UInt8]
    /// Wait this long before writing (split and slow pause inside a reading).
    public var pauseBefore: Duration
    /// Valid readings whose last byte is in this write (a reading counts as sent when its last byte is).
    public var readings: Int
    /// Deliberately invalid lines (garbage, long line, nan) whose last byte is in this write.
    public var faultLines: Int
    /// Hand the next write to the socket at once, without waiting for this one to complete: two
    /// send() calls back to back, as a sketch's print + print (what Nagle's algorithm is about).
    public var backToBack: Bool

    public init(
        _ bytes: [UInt8], pauseBefore: Duration = .zero, readings: Int = 0, faultLines: Int = 0, backToBack: Bool = false
    ) {
        self.bytes = bytes
        self.pauseBefore = pauseBefore
        self.readings = readings
        self.faultLines = faultLines
        self.backToBack = backToBack
    }

    public var text: String { String(decoding: self.bytes, as: UTF8.self) }
}

/// What the device does to its connection once a reading's writes are done.
public enum ConnectionAction: Sendable, Equatable {
    case carryOn
    /// SO_LINGER 0, then close: the kernel sends RST instead of FIN.
    case abort
    /// Go silent without FIN or RST, then carry on over a new connection.
    case vanish
    /// Close (FIN), restart seq and millis, reconnect.
    case reboot
}

/// The writes for one reading, and what happens to the connection after them.
public struct ReadingPlan: Sendable, Equatable {
    public var writes: [WireWrite]
    public var after: ConnectionAction
}

/// Turns readings into writes, with the chosen fault applied. Pure: no sockets and no clock, so
/// every fault's bytes are tested without a network.
public struct FaultInjector: Sendable {
    public let fault: DeviceFault?
    /// Periodic faults strike on every `every`-th reading; coalesce puts this many in one write.
    public let every: Int
    /// The pause inside a reading for split (between the halves) and slow (between bytes).
    public let pause: Duration

    private var coalesced: [UInt8] = []
    private var coalescedReadings = 0
    private var garbageIndex = 0
    private var splitIndex = 0

    /// Longest line the server accepts by default is 256 bytes; this one is far beyond it.
    public static let longLineLength = 1000

    /// Invalid lines the garbage fault sends, in turn, each with the reason a correct parser gives.
    public static let garbageCatalog: [(line: String, reason: SensorParseError.Reason)] = [
        ("28.3,65.2", .fieldCount),
        ("12,abc,28.3,65.2", .badMillis),
        ("x1,1234,28.3,65.2", .badSeq),
        ("12,1234,85.0,65.2", .temperatureOutOfRange),
        ("12,1234,28.3,101.0", .humidityOutOfRange),
        ("12,1234,28,3,65,2", .fieldCount),
        ("HELLO two words", .badDeviceName),
        ("\u{1B}[31m12,1234,28.3,65.2", .notText),
        ("", .emptyLine),
        ("12;1234;28.3;65.2", .fieldCount),
        ("12,1234,28.3,65.2.1", .badHumidity),
        ("12,1234,,65.2", .badTemperature),
    ]

    public init(fault: DeviceFault?, every: Int = 5, pause: Duration? = nil) {
        self.fault = fault
        self.every = max(every, 1)
        self.pause = pause ?? Self.defaultPause(for: fault)
    }

    /// Split pauses long enough to see in a capture; slow pauses short, as a line has ~20 bytes.
    public static func defaultPause(for fault: DeviceFault?) -> Duration {
        switch fault {
        case .split: return .milliseconds(200)
        case .slow: return .milliseconds(20)
        default: return .zero
        }
    }

    /// The writes for the `ordinal`-th reading this device takes (1-based, counted over the whole
    /// run); `isLast` flushes anything held back.
    public mutating func plan(for reading: SensorReading, ordinal: Int, isLast: Bool) -> ReadingPlan {
        let strikes = ordinal % self.every == 0
        let line = Array((reading.canonicalLine + "\r\n").utf8)
        var writes: [WireWrite] = []
        var after = ConnectionAction.carryOn

        switch self.fault {
        case nil:
            writes = [WireWrite(line, readings: 1)]
        case .split:
            let points = [line.count / 2, line.count - 2, line.count - 1, 1]
            let point = points[self.splitIndex % points.count]
            self.splitIndex += 1
            writes = [
                WireWrite(Array(line[..<point])),
                WireWrite(Array(line[point...]), pauseBefore: self.pause, readings: 1),
            ]
        case .coalesce:
            self.coalesced += line
            self.coalescedReadings += 1
            if strikes || isLast { writes = self.flush() }
        case .garbage:
            if strikes {
                let entry = Self.garbageCatalog[self.garbageIndex % Self.garbageCatalog.count]
                self.garbageIndex += 1
                writes.append(WireWrite(Array((entry.line + "\r\n").utf8), faultLines: 1))
            }
            writes.append(WireWrite(line, readings: 1))
        case .longLine:
            if strikes { writes.append(WireWrite(Self.longLine(), faultLines: 1)) }
            writes.append(WireWrite(line, readings: 1))
        case .nan:
            if strikes {
                writes = [WireWrite(Array("\(reading.seq),\(reading.millis),nan,nan\r\n".utf8), faultLines: 1)]
            } else {
                writes = [WireWrite(line, readings: 1)]
            }
        case .abort, .vanish, .reboot:
            writes = [WireWrite(line, readings: 1)]
            if strikes && !isLast {
                after = self.fault == .abort ? .abort : self.fault == .vanish ? .vanish : .reboot
            }
        case .slow:
            writes = line.indices.map { index in
                WireWrite(
                    [line[index]], pauseBefore: index == 0 ? .zero : self.pause,
                    readings: index == line.count - 1 ? 1 : 0)
            }
        case .nagle:
            // Arduino's println: print(text) then print("\r\n"), two small writes back to back.
            writes = [WireWrite(Array(line.dropLast(2)), backToBack: true), WireWrite(Array("\r\n".utf8), readings: 1)]
        }
        return ReadingPlan(writes: writes, after: after)
    }

    /// Readings held back by coalesce, as one write (empty when none are held).
    public mutating func flush() -> [WireWrite] {
        guard self.coalescedReadings > 0 else { return [] }
        defer {
            self.coalesced = []
            self.coalescedReadings = 0
        }
        return [WireWrite(self.coalesced, readings: self.coalescedReadings)]
    }

    /// A debug dump a sketch might print by mistake: printable, comma-free, far over the limit.
    static func longLine() -> [UInt8] {
        let prefix = Array("DEBUG heap=".utf8)
        let filler = Array("0123456789abcdef".utf8)
        var line = prefix
        while line.count < Self.longLineLength { line.append(filler[line.count % filler.count]) }
        return line + Array("\r\n".utf8)
    }
}
