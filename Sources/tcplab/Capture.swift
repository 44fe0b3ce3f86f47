import ArgumentParser
import CaptureAnalysis
import Foundation
import LabReport
import PacketCapture

#if canImport(Glibc)
import Glibc
#endif

/// The handle a Ctrl-C should stop (a C signal handler cannot capture context).
nonisolated(unsafe) private var activeCaptureToken: OpaquePointer?

extension TCPLab {
    struct Capture: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Capture live traffic with libpcap and explain it as it arrives.",
            discussion: prose("""
                By default it listens on every interface for the sensor's port: filter
                'tcp port 5050'. Start it, then start the server and a board (or `tcplab device`),
                and watch the handshake, the readings and the ending packet by packet.

                Capturing needs privileges: run it with sudo, or once give the binary the
                capabilities so it needs no sudo at all:
                  sudo setcap cap_net_raw,cap_net_admin=eip "$(command -v tcplab)"

                Privilege is needed only to open the capture. Right after that, before
                it reads a packet or creates the -w file, tcplab gives it up for good:
                it becomes the user who ran sudo (SUDO_UID/SUDO_GID) or --user NAME, or
                clears the capabilities setcap gave it, and says so on stderr. The -w
                file belongs to that user. As root without sudo or --user it stays root
                and says so.

                Ctrl-C stops it and prints how many packets were captured and how many the kernel
                dropped (as tcpdump does).

                Examples:
                  sudo tcplab capture                     # tcp port 5050 on all interfaces
                  sudo tcplab capture -i lo -c 10 -w lab.pcap
                  sudo tcplab capture --filter 'host 192.168.1.42 and tcp'
                """))

        @Option(name: .shortAndLong, help: "The interface to capture on ('any' = all of them, Linux).")
        var interface: String = "any"

        @Option(parsing: .unconditional, help: "Capture TCP on this port (filter 'tcp port N').")
        var port: Int?

        @Option(help: "Any BPF filter expression instead of 'tcp port N'.")
        var filter: String?

        @Option(name: .short, parsing: .unconditional, help: ArgumentHelp("Stop after this many packets.", valueName: "count"))
        var count: Int?

        @Option(name: .short, help: ArgumentHelp("Also write the packets to this pcap file (Wireshark and tshark open it).", valueName: "file"))
        var write: String?

        @Option(name: .long, help: ArgumentHelp(
            "Once the capture is open, run as this user (like tcpdump -Z).",
            discussion: "Started with sudo, tcplab becomes the user who ran sudo anyway; --user picks another account, e.g. 'nobody'.",
            valueName: "name"))
        var user: String?

        @Option(parsing: .unconditional, help: "Bytes kept of each packet (the snapshot length).")
        var snaplen: Int32 = 262_144

        @Option(name: [.customShort("B"), .long], parsing: .unconditional, help: ArgumentHelp(
            "The kernel's capture buffer in KiB, as tcpdump's -B (default \(PacketSource.defaultBufferSize / 1024), 32 MiB).",
            discussion: "Packets wait here while tcplab prints; when it is full the kernel drops them and tcplab warns at once.",
            valueName: "KiB"))
        var bufferSize: Int = PacketSource.defaultBufferSize / 1024

        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp(
            "Memory in MiB for packets taken off the kernel's buffer but not yet shown (default 256).",
            discussion: "A thread keeps the kernel's buffer (-B) empty while the terminal, a pager or a pipe is slow; only when both are full does the kernel drop packets, and tcplab says so.",
            valueName: "MiB"))
        var queueSize = 256

        @Flag(name: .shortAndLong, help: "Print no packets (with -w: only write the file), just the counts at the end.")
        var quiet = false

        @Flag(help: "List the interfaces that can be captured on, and exit.")
        var listInterfaces = false

        @OptionGroup var output: PacketOutputOptions

        func validate() throws {
            if port != nil && filter != nil {
                throw ValidationError("give --port or --filter, not both (--filter 'tcp port N and ...' does both).")
            }
            if let port { try checkPort(port) }
            if let count, count < 1 { throw ValidationError("-c must be at least 1.") }
            if snaplen < 64 { throw ValidationError("--snaplen below 64 would cut even the headers.") }
            if !(64...(4 << 20)).contains(bufferSize) {
                throw ValidationError("-B/--buffer-size is in KiB and must be 64–4194304 (4 GiB), not \(bufferSize).")
            }
            if !(0...65536).contains(queueSize) {
                throw ValidationError("--queue-size is in MiB and must be 0–65536, not \(queueSize).")
            }
            if quiet && write == nil { throw ValidationError("-q without -w would capture and show nothing; add -w FILE.") }
        }

        var filterExpression: String { filter ?? "tcp port \(port ?? standardPort)" }

        func run() throws {
            if listInterfaces { return try printInterfaces() }
            let (source, writer) = try openAsRoot()
            StandardError.print("tcplab: capturing on \(interface), filter '\(filterExpression)'\(write.map { ", writing \($0)" } ?? "") — Ctrl-C to stop")
            stopOnInterrupt(source)
            defer { activeCaptureToken = nil }
            let captured = try show(source, writing: writer)
            if let stats = source.statistics() {
                StandardError.print(CaptureLossReport.summary(captured: captured, stats: stats, interface: interface))
            }
        }

        /// The privileged part: opens the handle, then gives root up (or the capabilities) before
        /// a packet is read or the -w file created. Whom to become is settled first, so a bad
        /// --user fails before anything is opened.
        private func openAsRoot() throws -> (PacketSource, PacketWriter?) {
            let privileges = try PrivilegeDrop.plan(user: user, environment: ProcessInfo.processInfo.environment)
            let source = try PacketSource.open(interface: interface, snaplen: snaplen, bufferSize: bufferSize * 1024)
            try source.setFilter(filterExpression)
            if let note = try PrivilegeDrop.carryOut(privileges) { StandardError.print("tcplab: \(note)") }
            return (source, try write.map { try source.makeWriter(path: $0) })
        }

        /// Ctrl-C (or SIGTERM) ends the capture loop; the summary is still printed.
        private func stopOnInterrupt(_ source: PacketSource) {
            activeCaptureToken = source.breakToken
            unblockStopSignals()
            signal(SIGINT) { _ in if let token = activeCaptureToken { PacketSource.breakLoop(token) } }
            signal(SIGTERM) { _ in if let token = activeCaptureToken { PacketSource.breakLoop(token) } }
        }

        /// Reads until -c packets or Ctrl-C: each packet to the -w file, then shown (none with -q).
        /// Returns how many were captured.
        private func show(_ source: PacketSource, writing writer: PacketWriter?) throws -> Int {
            let reader = CaptureReader(source: source, keepHistory: !quiet && output.view.needsHistory)
            reader.liveQueueBytes = queueSize << 20
            let view = quiet ? nil : PacketView(reader: reader, options: output.view, sink: StandardOutput.sink)
            let monitor = LiveCaptureMonitor(reader: reader) {
                view?.flush()
                writer?.flush()
            }
            defer {
                view?.finish()
                writer?.flush()
            }
            if let view {
                try reader.read(limit: count, housekeeping: monitor.tick) { analyzed, record in
                    try writer?.write(record)
                    view.add(analyzed, bytes: record.bytes)
                }
            } else {
                try reader.readRecords(limit: count, housekeeping: monitor.tick) { try writer?.write($0) }
            }
            return reader.records
        }

        private func printInterfaces() throws {
            let interfaces = try PacketSource.interfaces()
            let width = max(10, (interfaces.map(\.name.count).max() ?? 0) + 2)
            for device in interfaces {
                var line = pad(device.name, width)
                var notes: [String] = []
                if device.isLoopback { notes.append("loopback") }
                if !device.isUp { notes.append("down") }
                if !device.addresses.isEmpty { notes.append(device.addresses.joined(separator: ", ")) }
                if let description = device.description { notes.append(description) }
                line += notes.joined(separator: "  ")
                print(line)
            }
        }
    }
}

/// A live capture's housekeeping between reads: output out every `flushInterval` seconds and
/// whenever the wire goes quiet (students see each packet as it happens, without a write per
/// packet), and kernel drops said the moment they are seen, on stderr.
private final class LiveCaptureMonitor {
    private static let flushInterval = 0.02
    private let reader: CaptureReader
    private let flush: () -> Void
    private var nextFlush = 0.0
    private var drops = DropMonitor()

    init(reader: CaptureReader, flush: @escaping () -> Void) {
        self.reader = reader
        self.flush = flush
    }

    func tick(quiet: Bool) {
        let now = MonotonicClock.seconds
        if quiet || now >= nextFlush {
            flush()
            nextFlush = now + Self.flushInterval
        }
        if let stats = reader.liveStatistics, let dropped = drops.newDrops(in: stats) {
            StandardError.print(CaptureLossReport.warning(new: dropped.new, total: dropped.total))
        }
    }
}
