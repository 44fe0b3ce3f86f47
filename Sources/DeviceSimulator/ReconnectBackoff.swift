/// When to try again after a failed connect, as the firmware does (`firmware/src/backoff.h`):
/// exponential, capped, with "equal jitter". After the n-th failure in a row the delay is uniform
/// in [ceiling/2, ceiling], ceiling = min(maximum, initial · 2^(n−1)): half of it random so a
/// classroom of boards does not reconnect in lockstep when the server restarts, half fixed so a
/// failing server is never hammered.
public struct ReconnectBackoff: Sendable {
    public var initial: Duration
    public var maximum: Duration
    /// Connection attempts that may fail in a row before the device gives up; `nil` = never.
    public var maxAttempts: Int?

    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(10), maxAttempts: Int? = 6) {
        self.initial = initial
        self.maximum = max(maximum, initial)
        self.maxAttempts = maxAttempts
    }

    /// The ceiling after `failures` (≥ 1) failures in a row.
    public func ceiling(afterFailures failures: Int) -> Duration {
        var ceiling = self.initial
        var step = 1
        while step < failures && ceiling < self.maximum {
            ceiling = ceiling > self.maximum / 2 ? self.maximum : ceiling * 2
            step += 1
        }
        return min(ceiling, self.maximum)
    }

    /// The delay before the next attempt after `failures` failures in a row.
    public func delay(afterFailures failures: Int, using random: inout XorShift32) -> Duration {
        let ceiling = self.ceiling(afterFailures: failures)
        let half = ceiling / 2
        return half + (ceiling - half) * random.uniform(0..<1)
    }

    /// Whether another attempt is allowed after `failures` failures in a row.
    public func allowsAttempt(afterFailures failures: Int) -> Bool {
        guard let limit = self.maxAttempts else { return true }
        return failures < limit
    }
}
