import Foundation
import SensorProtocol
import SensorServer

/// Reads the log `tcplab serve --log` writes, in either format (`ReadingLogFormat`): JSON lines,
/// or CSV with its header. Each line becomes the `ReceivedReading` it was written from.
public enum ReadingLogReader {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(self.line): \(self.reason)" }
    }

    /// Every reading of `text`, in order. Blank lines are skipped; any other line that is not a
    /// reading stops with the line number and what was wrong.
    public static func readings(from text: String) throws -> [ReceivedReading] {
        var readings: [ReceivedReading] = []
        var csvColumns: [String: Int]?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let number = index + 1
            if line.first == "{" {
                readings.append(try self.jsonReading(line, line: number))
            } else if csvColumns == nil {
                let names = self.csvFields(line)
                let columns = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
                let required = ["received", "peer", "device", "seq", "millis", "temperature", "humidity"]
                guard required.allSatisfy({ columns[$0] != nil }) else {
                    throw Failure(line: number, reason: "expected a JSON object or the CSV header "
                                  + "\"\(required.joined(separator: ","))\", found \(String(line.prefix(80)).debugDescription)")
                }
                csvColumns = columns
            } else if let columns = csvColumns {
                let fields = self.csvFields(line)
                func field(_ name: String) -> String { columns[name].flatMap { $0 < fields.count ? fields[$0] : nil } ?? "" }
                readings.append(try self.reading(
                    received: field("received"), peer: field("peer"), device: field("device"), seq: field("seq"),
                    millis: field("millis"), temperature: field("temperature"), humidity: field("humidity"), line: number))
            }
        }
        return readings
    }

    private static func jsonReading(_ line: Substring, line number: Int) throws -> ReceivedReading {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw Failure(line: number, reason: "not a JSON object")
        }
        func text(_ key: String) -> String {
            switch object[key] {
            case let value as String: return value
            case let value as NSNumber: return value.stringValue
            default: return ""
            }
        }
        return try self.reading(
            received: text("received"), peer: text("peer"), device: text("device"), seq: text("seq"),
            millis: text("millis"), temperature: text("temperature"), humidity: text("humidity"), line: number)
    }

    private static func reading(
        received: String, peer: String, device: String, seq: String, millis: String, temperature: String,
        humidity: String, line: Int
    ) throws -> ReceivedReading {
        guard let time = self.timestamp(received) else {
            throw Failure(line: line, reason: "received: expected a time like 2026-11-24T19:48:47.123Z, found \(received.debugDescription)")
        }
        guard let seqValue = UInt32(seq), let millisValue = UInt32(millis) else {
            throw Failure(line: line, reason: "seq and millis: expected whole numbers, found \(seq.debugDescription) and \(millis.debugDescription)")
        }
        guard let temperatureValue = Double(temperature), let humidityValue = Double(humidity) else {
            throw Failure(line: line, reason: "temperature and humidity: expected numbers, found \(temperature.debugDescription) and \(humidity.debugDescription)")
        }
        return ReceivedReading(
            received: time, peer: peer, device: device.isEmpty ? peer : device, line: line,
            reading: SensorReading(seq: seqValue, millis: millisValue, temperature: temperatureValue, humidity: humidityValue))
    }

    /// `2026-11-24T19:48:47.123Z` (UTC, as the log writes it; fewer or no fraction digits too).
    static func timestamp(_ text: String) -> Timestamp? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z"), bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54,
              bytes[13] == 0x3A, bytes[16] == 0x3A else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
              let minute = number(14..<16), let second = number(17..<19), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var nanoseconds: Int64 = 0
        if bytes.count > 20 {
            guard bytes[19] == 0x2E, bytes.count > 21, let fraction = number(20..<(bytes.count - 1)) else { return nil }
            let digits = bytes.count - 21
            guard digits <= 9 else { return nil }
            var scale: Int64 = 1
            for _ in 0..<(9 - digits) { scale *= 10 }
            nanoseconds = Int64(fraction) * scale
        } else if bytes.count != 20 {
            return nil
        }
        // Days since 1970 of the civil date (Howard Hinnant's algorithm, the inverse of Timestamp's).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = Int64(era * 146_097 + dayOfEra - 719_468)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return Timestamp(nanosecondsSince1970: seconds * 1_000_000_000 + nanoseconds)
    }

    /// One CSV line's fields: commas separate, double quotes enclose, `""` is a quote.
    static func csvFields(_ line: Substring) -> [String] {
        var fields: [String] = []
        var field = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" {
                    // A doubled quote is a quote; a single one ends the quoted part.
                    var lookahead = iterator
                    if lookahead.next() == "\"" { field.append("\""); iterator = lookahead } else { quoted = false }
                } else {
                    field.append(character)
                }
            } else if character == "," {
                fields.append(field)
                field = ""
            } else if character == "\"" && field.isEmpty {
                quoted = true
            } else {
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }
}

extension Classroom {
    /// The room as a log saw it: every reading, the gaps and restarts between a board's readings
    /// found as the server finds them (`DeviceContinuity`, per board name), the whole log kept.
    public static func fromLog(_ readings: [ReceivedReading]) -> Classroom {
        var limits = Limits()
        let first = readings.map(\.received).min() ?? .now()
        let last = readings.map(\.received).max() ?? first
        limits.historySeconds = max(60, (last.nanosecondsSince1970 - first.nanosecondsSince1970) / 1_000_000_000 + 1)
        limits.pointsPerBoard = max(1, readings.count)
        limits.markersPerBoard = max(1, readings.count)
        limits.boards = Int.max
        var classroom = Classroom(limits: limits)
        var continuity: [String: DeviceContinuity] = [:]
        var events: [SensorEvent] = []
        for reading in readings {
            if let finding = continuity[reading.device, default: DeviceContinuity()].observe(reading.reading) {
                events.append(.continuity(ContinuityEvent(
                    received: reading.received, peer: reading.peer, device: reading.device, line: reading.line, finding: finding)))
            }
            events.append(.reading(reading))
        }
        classroom.apply(events.map { WebFeed.Item.event($0) })
        classroom.endOfLog()
        return classroom
    }
}
