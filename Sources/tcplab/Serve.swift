import ArgumentParser
import Dispatch
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SensorProtocol
import SensorServer
import WebView

extension TCPLab {
    /// `tcplab serve`: the sensor server. All the work is in the SensorServer library; this file
    /// turns options into a configuration, prints events, and handles signals.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serve ESP8266 sensor boards: frame, parse, show and keep every reading.",
            discussion: prose("""
                Boards connect over TCP (port 5050 by default) and send one reading per
                line, ended by \\r\\n as Arduino's println writes it:

                    <seq>,<millis>,<temperature-C>,<humidity-%>    e.g. 12,1234567,28.3,65.2

                An optional first line HELLO <name> names the board; without it the board
                is known by its address. Any number of boards may be connected at once.

                THE BYTE-STREAM LESSON
                TCP delivers a stream of bytes, not messages. One recv() can hold half a
                reading, or three readings and a piece of a fourth; a server that treats
                each recv() as one reading loses and garbles data under load. This server
                frames on newline across any split, with a bounded buffer (--max-line): a
                longer line is thrown away and reading resumes at the next newline, and a
                partial line left when a board disconnects is reported, not dropped.

                OUTPUT
                Standard output: one line per reading (time received, device, seq, uptime,
                °C, %RH) and connect/disconnect events with peer and duration. Standard
                error: each rejected line with device, line number and reason.
                --format json writes one JSON object per event, all on standard output;
                --quiet leaves out the readings.

                CONTINUITY
                seq counts the board's readings. A jump in seq is a gap: readings the
                board wrote that never reached this server, typically written into a
                connection that was already dead. TCP delivers what reached the server's
                kernel, nothing more. seq or millis going back means the board restarted.

                LOG
                --log FILE appends every valid reading: JSON lines if FILE ends in .jsonl,
                else CSV with a header. Fields: received (ISO 8601 UTC), peer, device,
                seq, millis, temperature, humidity. Writes are batched off the network
                threads and flushed on exit. A file that cannot be opened or written (a
                missing folder, no permission, a /proc file) stops the start with exit 1;
                a write that fails later (a full disk) is said at once on stderr, the
                readings go on being printed, and the exit status is 1 with the count of
                readings not logged.

                LIMITS AND ACCESS
                --max-connections caps the whole server, --max-per-address one IP address
                (so a single misbehaving host cannot take every slot). --allow CIDR serves
                only peers in that range, e.g. --allow 192.168.1.0/24 --allow fd00::/8; an
                IPv4 board seen through an IPv6 (::) listener matches its IPv4 range. A
                refused connection is closed as soon as the kernel hands it over, and
                reported on standard error with the reason; the summary counts refusals by
                reason. Lines are bounded by --max-line, so a board that sends garbage or
                never ends a line costs a bounded buffer, and --idle-timeout closes one
                that trickles nothing at all.

                WEB VIEW
                --web [HOST:]PORT serves a live page for the projector: every board with
                its last reading, gaps, restarts and rejected lines, a plot of its
                temperature and humidity over the last 10 minutes, the connection events
                and the counters, pushed to the browser as they happen. With only a port
                it listens on 127.0.0.1, this machine alone: to show it to the room, name
                an address on purpose, e.g. --web 0.0.0.0:8080 (anyone on the network can
                then read it; nothing on it can change anything). Everything the page
                needs comes from tcplab itself; it works offline. With --capture IFACE
                (root or the capture capabilities) the server also captures its own port,
                and a board's readings, opened on the page, show the TCP segments that
                carried each one (frames, relative seq, split or coalesced). Also /api/boards,
                /api/readings?device=NAME (JSON) and /metrics (Prometheus). The browsers
                are fed from a bounded queue on their own thread: a slow one loses
                updates (and says so), the boards never wait for it.

                PRIVILEGES
                Port 5050 is not privileged: run the server as an ordinary user. Run as
                root, it says once that it need not.

                STOPPING
                Ctrl-C (SIGINT) or SIGTERM stops accepting, reads what open connections
                already delivered, flushes the log, prints a summary and exits 0. A second
                Ctrl-C exits at once.

                EXAMPLES
                    tcplab serve
                    tcplab serve --port 6000 --log readings.csv
                    tcplab serve --quiet --log readings.jsonl --stats-interval 10
                    tcplab serve --format json | jq .
                    tcplab serve --allow 192.168.1.0/24 --max-per-address 4
                    tcplab serve --web 8080                (then open http://127.0.0.1:8080/)
                    tcplab serve --web 0.0.0.0:8080        (the room can open it too)
                    sudo tcplab serve --web 8080 --capture lo   (and the segments)
                """)
        )

        @Option(help: "Address to listen on (0.0.0.0: every IPv4 address of this machine; :: for IPv6).")
        var host = "0.0.0.0"

        @Option(parsing: .unconditional, help: "TCP port to listen on (0 picks a free one).")
        var port = standardPort

        @Option(name: .customLong("max-line"), parsing: .unconditional, help: ArgumentHelp("Longest line in bytes; longer lines are discarded up to their newline.", valueName: "bytes"))
        var maxLine = 256

        @Option(name: .customLong("max-connections"), parsing: .unconditional, help: ArgumentHelp("Close connections beyond this many at once (default: no limit).", valueName: "count"))
        var maxConnections: Int?

        @Option(name: .customLong("max-per-address"), parsing: .unconditional, help: ArgumentHelp("Close connections beyond this many from one IP address (default: no limit).", valueName: "count"))
        var maxPerAddress: Int?

        @Option(name: .customLong("allow"), help: ArgumentHelp("Serve only peers in this range (CIDR, IPv4 or IPv6; repeatable). Others are closed on arrival and logged.", valueName: "cidr"))
        var allow: [String] = []

        @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Close a connection silent for this many seconds (0: never).", valueName: "seconds"))
        var idleTimeout: Double = 60

        @Flag(inversion: .prefixedNo, help: "TCP keepalive probes, to find boards that lost power (half-open connections).")
        var keepalive = true

        @Option(help: ArgumentHelp("Append every valid reading to FILE (.jsonl → JSON lines, otherwise CSV).", valueName: "file"))
        var log: String?

        @Option(help: "Output format: text or json.")
        var format: OutputFormat = .text

        @Flag(help: "Do not print readings; print only events, stats and the summary.")
        var quiet = false

        @Option(name: .customLong("stats-interval"), parsing: .unconditional, help: ArgumentHelp("Print the counters every this many seconds.", valueName: "seconds"))
        var statsInterval: Double?

        @Option(help: "Colour: auto (when writing to a terminal), always or never.")
        var color: ColorChoice = .auto

        // The kernel's view of each connection (issue 13): ServeTCPInfo.swift.
        @OptionGroup var tcpInfo: TCPInfoOptions

        @Option(name: .customLong("capture"), help: ArgumentHelp("With --web: capture the server's port on this interface (e.g. lo, wlan0) so each reading on the page shows the TCP segments that carried it. Needs root or the capture capabilities.", valueName: "interface"))
        var capture: String?

        @Option(name: .customLong("web"), help: ArgumentHelp("Serve the live classroom page on PORT (127.0.0.1) or HOST:PORT (e.g. 0.0.0.0:8080 to show it to the room; off by default).", valueName: "[host:]port"))
        var web: String?

        func validate() throws {
            try checkPort(self.port, allowsZero: true)
            guard self.maxLine >= 1 else { throw ValidationError("--max-line must be at least 1, got \(self.maxLine)") }
            if let limit = self.maxConnections, limit < 1 {
                throw ValidationError("--max-connections must be at least 1, got \(limit)")
            }
            if let limit = self.maxPerAddress, limit < 1 {
                throw ValidationError("--max-per-address must be at least 1, got \(limit)")
            }
            for range in self.allow {
                do { _ = try AddressRange(range) } catch { throw ValidationError("--allow: \(error)") }
            }
            try checkSeconds(self.idleTimeout, option: "--idle-timeout")
            if let interval = self.statsInterval {
                try checkSeconds(interval, option: "--stats-interval", in: 0.001...86_400)
            }
            if let web = self.web { _ = try Self.webAddress(web) }
            if self.capture != nil && self.web == nil {
                throw ValidationError("--capture shows the segments on the web page: give --web too")
            }
        }

        /// `8080` → 127.0.0.1:8080; `HOST:8080`, `[::1]:8080` → that host.
        static func webAddress(_ text: String) throws -> (host: String, port: Int) {
            var host = "127.0.0.1", portText = Substring(text)
            if let colon = text.lastIndex(of: ":") {
                host = String(text[..<colon])
                portText = text[text.index(after: colon)...]
                if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
                guard !host.isEmpty else { throw ValidationError("--web: no address before the port in '\(text)'") }
            }
            guard let port = Int(portText), (0...65535).contains(port) else {
                throw ValidationError("--web takes [HOST:]PORT, the port 0–65535 (0 picks a free one), not '\(text)'")
            }
            return (host, port)
        }

        func run() async throws {
            if getuid() == 0 && (self.port == 0 || self.port >= 1024) {
                StandardError.print("tcplab serve: note: running as root is not needed; any user may listen on port \(self.port).")
            }
            Self.raiseOpenFileLimit()
            let console = Console(printer: self.makePrinter())

            var sinks: [any SensorEventSink] = [console]
            let logWriter = try self.openLog()
            if let logWriter { sinks.append(logWriter) }
            let webFeed = self.web == nil ? nil : WebFeed()
            if let webFeed { sinks.append(webFeed) }
            let capture = try self.openCapture()

            var logger = Logger(label: "tcplab.serve") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = .warning

            let tcpInfo = try self.tcpInfo.open()
            // Ctrl-C is watched before the server says it is listening: one sent right after that
            // line must not fall into the moment the watch is set up (it was lost there, now and
            // then, and serve never stopped). One that comes earlier waits in the stream.
            let (stopRequests, stopRequested) = AsyncStream<Void>.makeStream()
            let interrupts = Interrupts(secondMessage: "tcplab serve: interrupted again: exiting without finishing the log") {
                stopRequested.yield()
            }
            defer { interrupts.stop() }
            let server = try await SensorServer.start(
                configuration: self.serverConfiguration, sinks: sinks, logger: logger,
                addConnectionHandlers: self.tcpInfoSampler(tcpInfo))
            // An IPv6 address takes brackets before its port, as in a URL: [::]:5050.
            let host = self.host.contains(":") ? "[\(self.host)]" : self.host
            console.print(console.printer.format(listeningOn: "\(host):\(server.port)", at: .now()))
            if let capture {
                do { try capture.start(port: server.port) } catch {
                    _ = await server.shutdown()
                    throw CommandFailure("--capture \(self.capture ?? ""): \(error)")
                }
            }
            let webView = try await self.startWebView(feed: webFeed, server: server, links: capture?.links)

            let stats = self.statsInterval.map { interval in
                Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(interval))
                        guard !Task.isCancelled else { break }
                        console.print(console.printer.format(await server.statistics(), at: .now()))
                    }
                }
            }
            for await _ in stopRequests { break }
            stats?.cancel()
            let summary = await server.shutdown()
            await webView?.shutdown()
            capture?.stop()
            for line in console.printer.summaryLines(summary, at: .now()) { console.print(line) }
            try self.finishTCPInfo(tcpInfo)
            console.flush()
            if let logWriter, logWriter.readingsNotWritten > 0 {
                throw CommandFailure("ERROR: \(plural(logWriter.readingsNotWritten, "reading")) NOT written to \(logWriter.path); the log is incomplete")
            }
        }

        /// The capture handle, opened before the server listens (it is the step that needs rights).
        private func openCapture() throws -> ServeCapture? {
            guard let interface = self.capture else { return nil }
            do {
                return try ServeCapture(interface: interface)
            } catch {
                throw CommandFailure("--capture \(interface): \(error)")
            }
        }

        /// The live page, on its own thread; its address goes to standard error (standard output
        /// keeps its format, text or JSON). A page that cannot listen stops the start.
        private func startWebView(feed: WebFeed?, server: SensorServer, links: PacketLinks?) async throws -> WebViewServer? {
            guard let web = self.web, let feed else { return nil }
            let address = try Self.webAddress(web)
            var options = WebViewServer.Options()
            options.host = address.host
            options.port = address.port
            options.packetLinks = links
            do {
                let webView = try await WebViewServer.start(options: options, feed: feed) { await server.statistics() }
                let host = address.host.contains(":") ? "[\(address.host)]" : address.host
                StandardError.print("tcplab serve: web view on http://\(host):\(webView.port)/")
                return webView
            } catch {
                _ = await server.shutdown()
                throw CommandFailure("--web: \(error)")
            }
        }

        /// The --log file, opened before the server listens: a file that cannot be opened or
        /// written stops the start with exit 1. A write that fails later is said at once on
        /// stderr (readings go on being printed) and counted at the end.
        private func openLog() throws -> ReadingLogWriter? {
            guard let path = self.log else { return nil }
            let warned = NIOLockedValueBox(false)
            do {
                return try ReadingLogWriter(path: path) { reason, lost in
                    guard !warned.withLockedValue({ seen in defer { seen = true }; return seen }) else { return }
                    StandardError.print("tcplab serve: ERROR: \(reason): \(lost) reading\(lost == 1 ? "" : "s") not logged so far; "
                                        + "the server keeps running and printing, the log is incomplete")
                }
            } catch {
                throw CommandFailure("--log: \(error)")
            }
        }

        private var serverConfiguration: SensorServerConfiguration {
            var configuration = SensorServerConfiguration()
            configuration.host = self.host
            configuration.port = self.port
            configuration.maxLineLength = self.maxLine
            configuration.maxConnections = self.maxConnections
            configuration.maxConnectionsPerAddress = self.maxPerAddress
            configuration.allowedRanges = self.allow.compactMap { try? AddressRange($0) }  // checked in validate()
            configuration.idleTimeout = self.idleTimeout > 0 ? TimeAmount(.seconds(self.idleTimeout)) : nil
            configuration.keepAlive = self.keepalive
            return configuration
        }

        private func makePrinter() -> any EventFormatter {
            switch self.format {
            case .json: EventJSONFormatter(includeReadings: !self.quiet)
            case .text: EventTextFormatter(color: self.color.enabled, includeReadings: !self.quiet)
            }
        }

        /// Thousands of boards need thousands of descriptors; the usual soft limit is 1024.
        private static func raiseOpenFileLimit() {
            var limit = rlimit()
            guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }
}

