/// When the next reading is due: fixed rate like the firmware's scheduler, each step moved by up
/// to `jitter` either way; a board that fell behind (a slow write, a reconnect) starts afresh
/// from now instead of firing a burst to catch up.
public struct ReadingSchedule: Sendable {
    public var interval: Duration
    public var jitter: Duration

    public init(interval: Duration, jitter: Duration = .zero) {
        self.interval = interval
        self.jitter = jitter
    }

    /// The due time after `due`, given the time `now`.
    public func next<Instant: InstantProtocol>(after due: Instant, now: Instant, using random: inout XorShift32)
        -> Instant where Instant.Duration == Duration
    {
        guard self.interval > .zero else { return now }
        var next = due.advanced(by: self.interval)
        if self.jitter > .zero { next = next.advanced(by: self.jitter * (2 * random.uniform(0..<1) - 1)) }
        return next < now ? now : next
    }

    /// The first reading waits up to `jitter`, so boards started together do not send together.
    public func firstDelay(using random: inout XorShift32) -> Duration {
        self.jitter > .zero ? self.jitter * random.uniform(0..<1) : .zero
    }
}
