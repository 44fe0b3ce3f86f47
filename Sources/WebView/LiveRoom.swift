import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import SensorServer

/// The live page's state and its browsers. The web view's one event loop ticks it: each tick
/// takes what the feed queued, folds it into the `Classroom`, writes the change as one JSON
/// update (made once, shared by every browser) and sends each browser what it has not seen yet.
///
/// A browser that does not keep up (its connection stops being writable: NIO's buffer for it is
/// over the high-water mark) is skipped; the updates wait for it in a ring of the last
/// `retainedUpdates`. When it falls further behind than that, it is told how many it lost and
/// gets a fresh snapshot: the server never buffers more than that for a browser.
final class LiveRoom: Sendable {
    struct Browser {
        let channel: Channel
        /// The number of the next update it should get.
        var next: Int
        var lost = 0
    }

    struct State {
        var classroom: Classroom
        var statistics: ServerStatistics?
        /// The last updates, oldest first; `firstUpdate` is the number of `updates[0]`.
        var updates: [String] = []
        var firstUpdate = 0
        var browsers: [ObjectIdentifier: Browser] = [:]
        var nextUpdate: Int { self.firstUpdate + self.updates.count }
    }

    let feed: WebFeed
    let title: String
    let retainedUpdates: Int
    let maxBrowsers: Int
    let links: PacketLinks?
    private let state: NIOLockedValueBox<State>

    init(feed: WebFeed, limits: Classroom.Limits, title: String, retainedUpdates: Int = 40, maxBrowsers: Int = 32,
         links: PacketLinks? = nil) {
        self.feed = feed
        self.links = links
        self.title = title
        self.retainedUpdates = retainedUpdates
        self.maxBrowsers = maxBrowsers
        self.state = NIOLockedValueBox(State(classroom: Classroom(limits: limits)))
    }

    func read<Result>(_ body: (State) -> Result) -> Result {
        self.state.withLockedValue { body($0) }
    }

    func setStatistics(_ statistics: ServerStatistics) {
        self.state.withLockedValue { $0.statistics = statistics }
    }

    /// One turn: fold in the feed, make the update, send it to every browser that can take it.
    func tick(now: Timestamp = .now(), forgetOld: Bool) {
        let (items, dropped) = self.feed.drain()
        let sends: [(Channel, String)] = self.state.withLockedValue { state in
            let changes = state.classroom.apply(items, dropped: dropped)
            if forgetOld { state.classroom.forget(before: now) }
            // Nobody watching: the state is kept, the update need not be written (a browser
            // that comes starts from a snapshot).
            guard !state.browsers.isEmpty else { return [] }
            let update = ClassroomJSON.update(
                changes, in: state.classroom, statistics: state.statistics, browsers: state.browsers.count, now: now)
            state.updates.append("event: update\ndata: " + update + "\n\n")
            if state.updates.count > self.retainedUpdates {
                let excess = state.updates.count - self.retainedUpdates
                state.updates.removeFirst(excess)
                state.firstUpdate += excess
            }
            var snapshot: String?
            var sends: [(Channel, String)] = []
            for (key, var browser) in state.browsers {
                guard browser.channel.isWritable else { continue }
                var text = ""
                if browser.next < state.firstUpdate {
                    let lost = state.firstUpdate - browser.next
                    browser.lost += lost
                    if snapshot == nil { snapshot = Self.snapshotText(state, now: now, title: self.title) }
                    text = "event: lost\ndata: {\"lost\":\(lost),\"total\":\(browser.lost)}\n\n" + snapshot!
                } else {
                    text = state.updates[(browser.next - state.firstUpdate)...].joined()
                }
                browser.next = state.nextUpdate
                state.browsers[key] = browser
                sends.append((browser.channel, text))
            }
            return sends
        }
        for (channel, text) in sends { Self.send(text, to: channel) }
    }

    /// Adds a browser and sends it the snapshot; `false` when there are already `maxBrowsers`.
    func join(_ channel: Channel, now: Timestamp = .now()) -> Bool {
        let snapshot: String? = self.state.withLockedValue { state in
            guard state.browsers.count < self.maxBrowsers else { return nil }
            state.browsers[ObjectIdentifier(channel)] = Browser(channel: channel, next: state.nextUpdate)
            return Self.snapshotText(state, now: now, title: self.title)
        }
        guard let snapshot else { return false }
        // The browser reconnects by itself after 2 s if the stream breaks.
        Self.send("retry: 2000\n\n" + snapshot, to: channel)
        channel.closeFuture.whenComplete { _ in
            self.state.withLockedValue { _ = $0.browsers.removeValue(forKey: ObjectIdentifier(channel)) }
        }
        return true
    }

    var browserCount: Int { self.state.withLockedValue { $0.browsers.count } }

    private static func snapshotText(_ state: State, now: Timestamp, title: String) -> String {
        "event: snapshot\ndata: "
            + ClassroomJSON.snapshot(
                state.classroom, statistics: state.statistics, browsers: state.browsers.count, now: now, live: true,
                title: title)
            + "\n\n"
    }

    private static func send(_ text: String, to channel: Channel) {
        let buffer = channel.allocator.buffer(string: text)
        channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil)
    }
}
