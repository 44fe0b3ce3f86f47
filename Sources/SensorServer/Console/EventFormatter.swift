/// How `tcplab serve` shows its events: one formatter per output format (text, JSON). Adding a
/// format is a type that conforms, and a case of the command's `--format`.
public protocol EventFormatter: Sendable {
    /// The line for one event, or nil when the format leaves it out (readings with --quiet).
    func format(_ event: SensorEvent) -> ConsoleLine?
    func format(listeningOn address: String, at: Timestamp) -> ConsoleLine
    func format(_ statistics: ServerStatistics, at: Timestamp) -> ConsoleLine
    /// The lines that close a run.
    func summaryLines(_ summary: ServerSummary, at: Timestamp) -> [ConsoleLine]
}

extension EventTextFormatter: EventFormatter {
    public func summaryLines(_ summary: ServerSummary, at: Timestamp) -> [ConsoleLine] { format(summary) }
}

extension EventJSONFormatter: EventFormatter {
    public func summaryLines(_ summary: ServerSummary, at: Timestamp) -> [ConsoleLine] { [format(summary, at: at)] }
}
