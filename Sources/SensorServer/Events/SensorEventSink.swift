/// Receives the server's events: the console printer, the reading log, a test's recorder.
///
/// `receive` is called on the event loop of the connection concerned, from several threads at
/// once: it must be thread-safe and quick (no blocking I/O; hand heavy work to another thread).
/// What one read of a connection produced (up to hundreds of readings) comes in one call to
/// `receive(contentsOf:)`, in order, so a sink can take its lock or build its output once per
/// read rather than once per reading; by default it hands the events to `receive(_:)` one by one.
/// After the last event the server calls `finish` once, so a sink can write out what it buffered.
public protocol SensorEventSink: AnyObject, Sendable {
    func receive(_ event: SensorEvent)
    func receive(contentsOf events: [SensorEvent])
    func finish() async throws
}

extension SensorEventSink {
    public func receive(contentsOf events: [SensorEvent]) {
        for event in events { self.receive(event) }
    }

    public func finish() async throws {}
}
