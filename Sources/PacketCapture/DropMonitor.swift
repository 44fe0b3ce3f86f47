#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Watches a live capture's kernel counters so a loss is reported while it happens, not only at
/// the end: a capture with drops is incomplete, and answers taken from it may be wrong.
///
/// Asks the kernel at most every `interval` seconds (one getsockopt), so it can be called for
/// every packet.
public struct DropMonitor {
    public let interval: Double
    private var nextCheck = 0.0
    private var reported: UInt32 = 0

    public init(interval: Double = 0.25) { self.interval = interval }

    /// The packets dropped since the last report, and in all, when the kernel has dropped more
    /// since then; nil otherwise (or when it is not yet time to ask).
    public mutating func check(_ source: PacketSource, now: Double = MonotonicClock.seconds)
        -> (new: UInt32, total: UInt32)? {
        guard source.isLive, now >= nextCheck else { return nil }
        nextCheck = now + interval
        guard let stats = source.statistics() else { return nil }
        let dropped = stats.droppedByKernel
        guard dropped > reported else { return nil }
        defer { reported = dropped }
        return (dropped - reported, dropped)
    }
}

/// Seconds on a clock that never jumps (CLOCK_MONOTONIC; a vDSO call, no system call).
public enum MonotonicClock {
    public static var seconds: Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
