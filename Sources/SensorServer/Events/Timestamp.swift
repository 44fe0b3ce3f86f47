#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock time of an event (UTC, nanoseconds since 1970); cheap to take on the hot path.
public struct Timestamp: Sendable, Hashable, Comparable {
    public var nanosecondsSince1970: Int64

    public init(nanosecondsSince1970: Int64) {
        self.nanosecondsSince1970 = nanosecondsSince1970
    }

    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(nanosecondsSince1970: Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.nanosecondsSince1970 < rhs.nanosecondsSince1970
    }

    public var secondsSince1970: Double { Double(self.nanosecondsSince1970) / 1e9 }

    /// Whole milliseconds since 1970 (rounded down), the precision of `iso8601`.
    public var millisecondsSince1970: Int64 { self.nanosecondsSince1970.dividedFloor(by: 1_000_000) }

    /// `2026-11-24T19:48:47.123Z`
    public var iso8601: String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            let count = self.writeISO8601(to: UnsafeMutableRawPointer(buffer.baseAddress!))
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: count), as: UTF8.self)
        }
    }

    /// Writes `2026-11-24T19:48:47.123Z` (24 bytes) and returns 24. Pure arithmetic: no locale, no
    /// time-zone files, no allocation, so the log writer can stamp millions of lines.
    @discardableResult
    public func writeISO8601(to out: UnsafeMutableRawPointer) -> Int {
        let millisecondsTotal = self.millisecondsSince1970
        let seconds = millisecondsTotal.dividedFloor(by: 1000)
        let milliseconds = Int(millisecondsTotal - seconds * 1000)
        let days = seconds.dividedFloor(by: 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = Self.civilDate(daysSince1970: days)
        var cursor = out
        func digits(_ value: Int, _ width: Int) {
            var value = value
            for position in stride(from: width - 1, through: 0, by: -1) {
                cursor.storeBytes(of: UInt8(truncatingIfNeeded: 0x30 + value % 10), toByteOffset: position, as: UInt8.self)
                value /= 10
            }
            cursor += width
        }
        func byte(_ value: UInt8) {
            cursor.storeBytes(of: value, as: UInt8.self)
            cursor += 1
        }
        digits(year, 4); byte(0x2D); digits(month, 2); byte(0x2D); digits(day, 2); byte(0x54)
        digits(secondOfDay / 3600, 2); byte(0x3A); digits(secondOfDay / 60 % 60, 2); byte(0x3A)
        digits(secondOfDay % 60, 2); byte(0x2E); digits(milliseconds, 3); byte(0x5A)
        return 24
    }

    /// `23:12:06` in the machine's local time zone, for people watching a terminal.
    public var localTimeOfDay: String {
        var seconds = time_t(self.nanosecondsSince1970.dividedFloor(by: 1_000_000_000))
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }

    /// Howard Hinnant's days → (year, month, day) for the proleptic Gregorian calendar.
    static func civilDate(daysSince1970: Int64) -> (year: Int, month: Int, day: Int) {
        let z = daysSince1970 + 719_468
        let era = z.dividedFloor(by: 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}

extension Int64 {
    fileprivate func dividedFloor(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
