import NIOConcurrencyHelpers
import SensorProtocol
import SensorServer

/// The web view's sink: what the server's event loops hand it goes into a bounded queue and
/// nothing more, so a browser (slow, stalled or a thousand of them) can never slow a reading.
///
/// Per read of a connection it takes one lock, once: its readings are summed up first (how many,
/// and the last one, which is the point the plot gets), every other event is kept as it is. When
/// the web view falls behind by `capacity` items, new items are dropped and counted; the page
/// says so. The web view's own thread takes the queue with `drain()`.
public final class WebFeed: SensorEventSink, Sendable {
    /// What one read delivered, as the web view needs it.
    public enum Item: Sendable {
        /// `count` valid readings from one device; `latest` are the last of them (at most
        /// `WebFeed.keptPerRead`), the points the plot and the reading list get.
        case readings(count: Int, latest: [ReceivedReading])
        case event(SensorEvent)
    }

    /// Readings of one read kept one by one: all of a board's usual read (one reading, or a few
    /// coalesced), a bounded sample of a flood's (hundreds per read).
    public static let keptPerRead = 8

    public let capacity: Int
    private let queue = NIOLockedValueBox(Queue())

    private struct Queue {
        var items: [Item] = []
        var dropped = 0
    }

    public init(capacity: Int = 100_000) {
        self.capacity = capacity
    }

    public func receive(_ event: SensorEvent) {
        self.receive(contentsOf: [event])
    }

    public func receive(contentsOf events: [SensorEvent]) {
        // The common case, a read of nothing but readings (one connection's, so one device's):
        // only the tags are looked at, and at most `keptPerRead` readings are copied, however
        // many the read held.
        if events.allSatisfy({ if case .reading = $0 { true } else { false } }) {
            let latest = events.suffix(Self.keptPerRead).compactMap { event -> ReceivedReading? in
                if case .reading(let reading) = event { return reading }
                return nil
            }
            if !latest.isEmpty { self.enqueue([.readings(count: events.count, latest: latest)]) }
            return
        }
        var items: [Item] = []
        var run: (count: Int, latest: [ReceivedReading])?
        func close() {
            if let current = run { items.append(.readings(count: current.count, latest: current.latest)) }
            run = nil
        }
        for event in events {
            if case .reading(let reading) = event {
                if var current = run, current.latest.last?.device == reading.device {
                    if current.latest.count == Self.keptPerRead { current.latest.removeFirst() }
                    current.latest.append(reading)
                    current.count += 1
                    run = current
                } else {
                    close()
                    run = (1, [reading])
                }
            } else {
                close()
                items.append(.event(event))
            }
        }
        close()
        self.enqueue(items)
    }

    private func enqueue(_ items: [Item]) {
        let capacity = self.capacity
        self.queue.withLockedValue { queue in
            let room = max(0, capacity - queue.items.count)
            if items.count <= room {
                queue.items.append(contentsOf: items)
            } else {
                queue.items.append(contentsOf: items.prefix(room))
                queue.dropped += items.count - room
            }
        }
    }

    /// Everything queued since the last call, and how many items were dropped meanwhile.
    public func drain() -> (items: [Item], dropped: Int) {
        self.queue.withLockedValue { queue in
            defer { queue = Queue() }
            return (queue.items, queue.dropped)
        }
    }
}
