import SensorStreams
import Foundation
import LabReport
import TCPAnalysis

/// Rebuilds the readings and writes the JSON lines of a saved capture on a second thread while
/// the first goes on reading, decoding and tracking: the two halves of the work run side by side
/// on two cores. Analysed packets are values (each segment carries what it needs of its
/// connection), so they cross over as they are, in batches with a copy of their bytes. At most
/// `maxQueued` batches wait, so memory stays bounded; one consumer keeps the order.
final class JSONRenderThread: @unchecked Sendable {  // queue and closed guarded by `condition`; `current` used by the producer only
    private struct Batch {
        var packets: [(analyzed: AnalyzedPacket, bytes: Range<Int>)] = []
        var bytes: [UInt8] = []
    }

    private static let batchSize = 256
    private static let maxQueued = 4

    private let condition = NSCondition()
    private var queue: [Batch] = []
    private var closed = false
    private let done = DispatchSemaphore(value: 0)
    private var current = Batch()
    /// From now on only the rendering thread uses it.
    private let readings: ReadingTracker
    private let sink: OutputSink

    init(readings: ReadingTracker, sink: OutputSink) {
        self.readings = readings
        self.sink = sink
        let thread = Thread { [self] in consume() }
        thread.name = "tcplab.json"
        thread.start()
    }

    /// Called on the analysing thread, in frame order.
    func add(_ analyzed: AnalyzedPacket, bytes: UnsafeRawBufferPointer) {
        let start = current.bytes.count
        current.bytes.append(contentsOf: bytes)
        current.packets.append((analyzed, start..<current.bytes.count))
        if current.packets.count >= Self.batchSize { handOver() }
    }

    /// Hands over what is left and waits until every line is written.
    func finish() {
        handOver()
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
        done.wait()
    }

    private func handOver() {
        guard !current.packets.isEmpty else { return }
        condition.lock()
        while queue.count >= Self.maxQueued { condition.wait() }
        queue.append(current)
        condition.broadcast()
        condition.unlock()
        current = Batch()
    }

    private func consume() {
        let renderer = JSONPacketRenderer()
        var output = OutputBuffer()
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty {
                condition.unlock()
                break
            }
            let batch = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            batch.bytes.withUnsafeBytes { all in
                for packet in batch.packets {
                    var analyzed = packet.analyzed
                    let bytes = UnsafeRawBufferPointer(rebasing: all[packet.bytes])
                    analyzed.notes = readings.process(analyzed, bytes: bytes).notes
                    renderer.render(analyzed, bytes: bytes, into: &output)
                    if output.count >= 1 << 16 { sink.drain(&output) }
                }
            }
        }
        sink.drain(&output)
        done.signal()
    }
}
