import SensorProtocol
import SensorServer

/// One board as the page's table shows it.
public struct BoardRow: Sendable, Hashable {
    public var name: String
    /// `ip:port` of its latest connection.
    public var peer: String
    public var connected: Bool
    /// When its current (or last) connection opened.
    public var connectedSince: Timestamp?
    public var readings = 0
    public var last: ReceivedReading?
    public var gaps = 0
    public var missingReadings = 0
    public var restarts = 0
    /// Rejected lines over all its connections.
    public var rejected: Int { self.rejectedClosedConnections + self.rejectedThisConnection }
    var rejectedClosedConnections = 0
    var rejectedThisConnection = 0
    /// The last time anything was heard of it (for choosing which board to forget first).
    public var lastSeen: Timestamp

    init(name: String, peer: String, at time: Timestamp) {
        self.name = name
        self.peer = peer
        self.connected = true
        self.lastSeen = time
    }
}

/// A point of a board's plot: the reading and when the server received it.
public struct PlotPoint: Sendable, Hashable {
    /// Milliseconds since 1970 (the server's clock).
    public var time: Int64
    public var seq: UInt32
    public var temperature: Double
    public var humidity: Double
    /// The connection it came on and its line there: what ties it to the capture's frames.
    public var peer: String
    public var line: Int

    public init(time: Int64, seq: UInt32, temperature: Double, humidity: Double, peer: String = "", line: Int = 0) {
        self.time = time
        self.seq = seq
        self.temperature = temperature
        self.humidity = humidity
        self.peer = peer
        self.line = line
    }
}

/// A gap or a restart, marked on the plot where it was found.
public struct PlotMarker: Sendable, Hashable {
    public enum Kind: String, Sendable { case gap, restart }
    public var time: Int64
    public var kind: Kind
    public var text: String

    public init(time: Int64, kind: Kind, text: String) {
        self.time = time
        self.kind = kind
        self.text = text
    }
}

/// A line of the page's event list: connections and what the board's counters revealed.
public struct ClassEvent: Sendable, Hashable {
    /// `connect`, `hello`, `disconnect`, `reset`, `idle-timeout`, `refused`, `error`,
    /// `server-shutdown`, `gap`, `restart`.
    public var kind: String
    public var time: Int64
    public var peer: String
    public var device: String
    public var text: String
}

/// What changed in one `apply`, for the update pushed to the browsers.
public struct ClassroomChanges: Sendable {
    public var boards: Set<String> = []
    public var points: [String: [PlotPoint]] = [:]
    public var markers: [String: [PlotMarker]] = [:]
    public var events: [ClassEvent] = []
    public var isEmpty: Bool { self.boards.isEmpty && self.events.isEmpty }
}

/// The whole room as the page shows it: boards, the recent history of each, the event list.
/// Built from the feed's items on the web view's thread; bounded in every direction (boards,
/// points per board, minutes of history, events).
public struct Classroom: Sendable {
    public struct Limits: Sendable {
        /// History kept per board, in seconds.
        public var historySeconds: Int64 = 600
        public var pointsPerBoard = 1200
        public var markersPerBoard = 200
        public var events = 300
        /// Boards remembered; beyond it the disconnected board heard of longest ago is forgotten.
        public var boards = 2000
        public init() {}
    }

    public let limits: Limits
    public private(set) var boards: [String: BoardRow] = [:]
    private(set) var history: [String: Ring<PlotPoint>] = [:]
    private(set) var markerHistory: [String: Ring<PlotMarker>] = [:]
    private(set) var eventRing: Ring<ClassEvent>
    /// The event list, oldest first.
    public var events: [ClassEvent] { self.eventRing.elements }
    /// Connections that said nothing yet: when each opened, by peer.
    private var openedAt: [String: Timestamp] = [:]
    /// Items the feed dropped because the web view fell behind.
    public private(set) var droppedItems = 0

    public init(limits: Limits = Limits()) {
        self.limits = limits
        self.eventRing = Ring(capacity: limits.events)
    }

