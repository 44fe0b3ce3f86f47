import CaptureAnalysis
import Dispatch
import Foundation
import PacketCapture
import SensorStreams
import WebView

/// `serve --web … --capture IFACE`: a live capture of the server's own port, on a thread of its
/// own, that rebuilds each board's stream as `read --readings` does and records which frames
/// carried each line. The web view looks a reading up by its connection and line number.
final class ServeCapture: @unchecked Sendable {  // after start, source, reader and tracker are the capture thread's alone; stop joins it
    let links: PacketLinks
    private let source: PacketSource
    private let reader: CaptureReader
    private let done = DispatchSemaphore(value: 0)
    private var running = false

    /// Opens the capture handle (the step that needs root or the capture capabilities).
    init(interface: String) throws {
        self.source = try PacketSource.open(interface: interface)
        self.reader = CaptureReader(source: source, keepHistory: false)
        self.links = PacketLinks(interface: interface)
    }

    func start(port: Int) throws {
        try self.source.setFilter("tcp port \(port)")
        self.running = true
        let links = self.links
        Thread { [self] in
            let tracker = ReadingTracker(serverPort: UInt16(port))
            var clients: [Int: String] = [:]
            try? self.reader.read { analyzed, record in
                guard let segment = analyzed.segment else { return }
                if segment.fromClient { clients[segment.stream] = segment.connection.client.description }
                let completed = tracker.process(analyzed, bytes: record.bytes).readings
                for reading in completed {
                    guard let peer = clients[reading.stream] else { continue }
                    let line = reading.line
                    let ending = line.ending == .crlf ? 2 : line.ending == .lf ? 1 : 0
                    let next = UInt32(truncatingIfNeeded: 1 + line.end)
                    links.record(peer: peer, line: line.number, PacketLinks.Carriage(
                        frames: Array(line.frames), sequence: next &- UInt32(truncatingIfNeeded: line.length + ending),
                        nextSequence: next, completedTogether: completed.count))
                }
            }
            self.done.signal()
        }.start()
    }

    func stop() {
        guard self.running else { return }
        self.source.breakLoop()
        self.done.wait()
    }
}
