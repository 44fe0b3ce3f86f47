import SensorProtocol

/// `--format json`: one JSON object per event per line, all on standard output, so one stream
/// carries the whole story. Each object starts with `"event"`.
public struct EventJSONFormatter: Sendable {
    /// `--quiet`: readings are left out (events, stats and the summary stay).
    public var includeReadings: Bool

    public init(includeReadings: Bool = true) {
        self.includeReadings = includeReadings
    }

    public func format(_ event: SensorEvent) -> ConsoleLine? {
        var json = JSONLine()
        switch event {
        case .connected(let peer, let at, let open):
            json.add("event", "connected")
            json.add("at", at.iso8601)
            json.add("peer", peer)
            json.add("open", open)
        case .refused(let peer, let at, let reason, let unreported):
            json.add("event", "refused")
            json.add("at", at.iso8601)
            json.add("peer", peer)
            json.add("reason", reason.code)
            switch reason {
            case .serverFull(let limit), .addressFull(let limit): json.add("limit", limit)
            case .notAllowed: break
            }
            if unreported > 0 { json.add("unreported_before", unreported) }
        case .named(let peer, let device, let line, let at):
            json.add("event", "named")
            json.add("at", at.iso8601)
            json.add("peer", peer)
            json.add("device", device)
            json.add("line", line)
        case .reading(let received):
            guard self.includeReadings else { return nil }
            json.add("event", "reading")
            json.add("received", received.received.iso8601)
            json.add("peer", received.peer)
            json.add("device", received.device)
            json.add("line", received.line)
            json.add("seq", received.reading.seq)
            json.add("millis", received.reading.millis)
            json.add("temperature", received.reading.temperature)
            json.add("humidity", received.reading.humidity)
        case .rejected(let rejected):
            json.add("event", "rejected")
            json.add("received", rejected.received.iso8601)
            json.add("peer", rejected.peer)
            json.add("device", rejected.device)
            json.add("line", rejected.line)
            json.add("reason", rejected.reason.code)
            json.add("message", rejected.message)
            if rejected.unreportedBefore > 0 { json.add("unreported_before", rejected.unreportedBefore) }
        case .continuity(let continuity):
            self.add(continuity, to: &json)
        case .disconnected(let end):
            json.add("event", "disconnected")
            json.add("at", end.at.iso8601)
            json.add("peer", end.peer)
            json.add("device", end.device)
            json.add("duration", end.duration.seconds)
            json.add("readings", end.readings)
            json.add("rejected", end.rejected)
            if end.unreported > 0 { json.add("rejected_unreported", end.unreported) }
            json.add("reason", end.reason.code)
            if case .error(let text) = end.reason { json.add("error", text) }
        }
        return ConsoleLine(json.finished)
    }

    public func format(listeningOn address: String, at: Timestamp) -> ConsoleLine {
        var json = JSONLine()
        json.add("event", "listening")
        json.add("at", at.iso8601)
        json.add("address", address)
        return ConsoleLine(json.finished)
    }

    public func format(_ statistics: ServerStatistics, at: Timestamp) -> ConsoleLine {
        var json = JSONLine()
        json.add("event", "stats")
        json.add("at", at.iso8601)
        Self.add(statistics, to: &json)
        return ConsoleLine(json.finished)
    }

    public func format(_ summary: ServerSummary, at: Timestamp) -> ConsoleLine {
        var json = JSONLine()
        json.add("event", "summary")
        json.add("at", at.iso8601)
        json.add("uptime", summary.uptime.seconds)
        json.add("devices", summary.devices)
        Self.add(summary.statistics, to: &json)
        return ConsoleLine(json.finished)
    }

    private func add(_ continuity: ContinuityEvent, to json: inout JSONLine) {
        switch continuity.finding {
        case .gap: json.add("event", "gap")
        case .repeated: json.add("event", "repeat")
        case .restart: json.add("event", "restart")
        }
        json.add("received", continuity.received.iso8601)
        json.add("peer", continuity.peer)
        json.add("device", continuity.device)
        json.add("line", continuity.line)
        switch continuity.finding {
        case .gap(let expected, let received):
            json.add("expected_seq", expected)
            json.add("seq", received)
            json.add("missing", continuity.finding.missingReadings)
        case .repeated(let seq):
            json.add("seq", seq)
        case .restart(let previousSeq, let previousMillis, let seq, let millis):
            json.add("previous_seq", previousSeq)
            json.add("previous_millis", previousMillis)
            json.add("seq", seq)
            json.add("millis", millis)
        }
    }

    private static func add(_ statistics: ServerStatistics, to json: inout JSONLine) {
        json.add("readings", statistics.readings)
        json.add("rejected", statistics.rejected)
        json.add(
            "rejected_by_reason",
            object: statistics.rejectedByReason.sorted { $0.key < $1.key }.map { ($0.key.code, $0.value) })
        json.add("gaps", statistics.gaps)
        json.add("missing_readings", statistics.missingReadings)
        json.add("repeats", statistics.repeats)
        json.add("restarts", statistics.restarts)
        json.add("bytes", statistics.bytesReceived)
        json.add("connections_open", statistics.connectionsOpen)
        json.add("connections_total", statistics.connectionsAccepted)
        json.add("connections_refused", statistics.connectionsRefused)
        json.add("refused_by_reason", object: statistics.refusedByReason.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        json.add("idle_timeouts", statistics.idleTimeouts)
    }
}
