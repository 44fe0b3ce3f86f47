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
        /// `count` valid readings from one device, the last of which is `last`.
        case readings(count: Int, last: ReceivedReading)
        case event(SensorEvent)
    }

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
        // only the tags are looked at, and one reading is copied, however many the read held.
        if case .reading(let last)? = events.last, events.allSatisfy({ if case .reading = $0 { true } else { false } }) {
            self.enqueue([.readings(count: events.count, last: last)])
            return
        }
        var items: [Item] = []
        var run: (count: Int, last: ReceivedReading)?
        for event in events {
            if case .reading(let reading) = event {
                if let current = run, current.last.device == reading.device {
                    run = (current.count + 1, reading)
                } else {
                    if let current = run { items.append(.readings(count: current.count, last: current.last)) }
                    run = (1, reading)
                }
            } else {
                if let current = run { items.append(.readings(count: current.count, last: current.last)) }
                run = nil
                items.append(.event(event))
            }
        }
        if let current = run { items.append(.readings(count: current.count, last: current.last)) }
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