    public func points(of device: String) -> [PlotPoint] { self.history[device]?.elements ?? [] }
    public func markers(of device: String) -> [PlotMarker] { self.markerHistory[device]?.elements ?? [] }

    /// The boards in a stable order: by name.
    public var sortedBoards: [BoardRow] { self.boards.values.sorted { $0.name < $1.name } }

    @discardableResult
    public mutating func apply(_ items: [WebFeed.Item], dropped: Int = 0) -> ClassroomChanges {
        self.droppedItems += dropped
        var changes = ClassroomChanges()
        for item in items {
            switch item {
            case .readings(let count, let latest): self.add(readings: count, latest: latest, changes: &changes)
            case .event(let event): self.add(event, changes: &changes)
            }
        }
        return changes
    }

    /// Drops history older than the window, measured back from `now`.
    public mutating func forget(before now: Timestamp) {
        let cutoff = now.millisecondsSince1970 - self.limits.historySeconds * 1000
        for name in Array(self.history.keys) { self.history[name]?.removeFirst { $0.time < cutoff } }
        for name in Array(self.markerHistory.keys) { self.markerHistory[name]?.removeFirst { $0.time < cutoff } }
    }

    /// A log says nothing of connections closing: at its end, none is open.
    mutating func endOfLog() {
        for name in Array(self.boards.keys) { self.boards[name]?.connected = false }
    }

    /// Keeps only the boards named in `names` (a student's report on their own board).
    public mutating func keep(only names: Set<String>) {
        for name in Array(self.boards.keys) where !names.contains(name) {
            self.boards[name] = nil
            self.history[name] = nil
            self.markerHistory[name] = nil
        }
    }

    private mutating func add(readings count: Int, latest: [ReceivedReading], changes: inout ClassroomChanges) {
        guard let last = latest.last else { return }
        self.update(last.device, peer: last.peer, at: last.received, changes: &changes) { board in
            board.readings += count
            board.last = last
        }
        for reading in latest {
            let point = PlotPoint(
                time: reading.received.millisecondsSince1970, seq: reading.reading.seq,
                temperature: reading.reading.temperature, humidity: reading.reading.humidity, peer: reading.peer,
                line: reading.line)
            self.history[last.device, default: Ring(capacity: self.limits.pointsPerBoard)].append(point)
            changes.points[last.device, default: []].append(point)
        }
    }

    private mutating func add(_ event: SensorEvent, changes: inout ClassroomChanges) {
        switch event {
        case .connected(let peer, let time, let open):
            self.openedAt[peer] = time
            self.log("connect", time, peer: peer, device: "", "connected (\(open) open)", changes: &changes)
        case .refused(let peer, let time, let reason, let unreported):
            let more = unreported > 0 ? " (and \(unreported) more not reported one by one)" : ""
            self.log("refused", time, peer: peer, device: "", "refused: \(reason.explanation)\(more)", changes: &changes)
        case .named(let peer, let device, _, let time):
            self.update(device, peer: peer, at: time, changes: &changes) { _ in }
            self.log("hello", time, peer: peer, device: device, "HELLO \(device)", changes: &changes)
        case .reading(let reading):
            self.add(readings: 1, latest: [reading], changes: &changes)
        case .rejected(let line):
            self.update(line.device, peer: line.peer, at: line.received, changes: &changes) { board in
                board.rejectedThisConnection += 1 + line.unreportedBefore
            }
        case .continuity(let found):
            let time = found.received.millisecondsSince1970
            var marker: PlotMarker?
            self.update(found.device, peer: found.peer, at: found.received, changes: &changes) { board in
                switch found.finding {
                case .gap(let expected, let received):
                    board.gaps += 1
                    board.missingReadings += found.finding.missingReadings
                    let text = expected &+ 1 == received ? "gap: reading \(expected) never arrived"
                        : "gap: readings \(expected)–\(received - 1) never arrived (\(found.finding.missingReadings))"
                    marker = PlotMarker(time: time, kind: .gap, text: text)
                case .restart(let previousSeq, _, let seq, _):
                    board.restarts += 1
                    marker = PlotMarker(time: time, kind: .restart, text: "restart: seq went from \(previousSeq) back to \(seq)")
                case .repeated: break
                }
            }
            if let marker {
                self.markerHistory[found.device, default: Ring(capacity: self.limits.markersPerBoard)].append(marker)
                changes.markers[found.device, default: []].append(marker)
                self.log(marker.kind.rawValue, found.received, peer: found.peer, device: found.device, marker.text, changes: &changes)
            }
        case .disconnected(let end):
            self.openedAt[end.peer] = nil
            if var board = self.boards[end.device], board.peer == end.peer {
                board.connected = false
                board.rejectedClosedConnections += end.rejected
                board.rejectedThisConnection = 0
                board.lastSeen = end.at
                self.boards[end.device] = board
                changes.boards.insert(end.device)
            }
            let kind = end.reason == .peerClosed ? "disconnect" : end.reason.code
            let text = "\(end.reason) after \(formatDuration(end.duration)), \(end.readings) reading\(end.readings == 1 ? "" : "s")"
            self.log(kind, end.at, peer: end.peer, device: end.device == end.peer ? "" : end.device, text, changes: &changes)
        }
    }

