import ArgumentParser
import DeviceSimulator
import Dispatch
import Foundation
import NIOConcurrencyHelpers
import SensorProtocol

extension DeviceFault: ExpressibleByArgument {}

extension TCPLab {
    /// `tcplab device`: simulated boards. The behaviour is in the DeviceSimulator library; this
    /// file turns options into a configuration, shows progress, handles Ctrl-C and sets the exit code.
    struct Device: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "device",
            abstract: "Simulate ESP8266 + DHT11 boards that send readings to the sensor server.",
            discussion: prose("""
                Each simulated board behaves like the sketch in firmware/: it connects,
                sends HELLO <name>, then one reading per interval in the original format

                    <seq>,<millis>,<temperature-C>,<humidity-%>\\r\\n
                    e.g. 12,1234567,28.3,65.2

                seq counts readings from 0 and millis is the board's uptime. Readings drift
                slowly with a little noise, at the DHT11's resolution (0.1 °C, 1 %RH); the
                same --seed gives the same values. TCP_NODELAY is on, as the firmware's
                setNoDelay(true); --nagle leaves it off (Nagle's algorithm on, still one write
                per reading, for lab 5), while --fault nagle leaves it off AND writes each
                reading in two pieces, text then \\r\\n, as Arduino's println. A board
                reads its sensor only while connected; when the connection is lost it
                reconnects with exponential backoff and jitter, and a reading whose write
                failed is counted as failed, never resent. A reading counts as sent once the
                server has acknowledged its last byte (the kernel's TCP_INFO, on Linux), not
                when the write returned: one written into a connection that is already dead
                never arrives, and counts as failed.

                FAULTS
                --fault KIND makes every board misbehave in one way, for the labs:

                \(Self.faultList)

                --fault-every N sets how often the periodic faults (garbage, long-line, nan,
                abort, vanish, reboot) strike and how many readings coalesce puts in one
                write; --fault-pause sets the pause inside a reading for split and slow.
                vanish needs root (CAP_NET_ADMIN) to drop the socket without a trace
                (TCP_REPAIR); without it the old connection is kept open and silent until
                the run ends. docs/device.md says what each fault looks like in a capture.

                OUTPUT
                Standard error: a progress line (redrawn on a terminal, else at most once
                a second), and connection problems as they happen (--verbose: every
                connect and every fault). Standard output: a summary at the end with
                readings sent and failed, reconnects and the seed.

                BULK UPLOAD
                --bulk BYTES makes each board upload its stored log: HELLO, then valid
                readings back to back until BYTES are written (k = 1000, M = 1000000,
                Ki = 1024, Mi = 1048576), written only as fast as the connection takes
                them, then FIN and a wait for the server's FIN. The summary shows bytes,
                time and goodput. Through a bottleneck (tc tbf on a router between
                board and server: docs/device.md) it shows slow start,
                losses and recovery. --tcp-info FILE (Linux) records the kernel's own
                view every --tcp-info-interval ms: cwnd, ssthresh, srtt, rto,
                retransmissions, delivery rate. docs/device.md describes the file.

                EXIT STATUS
                0 when every reading was written; 1 when a reading could not be written or
                a board gave up connecting (after --retries attempts in a row, or at once
                with --no-retry); 130 after a second Ctrl-C. One Ctrl-C stops the boards
                cleanly (FIN) and prints the summary.

                EXAMPLES
                    tcplab device                  # one board, every 5 s, until Ctrl-C
                    tcplab device --readings 20 --interval 1
                    tcplab device --devices 50 --readings 100 --interval 0.2 --jitter 0.1
                    tcplab device --fault split --readings 5 --interval 1
                    tcplab device --fault garbage --readings 30 --interval 0 --seed 7
                    tcplab device --host 10.50.0.1 --bulk 500k --tcp-info cwnd.csv
                """)
        )

        static var faultList: String {
            DeviceFault.allCases.map { fault in
                let name = fault.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                return Self.wrap("\(name) \(fault.lesson)", width: 78, indent: 11)
            }.joined(separator: "\n")
        }

        /// Wraps a paragraph, indenting continuation lines so the names stand out.
        static func wrap(_ text: String, width: Int, indent: Int) -> String {
            var lines: [String] = []
            var line = ""
            for word in text.split(separator: " ", omittingEmptySubsequences: false) {
                if !line.isEmpty && line.count + 1 + word.count > width {
                    lines.append(line)
                    line = String(repeating: " ", count: indent) + word
                } else {
                    line += line.isEmpty ? String(word) : " " + word
                }
            }
            lines.append(line)
            return lines.joined(separator: "\n")
        }

        @Option(help: "The server's address.")
        var host = "127.0.0.1"

        @Option(parsing: .unconditional, help: "The server's TCP port.")
        var port = standardPort

        @Option(parsing: .unconditional, help: ArgumentHelp("Boards to simulate at once.", valueName: "count"))
        var devices = 1

        @Option(parsing: .unconditional, help: ArgumentHelp("Readings per board (0: until Ctrl-C).", valueName: "count"))
        var readings = 0

        @Option(parsing: .unconditional, help: ArgumentHelp("Seconds between readings (0: as fast as possible; the real DHT11 allows one per 2 s).", valueName: "seconds"))
        var interval: Double = 5

        @Option(parsing: .unconditional, help: ArgumentHelp("Move each wait by up to this many seconds either way, so boards drift apart.", valueName: "seconds"))
        var jitter: Double = 0

        @Option(name: .customLong("name"), help: ArgumentHelp(
            "Boards are named PREFIX-1 … PREFIX-N in their HELLO; one board (the default) is named PREFIX itself (default sim-XXXX-1, new for every run).",
            discussion: "A server left running between lab steps would take a second run's sim-1 for the first one rebooted; a fresh XXXX keeps runs apart.",
            valueName: "prefix"))
        var namePrefixOption: String?

        /// --name, or sim- and four hex digits drawn for this run.
        var namePrefix: String { namePrefixOption ?? Self.runPrefix }
        private static let runPrefix = "sim-" + String(UInt16.random(in: 0x1000...0xffff), radix: 16)

        @Option(parsing: .unconditional, help: ArgumentHelp("Seed for readings, jitter and backoff (default: random; the summary shows it).", valueName: "number"))
        var seed: UInt32?

        @Option(help: ArgumentHelp("Misbehave on purpose, for a lab (see FAULTS above).", valueName: "kind"))
        var fault: DeviceFault?

        @Flag(help: "Leave Nagle's algorithm on (no TCP_NODELAY), one write per reading (lab 5; --fault nagle also splits each reading as println).")
        var nagle = false

        @Option(name: .customLong("fault-every"), parsing: .unconditional, help: ArgumentHelp("Periodic faults strike every N-th reading; coalesce sends N readings per write.", valueName: "N"))
        var faultEvery = 5

        @Option(name: .customLong("fault-pause"), parsing: .unconditional, help: ArgumentHelp("Pause inside a reading for split (default 0.2) and slow (default 0.02, between bytes).", valueName: "seconds"))
        var faultPause: Double?

        @Option(parsing: .unconditional, help: ArgumentHelp("Connect attempts that may fail in a row before a board gives up.", valueName: "count"))
        var retries = 6

        @Flag(name: .customLong("no-retry"), help: "Give up at the first failed connect (same as --retries 1).")
        var noRetry = false

        @Flag(help: "No progress line and no connection messages; only the summary and errors.")
        var quiet = false

        @Flag(help: "Report every connect and every fault applied, for every board.")
        var verbose = false

        // Bulk mode (issue 13): DeviceBulk.swift runs it.
        @Option(help: ArgumentHelp(
            "Upload this many bytes of readings as fast as TCP allows, then close (500k, 2M, 1Mi; see BULK UPLOAD).",
            valueName: "bytes"))
        var bulk: ByteCount?

        @OptionGroup var tcpInfo: TCPInfoOptions

        func validate() throws {
            try checkPort(self.port)
            guard self.devices >= 1 else { throw ValidationError("--devices must be at least 1, got \(self.devices)") }
            guard self.readings >= 0 else { throw ValidationError("--readings must be 0 (until Ctrl-C) or more, got \(self.readings)") }
            try checkSeconds(self.interval, option: "--interval")
            try checkSeconds(self.jitter, option: "--jitter")
            guard self.faultEvery >= 1 else { throw ValidationError("--fault-every must be at least 1, got \(self.faultEvery)") }
            if let pause = self.faultPause { try checkSeconds(pause, option: "--fault-pause") }
            guard self.retries >= 1 else { throw ValidationError("--retries must be at least 1, got \(self.retries)") }
            if self.fault == .reboot && self.faultEvery < 2 {
                throw ValidationError("--fault reboot needs --fault-every 2 or more: seq must climb before it restarts")
            }
            let longestName = self.devices == 1 && self.namePrefixOption != nil ? self.namePrefix : "\(self.namePrefix)-\(self.devices)"
            try self.validateBulk()
            guard case .hello = try? SensorLineParser.parse(SensorLineFormatter.hello(name: longestName)) else {
                throw ValidationError(
                    "--name \(self.namePrefix): names like \(longestName) must be 1–\(SensorLineParser.maximumDeviceNameLength) characters of A–Z a–z 0–9 _ . -")
            }
        }

        func run() async throws {
            if let bulk = self.bulk { return try await self.runBulk(bytes: bulk.value) }
            let seed = self.seed ?? UInt32.random(in: 1...UInt32.max)
            let started = ContinuousClock.now
            let report = await self.runFleet(self.configuration(seed: seed))
            for line in self.summary(report, seed: seed, elapsed: ContinuousClock.now - started) { print(line) }
            fflush(nil)
            let errors = report.errors.sorted { $0.key.localizedStandardCompare($1.key) == .orderedAscending }
            if let (device, error) = errors.first {
                let others = errors.count > 1 ? " (and \(errors.count - 1) more board\(errors.count == 2 ? "" : "s"))" : ""
                throw CommandFailure("error: \(device): \(error)\(others)")
            }
            if !report.isComplete { throw ExitCode.failure }
        }

        private func configuration(seed: UInt32) -> DeviceConfiguration {
            var configuration = DeviceConfiguration()
            configuration.host = self.host
            configuration.port = self.port
            configuration.readings = self.readings == 0 ? nil : self.readings
            configuration.interval = .seconds(self.interval)
            configuration.jitter = .seconds(self.jitter)
            configuration.fault = self.fault
            configuration.nagle = self.nagle
            configuration.faultEvery = self.faultEvery
            configuration.faultPause = self.faultPause.map { .seconds($0) }
            configuration.seed = seed
            configuration.reconnect.maxAttempts = self.noRetry ? 1 : self.retries
            return configuration
        }

        /// The boards, with a progress line on stderr, until they are done or Ctrl-C.
        private func runFleet(_ configuration: DeviceConfiguration) async -> DeviceReport {
            let progress = DeviceProgress()
            let terminal = DeviceTerminal(
                isTTY: isatty(STDERR_FILENO) == 1, devices: self.devices,
                verbose: self.verbose, quiet: self.quiet)
            let fleet = Task {
                await DeviceFleet.run(
                    configuration, count: self.devices, prefix: self.namePrefix,
                    soleName: self.namePrefixOption != nil, progress: progress,
                    events: { terminal.show($0) })
            }
            let ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: terminal.isTTY ? .milliseconds(200) : .seconds(1))
                    guard !Task.isCancelled else { break }
                    terminal.progress(progress.snapshot)
                }
            }
            let interrupts = Interrupts {
                terminal.note("stopping: finishing the readings under way (Ctrl-C again to quit at once)")
                fleet.cancel()
            }
            let report = await fleet.value
            ticker.cancel()
            interrupts.stop()
            terminal.clearProgress()
            return report
        }

        private func summary(_ report: DeviceReport, seed: UInt32, elapsed: Duration) -> [String] {
            let boards = self.devices == 1 ? "1 board" : "\(self.devices) boards"
            var lines = ["sent \(report.sent) reading\(report.sent == 1 ? "" : "s") from \(boards) to \(self.host):\(self.port) in \(elapsed.secondsText)"]
            lines.append("  failed      \(report.failed)\(report.failed > 0 ? " (never acknowledged by the server, or not written: gaps in seq at the server)" : "")")
            lines.append("  reconnects  \(report.reconnects) (\(report.connections) connection\(report.connections == 1 ? "" : "s"), \(report.connectFailures) failed connect\(report.connectFailures == 1 ? "" : "s"))")
            if report.connectionsLost > 0 {
                // A successful write only hands the bytes to the kernel (lab 8 and 9 are about this).
                lines.append("  lost        \(report.connectionsLost) connection\(report.connectionsLost == 1 ? "" : "s") broke: "
                             + "readings written into it that the server never acknowledged count as failed, not sent")
            }
            if let fault = self.fault {
                lines.append("  fault       \(fault.rawValue)\(report.faultLines > 0 ? ": \(report.faultLines) invalid line\(report.faultLines == 1 ? "" : "s") sent" : "")")
            }
            lines.append("  seed        \(seed) (repeat the readings with --seed \(seed))")
            return lines
        }
    }
}

