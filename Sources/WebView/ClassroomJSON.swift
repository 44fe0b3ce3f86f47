import LabReport
import SensorProtocol
import SensorServer

/// The JSON the page and `/api` read. Every string goes through `JSONEscaping` and then has
/// `<`, `>`, `&` and the two JavaScript line separators written as `\u` escapes, which mean the
/// same in JSON: the text can sit inside a `<script>` element of a page without ending it.
public enum ClassroomJSON {
    /// A JSON string literal, quotes included, safe inside HTML's `<script>`.
    public static func string(_ text: String) -> String {
        scriptSafeJSON(JSONEscaping.quoted(text))
    }

    /// A reading's value: one decimal as the board sent it; `null` for what JSON cannot hold.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    public static func board(_ board: BoardRow) -> String {
        var out = "{\"name\":" + string(board.name) + ",\"peer\":" + string(board.peer)
        out += ",\"connected\":\(board.connected)"
        out += ",\"since\":" + (board.connectedSince.map { String($0.millisecondsSince1970) } ?? "null")
        out += ",\"readings\":\(board.readings)"
        if let last = board.last {
            out += ",\"last\":{\"time\":\(last.received.millisecondsSince1970),\"seq\":\(last.reading.seq)"
            out += ",\"millis\":\(last.reading.millis),\"temperature\":\(number(last.reading.temperature))"
            out += ",\"humidity\":\(number(last.reading.humidity))}"
        } else {
            out += ",\"last\":null"
        }
        out += ",\"gaps\":\(board.gaps),\"missing\":\(board.missingReadings),\"restarts\":\(board.restarts)"
        return out + ",\"rejected\":\(board.rejected)}"
    }

    /// `[time, temperature, humidity, seq]`: the compact form the page's plot reads.
    static func point(_ point: PlotPoint) -> String {
        "[\(point.time),\(number(point.temperature)),\(number(point.humidity)),\(point.seq)]"
    }

    static func marker(_ marker: PlotMarker) -> String {
        "[\(marker.time)," + string(marker.kind.rawValue) + "," + string(marker.text) + "]"
    }

    static func event(_ event: ClassEvent) -> String {
        "{\"kind\":" + string(event.kind) + ",\"time\":\(event.time),\"peer\":" + string(event.peer)
            + ",\"device\":" + string(event.device) + ",\"text\":" + string(event.text) + "}"
    }

    /// `/api/readings?device=NAME`: the board's readings still in the history window, each
    /// with the segments that carried it when a capture runs beside the server (`packets`).
    public static func readings(of device: String, in classroom: Classroom, links: PacketLinks? = nil) -> String {
        let points = classroom.points(of: device).map { point in
            var out = "{\"time\":\(point.time),\"seq\":\(point.seq),\"temperature\":\(number(point.temperature))"
            out += ",\"humidity\":\(number(point.humidity)),\"peer\":" + string(point.peer) + ",\"line\":\(point.line)"
            if let links {
                out += ",\"packets\":" + (links.carriage(peer: point.peer, line: point.line).map(carriage) ?? "null")
            }
            return out + "}"
        }
        var out = "{\"device\":" + string(device)
        if let links { out += ",\"capture\":" + string(links.interface) }
        return out + ",\"readings\":[" + points.joined(separator: ",") + "]}"
    }

    static func carriage(_ carriage: PacketLinks.Carriage) -> String {
        "{\"frames\":[" + carriage.frames.map(String.init).joined(separator: ",") + "],\"seq\":\(carriage.sequence)"
            + ",\"next_seq\":\(carriage.nextSequence),\"split\":\(carriage.isSplit)"
            + ",\"coalesced\":\(carriage.isCoalesced),\"completed_together\":\(carriage.completedTogether)}"
    }

    /// `/api/boards`.
    public static func boards(_ classroom: Classroom) -> String {
        "[" + classroom.sortedBoards.map(board).joined(separator: ",") + "]"
    }

    static func counters(_ statistics: ServerStatistics?, classroom: Classroom, browsers: Int) -> String {
        var out = "{\"dropped\":\(classroom.droppedItems),\"browsers\":\(browsers)"
        if let statistics {
            out += ",\"readings\":\(statistics.readings),\"rejected\":\(statistics.rejected)"
            out += ",\"open\":\(statistics.connectionsOpen),\"accepted\":\(statistics.connectionsAccepted)"
            out += ",\"refused\":\(statistics.connectionsRefused),\"gaps\":\(statistics.gaps)"
            out += ",\"missing\":\(statistics.missingReadings),\"restarts\":\(statistics.restarts)"
            out += ",\"idle_timeouts\":\(statistics.idleTimeouts),\"bytes\":\(statistics.bytesReceived)"
        } else {
            // From a log: what its boards add up to (it holds only valid readings).
            let boards = classroom.boards.values
            out += ",\"readings\":\(boards.reduce(0) { $0 + $1.readings }),\"gaps\":\(boards.reduce(0) { $0 + $1.gaps })"
            out += ",\"missing\":\(boards.reduce(0) { $0 + $1.missingReadings }),\"restarts\":\(boards.reduce(0) { $0 + $1.restarts })"
        }
        return out + "}"
    }

    /// Everything a page needs to start: every board with its history, the recent events, the
    /// counters. `live: false` for a page made from a log (no server to ask for more).
    public static func snapshot(
        _ classroom: Classroom, statistics: ServerStatistics?, browsers: Int, now: Timestamp, live: Bool, title: String
    ) -> String {
        var out = "{\"type\":\"snapshot\",\"live\":\(live),\"title\":" + string(title)
        out += ",\"now\":\(now.millisecondsSince1970),\"window\":\(classroom.limits.historySeconds)"
        out += ",\"boards\":[" + classroom.sortedBoards.map(board).joined(separator: ",") + "]"
        out += ",\"history\":[" + classroom.sortedBoards.map { row in
            "{\"device\":" + string(row.name)
                + ",\"points\":[" + classroom.points(of: row.name).map(point).joined(separator: ",") + "]"
                + ",\"markers\":[" + classroom.markers(of: row.name).map(marker).joined(separator: ",") + "]}"
        }.joined(separator: ",") + "]"
        out += ",\"events\":[" + classroom.events.map(event).joined(separator: ",") + "]"
        return out + ",\"counters\":" + counters(statistics, classroom: classroom, browsers: browsers) + "}"
    }

    /// What changed since the previous update.
    public static func update(
        _ changes: ClassroomChanges, in classroom: Classroom, statistics: ServerStatistics?, browsers: Int, now: Timestamp
    ) -> String {
        var out = "{\"type\":\"update\",\"now\":\(now.millisecondsSince1970)"
        out += ",\"boards\":[" + changes.boards.sorted().compactMap { classroom.boards[$0].map(board) }.joined(separator: ",") + "]"
        let devices = Set(changes.points.keys).union(changes.markers.keys).sorted()
        out += ",\"history\":[" + devices.map { device in
            "{\"device\":" + string(device)
                + ",\"points\":[" + (changes.points[device] ?? []).map(point).joined(separator: ",") + "]"
                + ",\"markers\":[" + (changes.markers[device] ?? []).map(marker).joined(separator: ",") + "]}"
        }.joined(separator: ",") + "]"
        out += ",\"events\":[" + changes.events.map(event).joined(separator: ",") + "]"
        return out + ",\"counters\":" + counters(statistics, classroom: classroom, browsers: browsers) + "}"
    }
}
