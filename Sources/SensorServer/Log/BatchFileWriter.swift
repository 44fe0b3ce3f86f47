import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `close(2)`, under a name that does not clash with `BatchFileWriter.close()`.
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}

/// Appends bytes to a file from a dedicated thread, so event loops never wait for the disk.
///
/// Producers copy their line into the current batch under a short lock. A full batch (or any
/// pending bytes every `flushInterval`) goes to the writer thread, which `write(2)`s it. The
/// queue is bounded: when the disk cannot keep up, producers wait rather than drop readings.
/// `close()` writes out everything that was appended before it, then closes the file.
final class BatchFileWriter: @unchecked Sendable {  // state guarded by `condition`
    enum WriterError: Error, CustomStringConvertible {
        case cannotOpen(path: String, reason: String)
        case writeFailed(path: String, reason: String)

        var description: String {
            switch self {
            case .cannotOpen(let path, let reason): return "cannot open \(path): \(reason)"
            case .writeFailed(let path, let reason): return "writing \(path) failed: \(reason)"
            }
        }
    }

    let path: String
    private let descriptor: Int32
    private let batchBytes: Int
    private let maxQueuedBytes: Int
    private let flushInterval: TimeInterval

    private let condition = NSCondition()
    private var pending: [UInt8] = []
    private var queue: [[UInt8]] = []
    private var queuedBytes = 0
    private var closing = false
    private var finished = false
    private var firstError: WriterError?
    private var whenFinished: [CheckedContinuation<Void, Never>] = []

    /// Opens (creating if needed) `path` for appending; `header` is written if the file is empty.
    init(
        path: String, header: String?, batchBytes: Int = 64 * 1024, maxQueuedBytes: Int = 16 * 1024 * 1024,
        flushInterval: TimeInterval = 0.05
    ) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw WriterError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.descriptor = descriptor
        self.batchBytes = batchBytes
        self.maxQueuedBytes = maxQueuedBytes
        self.flushInterval = flushInterval
        self.pending.reserveCapacity(batchBytes + 1024)
        if let header, lseek(descriptor, 0, SEEK_END) == 0 {
            self.pending.append(contentsOf: header.utf8)
        }
        let thread = Thread { [self] in self.run() }
        thread.name = "tcplab-log-writer"
        thread.start()
    }

    /// Adds bytes to the current batch. Blocks only while the queue is full.
    func append(_ bytes: UnsafeRawBufferPointer) {
        self.condition.lock()
        defer { self.condition.unlock() }
        guard !self.finished else {
            assertionFailure("BatchFileWriter.append after close")  // the server finishes sinks last
            return
        }
        self.pending.append(contentsOf: bytes)
        guard self.pending.count >= self.batchBytes else { return }
        self.queue.append(self.pending)
        self.queuedBytes += self.pending.count
        self.pending = []
        self.pending.reserveCapacity(self.batchBytes + 1024)
        self.condition.broadcast()
        while self.queuedBytes > self.maxQueuedBytes && !self.finished {
            self.condition.wait()
        }
    }

    /// Writes out everything appended so far, closes the file, and reports the first write error.
    func close() async throws {
        await withCheckedContinuation { continuation in
            self.condition.lock()
            if self.finished {
                continuation.resume()
            } else {
                self.whenFinished.append(continuation)
                self.closing = true
                self.condition.broadcast()
            }
            self.condition.unlock()
        }
        if let error = self.condition.withLock({ self.firstError }) { throw error }
    }

    // MARK: - Writer thread

    private func run() {
        self.condition.lock()
        while true {
            if self.queue.isEmpty && !self.closing {
                _ = self.condition.wait(until: Date(timeIntervalSinceNow: self.flushInterval))
            }
            // A quiet period or closing: the partial batch goes too, so `tail -f` sees readings soon.
            if self.queue.isEmpty && !self.pending.isEmpty {
                self.queue.append(self.pending)
                self.pending = []
            }
            let batches = self.queue
            self.queue = []
            self.queuedBytes = 0
            let done = self.closing
            self.condition.broadcast()  // wake producers waiting for room
            self.condition.unlock()

            for batch in batches { self.writeAll(batch) }

            self.condition.lock()
            if done && self.queue.isEmpty && self.pending.isEmpty { break }
        }
        fsync(self.descriptor)
        closeDescriptor(self.descriptor)
        self.finished = true
        let waiting = self.whenFinished
        self.whenFinished = []
        self.condition.broadcast()
        self.condition.unlock()
        for continuation in waiting { continuation.resume() }
    }

    private func writeAll(_ batch: [UInt8]) {
        batch.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(self.descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    self.recordError(String(cString: strerror(errno)))
                    return
                }
                offset += written
            }
        }
    }

    private func recordError(_ reason: String) {
        self.condition.withLock {
            if self.firstError == nil { self.firstError = .writeFailed(path: self.path, reason: reason) }
        }
    }
}
