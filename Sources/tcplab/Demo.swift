import ArgumentParser
import CaptureAnalysis
import DeviceSimulator
import Foundation
import LabReport
import Labs
import Logging
import PacketCapture
import SensorProtocol
import SensorServer
import TCPAnalysis

extension TCPLab {
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A one-command walk-through: server, live capture, one simulated board, ladder.",
            discussion: prose("""
                Starts the sensor server on 127.0.0.1:5050 (or a free port, said), captures the
                loopback interface with the filter 'tcp port PORT', and runs one simulated board
                that connects, says HELLO, sends a few readings and leaves. Then it prints, in
                order: every packet annotated (as `tcplab read`), the server's lines (as
                `tcplab serve`), and the ladder diagram of the connection (as `tcplab ladder`);
                it writes demo.pcap and demo.html (the ladder; click a packet for its details).

                Capturing needs root or the capture capabilities. Without them the demo still
                runs the server and the board, says how to get the rights, and walks through a
                committed capture of real traffic (labs/captures/handshake.pcap) instead.
                Run with sudo, it opens the capture, then drops to the invoking user before
                anything else happens (the files it writes are yours).
                """))

        @Option(parsing: .unconditional, help: "The server's port (taken: a free one is used, and said).")
        var port = standardPort

        @Option(parsing: .unconditional, help: "How many readings the simulated board sends.")
        var readings = 5

        @Option(help: "Folder for demo.pcap and demo.html.")
        var output = "."

        @Option(help: "Colour: auto (only on a terminal), always, never.")
        var color: ColorChoice = .auto

        func validate() throws {
            try checkPort(port)
            guard (1...100).contains(readings) else { throw ValidationError("--readings must be 1–100.") }
        }

        func run() throws {
            let palette = Palette(enabled: color.enabled)
            let pcapPath = URL(fileURLWithPath: output).appendingPathComponent("demo.pcap").path
            let htmlPath = URL(fileURLWithPath: output).appendingPathComponent("demo.html").path

            // 1. The capture handle, when permitted, opened first and on the main thread: then root
            //    is given up (with sudo) before anything else happens, the server included.
            let capture = openCapture(palette)
            try dropPrivileges(palette)

            // 2. The server and one simulated board, in this process.
            let serverLines = DemoServerLines()
            let run = try blocking { try await serveOneBoard(serverLines, capture, pcapPath, palette) }

            // 3. What happened, in order: packets, the server's lines, the ladder.
            let walkThrough = capture == nil ? LabFiles.committedCapture() : pcapPath
            guard let walkThrough else {
                throw CommandFailure("labs/captures/handshake.pcap not found in \(LabFiles.searched).")
            }
            heading(palette, "1. The packets" + (capture == nil ? " of a committed capture (\(walkThrough))" : ", as `tcplab read \(pcapPath)` shows them"))
            try PacketView.show(CaptureReader.open(file: walkThrough), options: .init(color: palette.enabled),
                                sink: StandardOutput.sink)
            heading(palette, "2. The server's lines, as `tcplab serve` prints them")
            for line in serverLines.lines + EventTextFormatter(color: palette.enabled).format(run.summary).map(\.text) {
                print(line)
            }
            heading(palette, "3. The ladder, as `tcplab ladder` draws it")
            try drawLadder(of: walkThrough, htmlPath: htmlPath, palette: palette)

            print("")
            if capture != nil { say(palette, "Wrote \(pcapPath) (\(run.captured) packets): open it with `tcplab read`, Wireshark or tshark.") }
            say(palette, "Wrote \(htmlPath): the ladder in a browser; click an arrow for the packet's details.")
            say(palette, "The board sent \(plural(run.sent, "reading")). Next: `tcplab lab show 1`.")
        }

        /// The ladder in the terminal, as `tcplab ladder` draws it, and as a page in `htmlPath`.
        private func drawLadder(of capture: String, htmlPath: String, palette: Palette) throws {
            let ladder = LadderBuilder(absoluteNumbers: false, stream: nil)
            try ladder.add(contentsOf: CaptureReader.open(file: capture, keepHistory: false))
            let models = ladder.finish()
            var output = OutputBuffer()
            TextLadderRenderer(palette: palette, unicode: true).render(models, into: &output)
            StandardOutput.write(&output)
            let page = HTMLLadderRenderer(captureName: URL(fileURLWithPath: capture).lastPathComponent).document(models)
            try Data(page.utf8).write(to: URL(fileURLWithPath: htmlPath))
        }

        /// Starts the server, the capture's filter and file, and one board that sends its readings
        /// and leaves; returns once the connection has closed and the server has stopped.
        private func serveOneBoard(_ serverLines: DemoServerLines, _ capture: DemoCapture?, _ pcapPath: String,
                                   _ palette: Palette) async throws -> (summary: ServerSummary, captured: Int, sent: Int) {
            let server = try await startServer(sink: serverLines)
            say(palette, "Sensor server listening on 127.0.0.1:\(server.port)"
                + (server.port == port ? "" : " (port \(port) is taken, so a free port was used)"))
            if let capture {
                try capture.start(port: server.port, writingTo: pcapPath)
                say(palette, "Capturing on lo with filter 'tcp port \(server.port)', writing \(pcapPath)")
            }
            var board = DeviceConfiguration()
            board.host = "127.0.0.1"
            board.port = server.port
            board.name = "demo-board"
            board.readings = readings
            board.interval = .milliseconds(200)
            say(palette, "A simulated board connects and sends \(plural(readings, "reading"))…")
            var logger = Logger(label: "tcplab.demo")
            logger.logLevel = .error
            let report = await SimulatedDevice(configuration: board, logger: logger).run()
            try await Task.sleep(for: .milliseconds(300))   // the last ACK of the closing
            let captured = capture?.stop() ?? 0
            return (await server.shutdown(), captured, report.sent)
        }

        /// The live capture of loopback, or nil (and why) without the rights to capture.
        private func openCapture(_ palette: Palette) -> DemoCapture? {
            do {
                return try DemoCapture()
            } catch {
                say(palette, "No live capture: \(error)")
                say(palette, "The demo goes on without it and walks through a committed capture of real traffic.")
                return nil
            }
        }

        /// With sudo: become the invoking user, as `capture` does; as plain root: say so.
        private func dropPrivileges(_ palette: Palette) throws {
            let plan = try PrivilegeDrop.plan(user: nil, environment: ProcessInfo.processInfo.environment)
            if plan == .stayRoot {
                say(palette, "Running as root (not through sudo): the demo keeps root, and its files belong to root.")
            } else if let message = try PrivilegeDrop.carryOut(plan) {
                say(palette, message)
            }
        }

        private func startServer(sink: DemoServerLines) async throws -> SensorServer {
            var configuration = SensorServerConfiguration()
            configuration.host = "127.0.0.1"
            var logger = Logger(label: "tcplab.demo.serve")
            logger.logLevel = .error
            for candidate in [port, 0] {
                configuration.port = candidate
                do {
                    return try await SensorServer.start(configuration: configuration, sinks: [sink], logger: logger)
                } catch SensorServerError.portInUse {
                    continue
                }
            }
            throw ValidationError("could not start the server")
        }

        private func say(_ palette: Palette, _ text: String) { print(palette.dim("▸ ") + text) }

        private func heading(_ palette: Palette, _ text: String) { print("\n" + palette.bold(text) + "\n") }
    }
}