    /// Applies `change` to the board named `device`, created (and given its connection's
    /// opening time) when it is new or has come back on a new connection.
    private mutating func update(
        _ device: String, peer: String, at time: Timestamp, changes: inout ClassroomChanges,
        _ change: (inout BoardRow) -> Void
    ) {
        var board = self.boards[device] ?? BoardRow(name: device, peer: peer, at: time)
        if board.connectedSince == nil || board.peer != peer || !board.connected {
            if board.peer != peer {
                board.rejectedClosedConnections += board.rejectedThisConnection
                board.rejectedThisConnection = 0
            }
            board.peer = peer
            board.connected = true
            board.connectedSince = self.openedAt[peer] ?? time
        }
        board.lastSeen = time
        change(&board)
        if self.boards[device] == nil && self.boards.count >= self.limits.boards { self.forgetOneBoard() }
        self.boards[device] = board
        changes.boards.insert(device)
    }

    private mutating func forgetOneBoard() {
        let candidates = self.boards.values.filter { !$0.connected }
        guard let oldest = (candidates.isEmpty ? Array(self.boards.values) : candidates).min(by: { $0.lastSeen < $1.lastSeen })
        else { return }
        self.boards[oldest.name] = nil
        self.history[oldest.name] = nil
        self.markerHistory[oldest.name] = nil
    }

    private mutating func log(
        _ kind: String, _ time: Timestamp, peer: String, device: String, _ text: String, changes: inout ClassroomChanges
    ) {
        let event = ClassEvent(kind: kind, time: time.millisecondsSince1970, peer: peer, device: device, text: text)
        self.eventRing.append(event)
        changes.events.append(event)
    }
}

/// `1.2 s`, `3 min 4 s`, `2 h 5 min`.
func formatDuration(_ duration: Duration) -> String {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    if seconds < 60 { return "\((seconds * 10).rounded() / 10) s" }
    let whole = Int(seconds)
    if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
    return "\(whole / 3600) h \(whole / 60 % 60) min"
}

/// The last `capacity` elements appended, oldest first.
struct Ring<Element: Sendable>: Sendable {
    let capacity: Int
    private var storage: [Element] = []
    private var start = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { self.storage.count - self.start }
    var elements: [Element] { Array(self.storage[self.start...]) }

    mutating func append(_ element: Element) {
        self.storage.append(element)
        if self.count > self.capacity { self.start += 1 }
        self.compactIfWorthIt()
    }

    /// Drops elements from the front while `shouldDrop` says so.
    mutating func removeFirst(while shouldDrop: (Element) -> Bool) {
        while self.start < self.storage.count && shouldDrop(self.storage[self.start]) { self.start += 1 }
        self.compactIfWorthIt()
    }

    private mutating func compactIfWorthIt() {
        guard self.start > 0, self.start >= self.storage.count / 2 else { return }
        self.storage.removeFirst(self.start)
        self.start = 0
    }
}