/// Prints the server's events: the only place `serve` writes to the terminal. Events arrive from
/// several event loops at once; the lock keeps each line whole.
private final class Console: SensorEventSink, @unchecked Sendable {
    let printer: any EventFormatter
    private let lock = NSLock()

    init(printer: any EventFormatter) {
        self.printer = printer
    }

    func receive(_ event: SensorEvent) {
        guard let line = self.printer.format(event) else { return }
        self.print(line)
    }

    /// A read's events: formatted outside the lock (with --quiet its readings print nothing and
    /// the lock is not taken), then each run of lines for one stream in one write(2), in order.
    func receive(contentsOf events: [SensorEvent]) {
        let lines = events.compactMap { self.printer.format($0) }
        guard !lines.isEmpty else { return }
        self.lock.lock()
        defer { self.lock.unlock() }
        var start = 0
        while start < lines.count {
            let stream = lines[start].stream
            let end = lines[start...].firstIndex { $0.stream != stream } ?? lines.count
            let text = lines[start..<end].lazy.map(\.text).joined(separator: "\n")
            if stream == .standardOutput { StandardOutputLine.print(text) } else { StandardError.print(text) }
            start = end
        }
    }

    func print(_ line: ConsoleLine) {
        self.lock.lock()
        defer { self.lock.unlock() }
        if line.stream == .standardOutput { StandardOutputLine.print(line.text) } else { StandardError.print(line.text) }
    }

    func flush() {
        self.lock.lock()
        defer { self.lock.unlock() }
        fflush(nil)
    }
}