/// The server's lines, kept in order to be printed after the packets.
final class DemoServerLines: SensorEventSink, @unchecked Sendable {
    private let formatter = EventTextFormatter(color: false)
    private let lock = NSLock()
    private var collected: [String] = []

    func receive(_ event: SensorEvent) {
        guard let line = formatter.format(event) else { return }
        lock.withLock { collected.append(line.text) }
    }

    var lines: [String] { lock.withLock { collected } }
}

/// A live capture of the demo's port on loopback, on a thread of its own, into a pcap file.
final class DemoCapture: @unchecked Sendable {
    private let source: PacketSource
    private let reader: CaptureReader
    private var writer: PacketWriter?
    private let done = DispatchSemaphore(value: 0)
    private var packets = 0

    /// Opens the handle only (the privileged step); `start` sets the filter and creates the file.
    init() throws {
        source = try PacketSource.open(interface: "lo")
        reader = CaptureReader(source: source, keepHistory: false)
    }

    func start(port: Int, writingTo path: String) throws {
        try source.setFilter("tcp port \(port)")
        writer = try source.makeWriter(path: path)
        // From here only this thread touches the source and the writer, until `stop` joins it.
        Thread { [self] in
            try? reader.readRecords { record in
                try writer?.write(record)
                packets += 1
            }
            writer?.flush()
            done.signal()
        }.start()
    }

    /// Stops the capture and returns how many packets it wrote.
    func stop() -> Int {
        guard writer != nil else { return 0 }
        source.breakLoop()
        done.wait()
        return packets
    }
}

/// Runs async work to completion from synchronous code (the demo's main thread waits).
func blocking<T>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let finished = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result: Result<T, any Error>?
    Task {
        do { result = .success(try await body()) } catch { result = .failure(error) }
        finished.signal()
    }
    finished.wait()
    return try result!.get()
}