/// Everything `device` writes to standard error: one lock keeps lines whole across boards.
private final class DeviceTerminal: Sendable {
    let isTTY: Bool
    private let devices: Int
    private let verbose: Bool
    private let quiet: Bool
    private struct State {
        /// Boards whose messages are shown; beyond a few, only the progress line speaks for them.
        var shown: Set<String> = []
        var suppressed = false
        /// A progress line is on the terminal without a newline (it must be erased first).
        var progressShown = false
        var last: DeviceProgress.Snapshot?
    }

    private let state = NIOLockedValueBox(State())
    static let boardsReported = 5

    init(isTTY: Bool, devices: Int, verbose: Bool, quiet: Bool) {
        self.isTTY = isTTY
        self.devices = devices
        self.verbose = verbose
        self.quiet = quiet
    }

    func show(_ event: DeviceEvent) {
        let text: String?
        let device: String
        switch event {
        case .connected(let name, let connection, let local):
            device = name
            text = self.verbose ? "\(name): connected from \(local) (connection \(connection))" : nil
        case .connectFailed(let name, let error, let failures, let retryIn):
            device = name
            if let retryIn {
                text = "\(name): \(failures == 1 ? error.description : error.summary); retrying in \(retryIn.secondsText) (failure \(failures) in a row)"
            } else {
                text = nil  // the final error is printed once, after the summary
            }
        case .connectionLost(let name, let lost, let reason):
            device = name
            text = "\(name): connection lost (\(reason))\(lost > 0 ? ": \(lost) line\(lost == 1 ? "" : "s") not written" : ""); reconnecting"
        case .faultApplied(let name, _, let detail):
            device = name
            text = self.verbose ? "\(name): \(detail)" : nil
        }
        guard let text, !self.quiet else { return }
        let show: Bool = self.state.withLockedValue { state in
            if self.verbose || state.shown.contains(device) { return true }
            if state.shown.count < Self.boardsReported {
                state.shown.insert(device)
                return true
            }
            if !state.suppressed {
                state.suppressed = true
                self.writeLine("(messages from further boards left out; --verbose shows them)", state: &state)
            }
            return false
        }
        if show { self.note(text) }
    }

