/// Receives the server's events: the console printer, the reading log, a test's recorder.
///
/// `receive` is called on the event loop of the connection concerned, from several threads at
/// once: it must be thread-safe and quick (no blocking I/O; hand heavy work to another thread).
/// After the last event the server calls `finish` once, so a sink can write out what it buffered.
public protocol SensorEventSink: AnyObject, Sendable {
    func receive(_ event: SensorEvent)
    func finish() async throws
}

extension SensorEventSink {
    public func finish() async throws {}
}
