import NIOConcurrencyHelpers

/// The `--log FILE` sink: appends every valid reading to a file, JSON lines or CSV (see
/// `ReadingLogFormat`), in batches written off the event loops. `finish()` (called by the server
/// on shutdown) returns once every reading it received is in the file.
///
/// A write that fails during the run is reported at once through `onWriteFailure` (the reason, and
/// how many readings were not written so far) and counted in `readingsNotWritten`.
public final class ReadingLogWriter: SensorEventSink {
    public let path: String
    public let format: ReadingLogFormat
    private let file: BatchFileWriter
    private let lost = NIOLockedValueBox(0)
    /// Failures already went to `onWriteFailure` and are counted: `finish()` need not throw them again.
    private let reportsFailures: Bool

    /// Readings that reached the writer and could not be written to the file.
    public var readingsNotWritten: Int { lost.withLockedValue { $0 } }

    /// Opens `path` for appending (created if missing); the format follows the file name unless
    /// given. Throws if the file cannot be opened or take the header.
    public init(path: String, format: ReadingLogFormat? = nil,
                onWriteFailure: (@Sendable (_ reason: String, _ readingsNotWritten: Int) -> Void)? = nil) throws {
        let format = format ?? ReadingLogFormat(path: path)
        self.path = path
        self.format = format
        let lost = self.lost
        self.reportsFailures = onWriteFailure != nil
        self.file = try BatchFileWriter(path: path, header: format.header) { error, lines in
            let total = lost.withLockedValue { value -> Int in
                value += lines
                return value
            }
            onWriteFailure?(error.description, total)
        }
    }

    public func receive(_ event: SensorEvent) {
        guard case .reading(let reading) = event else { return }
        // Built on the stack and copied into the batch: no allocation per reading.
        let capacity = ByteWriter.worstCaseLength(device: reading.device, peer: reading.peer)
        withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 1) { buffer in
            var writer = ByteWriter(buffer)
            self.format.write(reading, to: &writer)
            self.file.append(writer.written)
        }
    }

    public func finish() async throws {
        do {
            try await self.file.close()
        } catch where self.reportsFailures {}
    }
}
