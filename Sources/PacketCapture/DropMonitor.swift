#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tells, from a live capture's kernel counters, when packets were lost since the last time it
/// said so: a capture with drops is incomplete, and answers taken from it may be wrong.
public struct DropMonitor {
    private var reported: UInt32 = 0

    public init() {}

    /// The packets dropped since the last report, and in all; nil when there are no new ones.
    public mutating func newDrops(in stats: CaptureStatistics) -> (new: UInt32, total: UInt32)? {
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
