import Foundation
import LabReport
import SensorStreams
import TCPAnalysis

/// Shows a saved capture in four stages on their own threads: this one reads, decodes and
/// tracks; a second rebuilds the readings and finds which each segment carries; a third puts
/// that into words (the JSON's note, the text's explanations, as bytes); a fourth writes the lines. Each
/// stage keeps its order. Analysed packets are values (a segment carries what it needs of its
/// connection), so they move on in batches with a copy of their bytes. At most
/// `BatchQueue.maxQueued` batches wait between two stages, so memory stays bounded.
///
/// Four stages on two cores: which stage is the heaviest depends on the capture (decoding and
/// tracking on many short connections, the readings and their words on long streams of them);
/// split this fine, no stage holds the others back and neither core stays idle.
final class PacketPipeline: @unchecked Sendable {  // `current` is used by the producer only
    struct Batch: Sendable {
        var packets: [(analyzed: AnalyzedPacket, bytes: Range<Int>, notes: ReadingNotes.Facts?, prepared: Range<Int>)] = []
        var bytes: [UInt8] = []
        /// What the words stage wrote ahead of the writer, each packet's part at `prepared`.
        var prepared: [UInt8] = []
        /// The capture's first timestamp (the text's times count from it).
        var firstTime = 0.0
    }

    private static let batchSize = 256
    private var current = Batch()
    private var lastBatchBytes = 0
    private let toReadings = BatchQueue()
    private let toWords = BatchQueue()
    private let toRenderer = BatchQueue()
    private let done = DispatchSemaphore(value: 0)

    /// `readings`, `prepare` and `render` are used on their stages' threads only, from now on.
    /// `prepare` does, in a stage of its own, what of the rendering needs none of the packet's
    /// bytes (the JSON's note, the text's lines); what it writes reaches `render` as `prepared`.
    init(readings: ReadingTracker, sink: OutputSink,
         prepare: @escaping (AnalyzedPacket, inout OutputBuffer) -> Void,
         render: @escaping (AnalyzedPacket, _ bytes: UnsafeRawBufferPointer, _ prepared: UnsafeBufferPointer<UInt8>,
                            _ firstTime: Double, inout OutputBuffer) -> Void) {
        let tracker = UncheckedBox(readings)
        start("tcplab.readings") { [toReadings, toWords] in
            while var batch = toReadings.take() {
                batch.bytes.withUnsafeBytes { all in
                    for index in batch.packets.indices {
                        let bytes = UnsafeRawBufferPointer(rebasing: all[batch.packets[index].bytes])
                        // The facts only: the next stage makes them into words.
                        batch.packets[index].notes = tracker.value.process(batch.packets[index].analyzed,
                                                                           bytes: bytes).noteFacts
                    }
                }
                toWords.put(batch)
            }
            toWords.close()
        }
        let preparer = UncheckedBox(prepare)
        start("tcplab.words") { [toWords, toRenderer] in
            var words = OutputBuffer()
            while var batch = toWords.take() {
                words.removeAll()
                for index in batch.packets.indices {
                    if let facts = batch.packets[index].notes {
                        batch.packets[index].analyzed.notes = ReadingNotes.sentences(facts)
                    }
                    let start = words.count
                    preparer.value(batch.packets[index].analyzed, &words)
                    batch.packets[index].prepared = start..<words.count
                }
                batch.prepared = Array(words.bytesView)
                toRenderer.put(batch)
            }
            toRenderer.close()
        }
        let renderer = UncheckedBox(render)
        start("tcplab.render") { [toRenderer, done] in
            var output = OutputBuffer()
            while let batch = toRenderer.take() {
                batch.bytes.withUnsafeBytes { all in
                    batch.prepared.withUnsafeBufferPointer { prepared in
                        for packet in batch.packets {
                            renderer.value(packet.analyzed, UnsafeRawBufferPointer(rebasing: all[packet.bytes]),
                                           UnsafeBufferPointer(rebasing: prepared[packet.prepared]), batch.firstTime,
                                           &output)
                            if output.count >= 1 << 16 { sink.drain(&output) }
                        }
                    }
                }
            }
            sink.drain(&output)
            done.signal()
        }
    }

    private func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread(block: body)
        thread.name = name
        thread.start()
    }

    /// Called on the reading thread, in frame order.
    func add(_ analyzed: AnalyzedPacket, bytes: UnsafeRawBufferPointer, firstTime: Double) {
        current.firstTime = firstTime
        let start = current.bytes.count
        current.bytes.append(contentsOf: bytes)
        current.packets.append((analyzed, start..<current.bytes.count, nil, 0..<0))
        if current.packets.count >= Self.batchSize { handOver() }
    }

    /// Hands over what is left and waits until every packet is written.
    func finish() {
        handOver()
        toReadings.close()
        done.wait()
    }

    private func handOver() {
        guard !current.packets.isEmpty else { return }
        lastBatchBytes = current.bytes.count
        toReadings.put(current)
        current = Batch()
        // Room for what the last one held: a batch's bytes then grow without copying themselves.
        current.packets.reserveCapacity(Self.batchSize)
        current.bytes.reserveCapacity(lastBatchBytes)
    }
}

/// Batches between two stages: `put` waits while `maxQueued` are waiting, `take` while none is
/// (and returns nil once the queue is closed and empty).
private final class BatchQueue: @unchecked Sendable {  // guarded by `condition`
    private static let maxQueued = 8
    private let condition = NSCondition()
    private var batches: [PacketPipeline.Batch] = []
    private var closed = false

    func put(_ batch: PacketPipeline.Batch) {
        condition.lock()
        while batches.count >= Self.maxQueued { condition.wait() }
        batches.append(batch)
        condition.broadcast()
        condition.unlock()
    }

    func take() -> PacketPipeline.Batch? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !closed { condition.wait() }
        guard !batches.isEmpty else { return nil }
        condition.broadcast()
        return batches.removeFirst()
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// A value handed to one other thread, which alone uses it from then on.
private struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
