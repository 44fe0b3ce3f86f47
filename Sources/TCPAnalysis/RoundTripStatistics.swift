/// Minimum, mean and maximum of the ACK round-trip times of one direction.
public struct RoundTripStatistics: Sendable {
    public private(set) var count = 0
    public private(set) var minimum = Double.infinity
    public private(set) var maximum = 0.0
    private var total = 0.0

    public var mean: Double? { count == 0 ? nil : total / Double(count) }

    mutating func add(_ seconds: Double) {
        count += 1
        total += seconds
        minimum = min(minimum, seconds)
        maximum = max(maximum, seconds)
    }
}
