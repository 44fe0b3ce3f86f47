import Foundation
import PacketCapture

/// Keeps a live capture's kernel ring empty while the rest of tcplab is slow: a thread does
/// nothing but take records off the ring (a copy each) and queue them here, while the reader's
/// thread decodes and prints. A terminal that scrolls slowly, or a pager left open, then holds up
/// only this queue, not the ring. The queue is bounded (`maxBytes`): when it is full the drain
/// thread waits, the ring fills, and the kernel drops and counts — the one loss that is reported.
///
/// Only the drain thread touches the libpcap handle while it runs (a `pcap_t` is not
/// thread-safe): it also reads the kernel's counters, every `statisticsInterval` seconds, for
/// the reader to show.
final class LiveRecordQueue: @unchecked Sendable {  // every var guarded by `condition`
    struct Record {
        var number: Int
        var seconds: Int
        var nanoseconds: Int
        var originalLength: Int
        var linkType: Int32
        var bytes: [UInt8]
    }

    private let condition = NSCondition()
    private var records: [Record] = []
    private var head = 0
    private var queuedBytes = 0
    private let maxBytes: Int
    /// The drain thread has left libpcap for good.
    private var finished = false
    /// Set by `stop`: a drain thread waiting for room gives up waiting.
    private var stopping = false
    private var failure: (any Error)?
    private let source: PacketSource
    private var latestStatistics: CaptureStatistics?
    private static let statisticsInterval = 0.25

    init(source: PacketSource, maxBytes: Int) {
        self.source = source
        self.maxBytes = maxBytes
        let thread = Thread { [self] in drain() }
        thread.name = "tcplab.capture-ring"
        thread.start()
    }

    /// A record; `.quiet` when none came within the timeout; `.end` when the capture is over.
    enum Next { case record(Record), quiet, end }

    /// The kernel's counters as the drain thread last read them.
    var statistics: CaptureStatistics? { condition.withLock { latestStatistics } }

    /// The next record, waiting at most `timeout` seconds; throws what reading the ring threw,
    /// once the records before it are taken.

    func next(timeout: Double) throws -> Next {
        condition.lock()
        defer { condition.unlock() }
        if head == records.count && !finished {
            _ = condition.wait(until: Date(timeIntervalSinceNow: timeout))
        }
        if head < records.count {
            let record = records[head]
            head += 1
            queuedBytes -= record.bytes.count
            if head >= 4096 && head * 2 >= records.count {  // drop taken records now and then
                records.removeFirst(head)
                head = 0
            }
            condition.broadcast()
            return .record(record)
        }
        if finished {
            if let failure { self.failure = nil; throw failure }
            return .end
        }
        // Ctrl-C was pressed and the drain thread is still in libpcap: ask again (a wake-up of
        // its poll can be missed), every quiet tick, until it has stopped.
        if PacketSource.stopRequested { source.breakLoop() }
        return .quiet
    }

    /// Stops the drain thread (it is in libpcap: breakloop wakes it) and waits for it.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
        source.breakLoop()
        condition.lock()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func drain() {
        var nextSample = 0.0
        func sampleStatistics(force: Bool = false) {
            let now = MonotonicClock.seconds
            guard force || now >= nextSample else { return }
            nextSample = now + Self.statisticsInterval
            let stats = source.statistics()
            condition.withLock { latestStatistics = stats }
        }
        do {
            while true {
                let step = try source.next { record in
                    let copy = Record(number: record.number, seconds: record.seconds, nanoseconds: record.nanoseconds,
                                      originalLength: record.originalLength, linkType: record.linkType,
                                      bytes: Array(record.bytes))
                    condition.lock()
                    // Full: wait for the reader (the ring fills meanwhile), unless it stopped reading.
                    while queuedBytes > 0 && queuedBytes + copy.bytes.count > maxBytes && !stopping {
                        condition.wait()
                    }
                    records.append(copy)
                    queuedBytes += copy.bytes.count
                    condition.broadcast()
                    condition.unlock()
                }
                if step == .end { break }
                sampleStatistics()
            }
        } catch {
            condition.lock()
            failure = error
            condition.unlock()
        }
        sampleStatistics(force: true)
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }
}
