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
        self.appendLines(of: CollectionOfOne(event))
    }

    public func receive(contentsOf events: [SensorEvent]) {
        self.appendLines(of: events)
    }

    /// The lines of all the readings among `events`, built in one buffer and handed to the file
    /// in one append: one lock per read of a connection, not per reading.
    private func appendLines(of events: some Collection<SensorEvent>) {
        var capacity = 0
        for case .reading(let reading) in events {
            capacity += ByteWriter.worstCaseLength(device: reading.device, peer: reading.peer)
        }
        guard capacity > 0 else { return }
        let write = { (buffer: UnsafeMutableRawBufferPointer) in
            var writer = ByteWriter(buffer)
            var repeated = ReadingLogFormat.RepeatedFields()
            for case .reading(let reading) in events { self.format.write(reading, to: &writer, repeating: &repeated) }
            self.file.append(writer.written)
        }
        // A few readings' lines fit on the stack; a flood's go to the heap, once per read.
        if capacity <= 4096 {
            withUnsafeTemporaryAllocation(byteCount: capacity, alignment: 1, write)
        } else {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 1)
            defer { buffer.deallocate() }
            write(buffer)
        }
    }

    public func finish() async throws {
        do {
            try await self.file.close()
        } catch where self.reportsFailures {}
    }
}
