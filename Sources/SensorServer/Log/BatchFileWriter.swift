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
/// Producers copy their lines into the current batch under a short lock. A full batch (or any
/// pending bytes every `flushInterval`) goes to the writer thread, which `write(2)`s it and hands
/// its buffer back for reuse (a fresh buffer per batch cost page faults on both threads). The
/// queue is bounded: when the disk cannot keep up, producers wait rather than drop readings.
/// `close()` writes out everything that was appended before it, then closes the file.
final class BatchFileWriter: @unchecked Sendable {  // state guarded by `condition`
    enum WriterError: Error, CustomStringConvertible, Sendable {
        case cannotOpen(path: String, reason: String)
        case writeFailed(path: String, reason: String)

        var description: String {
            switch self {
            case .cannotOpen(let path, let reason): return "cannot open \(path) for writing: \(reason)"
            case .writeFailed(let path, let reason): return "writing \(path) failed: \(reason)"
            }
        }
    }

    /// Called on the writer thread for every batch that could not be written: the error and the
    /// number of lines that batch held. The first call comes as soon as the write fails.
    typealias FailureHandler = @Sendable (WriterError, _ linesLost: Int) -> Void

    let path: String
    private let descriptor: Int32
    private let batchBytes: Int
    private let maxQueuedBytes: Int
    private let flushInterval: TimeInterval

    private let condition = NSCondition()
    private var pending: [UInt8] = []
    private var queue: [[UInt8]] = []
    /// Written batches, emptied, for `pending` to reuse (at most `maxSpare`, none grown oversized).
    private var spare: [[UInt8]] = []
    private static let maxSpare = 4
    private var queuedBytes = 0
    private var closing = false
    private var finished = false
    private var firstError: WriterError?
    private let onFailure: FailureHandler?
    private var whenFinished: [CheckedContinuation<Void, Never>] = []

    /// Opens (creating if needed) `path` for appending; `header` is written if the file is empty.
    ///
    /// Fails here, not at the first reading, when the file cannot be a log: a missing folder, a
    /// folder, no permission, a file of the kernel's /proc or /sys, or a header that cannot be written.
    init(
        path: String, header: String?, batchBytes: Int = 64 * 1024, maxQueuedBytes: Int = 16 * 1024 * 1024,
        flushInterval: TimeInterval = 0.05, onFailure: FailureHandler? = nil
    ) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let reason = errno == ENOENT
                ? "the folder \((path as NSString).deletingLastPathComponent) does not exist"
                : String(cString: strerror(errno))
            throw WriterError.cannotOpen(path: path, reason: reason)
        }
        if let problem = Self.notALogFile(descriptor, path: path) {
            closeDescriptor(descriptor)
            throw WriterError.cannotOpen(path: path, reason: problem)
        }
        if let header, lseek(descriptor, 0, SEEK_END) == 0 {
            // Written now, so a file that takes no bytes says so before the server starts.
            let written = header.utf8CString.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count - 1) }
            if written != header.utf8.count {
                let reason = written < 0 ? String(cString: strerror(errno)) : "only \(written) of \(header.utf8.count) bytes written"
                closeDescriptor(descriptor)
                throw WriterError.cannotOpen(path: path, reason: reason)
            }
        }
        self.onFailure = onFailure
        self.path = path
        self.descriptor = descriptor
        self.batchBytes = batchBytes
        self.maxQueuedBytes = maxQueuedBytes
        self.flushInterval = flushInterval
        self.pending = Self.emptyBatch(batchBytes)
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
        self.queuedBytes += self.pending.count
        self.queue.append(self.pending)
        self.pending = self.spare.popLast() ?? Self.emptyBatch(self.batchBytes)
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
                self.pending = self.spare.popLast() ?? Self.emptyBatch(self.batchBytes)
            }
            var batches = self.queue
            self.queue = []
            self.queuedBytes = 0
            let done = self.closing
            self.condition.broadcast()  // wake producers waiting for room
            self.condition.unlock()

            for index in batches.indices {
                self.writeAll(batches[index])
                batches[index].removeAll(keepingCapacity: true)
            }

            self.condition.lock()
            for batch in batches where self.spare.count < Self.maxSpare && batch.capacity <= 4 * self.batchBytes {
                self.spare.append(batch)
            }
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
                    let lost = bytes[offset...].reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
                    self.recordError(String(cString: strerror(errno)), linesLost: lost)
                    return
                }
                offset += written
            }
        }
    }

    private static func emptyBatch(_ capacity: Int) -> [UInt8] {
        var batch: [UInt8] = []
        batch.reserveCapacity(capacity + 1024)
        return batch
    }

    private func recordError(_ reason: String, linesLost: Int) {
        let error = WriterError.writeFailed(path: self.path, reason: reason)
        self.condition.withLock {
            if self.firstError == nil { self.firstError = error }
        }
        self.onFailure?(error, linesLost)
    }

    /// Why an open descriptor cannot hold a log, or nil: only regular files, pipes and character
    /// devices (/dev/null) take lines; /proc and /sys files take them and refuse the write.
    private static func notALogFile(_ descriptor: Int32, path: String) -> String? {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return String(cString: strerror(errno)) }
        let type = info.st_mode & S_IFMT
        guard type == S_IFREG || type == S_IFIFO || type == S_IFCHR else { return "not a regular file" }
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        if real.hasPrefix("/proc/") || real.hasPrefix("/sys/") {
            return "a file of the kernel's /proc or /sys, not a place for a log"
        }
        return nil
    }
}
