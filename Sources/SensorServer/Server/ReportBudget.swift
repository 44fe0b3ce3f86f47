import NIOCore

/// How many rejected lines of one connection are reported one by one: a token bucket. A board
/// with a loose wire yields a few bad lines a minute and every one is shown; a garbage flood
/// yields a million a minute, and reporting each would turn the server into a terminal printer
/// that keeps the good boards waiting. Every rejection is still counted, by reason.
struct ReportBudget {
    /// Reports allowed at once after a quiet spell.
    let burst: Int
    /// Reports allowed per second once the burst is spent.
    let perSecond: Int
    private var tokens: Int
    private var refilledAt: NIODeadline

    init(rate: ReportRate, now: NIODeadline = .now()) {
        self.init(burst: rate.burst, perSecond: rate.perSecond, now: now)
    }

    init(burst: Int, perSecond: Int, now: NIODeadline = .now()) {
        self.burst = burst
        self.perSecond = perSecond
        self.tokens = burst
        self.refilledAt = now
    }

    /// Whether one more report may go out at `now`; takes a token if so.
    mutating func take(now: NIODeadline) -> Bool {
        if self.tokens == 0 && self.perSecond > 0 {
            let interval = TimeAmount.nanoseconds(1_000_000_000 / Int64(self.perSecond))
            let earned = (now - self.refilledAt).nanoseconds / interval.nanoseconds
            if earned > 0 {
                self.tokens = Int(min(Int64(self.burst), earned))
                self.refilledAt = now
            }
        }
        guard self.tokens > 0 else { return false }
        self.tokens -= 1
        return true
    }
}
