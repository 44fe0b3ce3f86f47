/// What the link between the board's and the server's namespaces does to each packet, in the
/// units `tc` uses, so the numbers a student types are the ones `tc qdisc show` prints back.
public struct LinkSettings: Sendable, Equatable, Codable {
    /// One-way delay, each direction: the round trip is twice this.
    public var delayMicroseconds: Int = 0
    /// Chance that a packet is dropped, each direction, 0...1.
    public var loss: Double = 0
    /// The link from the board carries at most this many bits a second (the forwarder's bottleneck); nil: no limit.
    public var rateBitsPerSecond: Int?
    /// The bottleneck's bucket: bytes that may leave at once after a quiet spell.
    public var burstBytes = 8 * 1024
    /// The bottleneck's queue: bytes waiting to be sent beyond the bucket; more are dropped (tail drop).
    public var queueBytes = 12 * 1024
    /// Seeds the forwarder's losses, so a run can be repeated.
    public var seed: UInt32 = 1

    public init() {}

    public var roundTripMicroseconds: Int { 2 * delayMicroseconds }

    /// "20ms", "1.5s", "250us" → microseconds.
    public static func parseDuration(_ text: String) -> Int? {
        let units: [(String, Double)] = [("us", 1), ("usec", 1), ("ms", 1_000), ("msec", 1_000), ("s", 1_000_000), ("sec", 1_000_000)]
        guard let (number, unit) = split(text), let value = Double(number), value >= 0, value.isFinite else { return nil }
        guard let scale = units.first(where: { $0.0 == unit })?.1 else { return nil }
        let micro = value * scale
        return micro <= 60_000_000 ? Int(micro.rounded()) : nil
    }

    /// "1%", "0.5%" (percent; a bare number is taken as percent too, as netem does) → 0...1.
    public static func parseLoss(_ text: String) -> Double? {
        var number = Substring(text)
        if number.hasSuffix("%") { number = number.dropLast() }
        guard let percent = Double(number), percent >= 0, percent <= 100 else { return nil }
        return percent / 100
    }

    /// "4mbit", "500kbit", "1gbit", "64000bit" (decimal, as tc) → bits per second.
    public static func parseRate(_ text: String) -> Int? {
        let units: [(String, Double)] = [("bit", 1), ("kbit", 1e3), ("mbit", 1e6), ("gbit", 1e9)]
        guard let (number, unit) = split(text), let value = Double(number), value > 0,
              let scale = units.first(where: { $0.0 == unit })?.1 else { return nil }
        let bits = value * scale
        return bits >= 8_000 && bits <= 100e9 ? Int(bits.rounded()) : nil
    }

    /// "12kb", "1500b", "1mb", "2000" (bytes; k and m are 1024, as tc) → bytes.
    public static func parseSize(_ text: String) -> Int? {
        let units: [(String, Double)] = [("", 1), ("b", 1), ("k", 1024), ("kb", 1024), ("m", 1_048_576), ("mb", 1_048_576)]
        guard let (number, unit) = split(text), let value = Double(number), value >= 1,
              let scale = units.first(where: { $0.0 == unit })?.1 else { return nil }
        let bytes = value * scale
        return bytes <= 1_073_741_824 ? Int(bytes.rounded()) : nil
    }

    /// The number and the unit after it, lower-cased.
    private static func split(_ text: String) -> (String, String)? {
        let lower = text.lowercased().trimmingCharacters(in: " ")
        guard let first = lower.firstIndex(where: { !($0.isNumber || $0 == ".") }) else { return (lower, "") }
        let number = String(lower[..<first])
        return number.isEmpty ? nil : (number, String(lower[first...]))
    }

    public static func durationText(microseconds: Int) -> String {
        if microseconds % 1000 == 0 { return "\(microseconds / 1000)ms" }
        return microseconds >= 1000 ? "\(Double(microseconds) / 1000)ms" : "\(microseconds)us"
    }

    public static func rateText(bitsPerSecond: Int) -> String {
        for (unit, scale) in [("gbit", 1_000_000_000), ("mbit", 1_000_000), ("kbit", 1000)] where bitsPerSecond % scale == 0 {
            return "\(bitsPerSecond / scale)\(unit)"
        }
        return "\(bitsPerSecond)bit"
    }

    public static func sizeText(bytes: Int) -> String {
        bytes % 1024 == 0 ? "\(bytes / 1024)kb" : "\(bytes)b"
    }

    public static func lossText(_ loss: Double) -> String {
        let percent = loss * 100
        return percent == percent.rounded() ? "\(Int(percent))%" : "\(percent)%"
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var text = Substring(self)
        while text.first == set { text.removeFirst() }
        while text.last == set { text.removeLast() }
        return String(text)
    }
}
