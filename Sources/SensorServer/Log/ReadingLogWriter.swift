/// The `--log FILE` sink: appends every valid reading to a file, JSON lines or CSV (see
/// `ReadingLogFormat`), in batches written off the event loops. `finish()` (called by the server
/// on shutdown) returns once every reading it received is in the file.
public final class ReadingLogWriter: SensorEventSink {
    public let path: String
    public let format: ReadingLogFormat
    private let file: BatchFileWriter

    /// Opens `path` for appending (created if missing); the format follows the file name unless given.
    public init(path: String, format: ReadingLogFormat? = nil) throws {
        let format = format ?? ReadingLogFormat(path: path)
        self.path = path
        self.format = format
        self.file = try BatchFileWriter(path: path, header: format.header)
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
        try await self.file.close()
    }
}