    func note(_ text: String) {
        self.state.withLockedValue { self.writeLine(text, state: &$0) }
    }

    func progress(_ snapshot: DeviceProgress.Snapshot) {
        guard !self.quiet else { return }
        self.state.withLockedValue { state in
            guard state.last != snapshot else { return }
            state.last = snapshot
            var line = "sent \(snapshot.sent) · failed \(snapshot.failed) · connected \(snapshot.connected)/\(self.devices)"
                + " · reconnects \(snapshot.reconnects)"
            if snapshot.connectFailures > 0 { line += " · failed connects \(snapshot.connectFailures)" }
            if snapshot.faultLines > 0 { line += " · fault lines \(snapshot.faultLines)" }
            if self.isTTY {
                StandardError.write("\r\u{1B}[K" + line)
                state.progressShown = true
            } else {
                StandardError.write(line + "\n")
            }
        }
    }

    func clearProgress() {
        self.state.withLockedValue { state in
            if state.progressShown { StandardError.write("\r\u{1B}[K") }
            state.progressShown = false
        }
    }

    private func writeLine(_ text: String, state: inout State) {
        if state.progressShown { StandardError.write("\r\u{1B}[K") }
        state.progressShown = false
        state.last = nil  // redraw the progress line after the message
        StandardError.write("tcplab device: " + text + "\n")
    }
}
