import Foundation
import PacketCapture

/// Keeps a live capture's kernel ring empty while the rest of tcplab is slow: a thread does
/// nothing but take records off the ring (a copy each) and queue them here, while the reader's
/// thread decodes and prints. A terminal that scrolls slowly, or a pager left open, then holds up
/// only this queue, not the ring. The queue is bounded (`maxBytes`): when it is full the drain
/// thread waits, the ring fills, and the kernel drops and counts — the one loss that is reported.
final class LiveRecordQueue: @unchecked Sendable {  // every field guarded by `condition`
    struct Record {
        var number: Int
        var seconds: Int
        var nanoseconds: Int
        var originalLength: Int
        var bytes: [UInt8]
    }

    private let condition = NSCondition()
    private var records: [Record] = []
    private var head = 0
    private var queuedBytes = 0
    private let maxBytes: Int
    private var finished = false
    private var failure: (any Error)?
    private let source: PacketSource

    init(source: PacketSource, maxBytes: Int) {
        self.source = source
        self.maxBytes = maxBytes
        let thread = Thread { [self] in drain() }
        thread.name = "tcplab.capture-ring"
        thread.start()
    }

    /// The next record, or nil after `timeout` seconds with none; throws what reading the ring
    /// threw, once the records before it are taken. `.end` when the capture is over.
    enum Next { case record(Record), quiet, end }

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
        while !drained { condition.wait() }
        condition.unlock()
    }

    private var drained = false

    private func drain() {
        do {
            while true {
                let step = try source.next { record in
                    let copy = Record(number: record.number, seconds: record.seconds, nanoseconds: record.nanoseconds,
                                      originalLength: record.originalLength, bytes: Array(record.bytes))
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
            }
        } catch {
            condition.lock()
            failure = error
            condition.unlock()
        }
        condition.lock()
        finished = true
        drained = true
        condition.broadcast()
        condition.unlock()
    }

    /// Set by `stop`: a drain thread waiting for room gives up waiting.
    private var stopping = false
}
