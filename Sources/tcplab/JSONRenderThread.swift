import Foundation
import LabReport
import TCPAnalysis

/// Rebuilds the readings and writes `read --format json` lines on a second thread while the first
/// goes on reading, decoding and tracking connections: the two halves of the work then run side
/// by side on two cores.
///
/// Only values cross over: what a line needs of the connection state (ISNs for the handshake
/// notes, the SACK base, the port and whether the connection is over) is taken first, on the
/// tracking thread (`JSONPacketRenderer.prepare`, `ConnectionSnapshot`), so this thread never
/// reads a `Conversation` the tracker is changing.
/// Packets go over in batches with a copy of their bytes; at most `maxQueued` batches wait, so
/// memory stays bounded whatever the file's size. Order is kept: one consumer, first in first out.
final class JSONRenderThread: @unchecked Sendable {
    private struct Batch {
        var packets: [(analyzed: AnalyzedPacket, prepared: JSONPacketRenderer.Prepared,
                       connection: ConnectionSnapshot?, bytes: Range<Int>)] = []
        var bytes: [UInt8] = []
    }

    private static let batchSize = 256
    private static let maxQueued = 4

    private let condition = NSCondition()
    private var queue: [Batch] = []
    private var closed = false
    private let done = DispatchSemaphore(value: 0)
    /// Filled by the analysing thread only.
    private var current = Batch()

    /// The tracker that rebuilds the readings; from now on only this thread uses it.
    private let readings: ReadingTracker

    init(readings: ReadingTracker) {
        self.readings = readings
        let thread = Thread { [self] in consume() }
        thread.name = "tcplab.json"
        thread.start()
    }

    /// Called on the analysing thread, in frame order.
    func add(_ analyzed: AnalyzedPacket, _ prepared: JSONPacketRenderer.Prepared, _ connection: ConnectionSnapshot?,
             bytes: UnsafeRawBufferPointer) {
        let start = current.bytes.count
        current.bytes.append(contentsOf: bytes)
        current.packets.append((analyzed, prepared, connection, start..<current.bytes.count))
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
                    // Only the overloads that take the values prepared on the tracking thread may be
                    // called here: the others read the `Conversation`, which that thread changes.
                    var analyzed = packet.analyzed
                    let bytes = UnsafeRawBufferPointer(rebasing: all[packet.bytes])
                    analyzed.notes = readings.process(analyzed, packet.connection, bytes: bytes).notes
                    renderer.render(analyzed, packet.prepared, bytes: bytes, into: &output)
                    if output.count >= 1 << 16 { StandardOutput.write(&output) }
                }
            }
        }
        StandardOutput.write(&output)
        done.signal()
    }
}
