import CLabNetwork
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Two network namespaces, the board's and the server's, joined by a link that delays, loses
/// and rate-limits packets: a round trip of a Wi-Fi network or worse on one laptop.
///
///     tcplab-board                 tcplab net forward                      tcplab-server
///     lab0 10.50.0.1  ── TUN ──►  bottleneck (--rate, --burst, --queue),   ── TUN ──►  lab0 10.50.0.2
///                                 holds each packet (--delay), drops some
///                                 (--loss); netem delays and loses instead
///                                 where the kernel has it
///
/// `up` makes it, `down` removes it, `status` reads what `up` wrote. Nothing here prints.
public struct LabNetwork: Sendable {
    public let layout: LabNetworkLayout

    public init(layout: LabNetworkLayout = LabNetworkLayout()) { self.layout = layout }

    public enum DelayChoice: String, Sendable, CaseIterable {
        /// netem where the kernel has it, else the forwarder.
        case auto, netem, tcplab
    }

    // MARK: up

    /// Makes the network. `executable` is tcplab itself, started detached as the forwarder.
    public func up(_ settings: LinkSettings, delayWith choice: DelayChoice = .auto,
                   executable: String) throws(LabNetworkError) -> LabNetworkState {
        guard LabNetworkLayout.isValidPrefix(layout.prefix) else { throw .badPrefix(layout.prefix) }
        guard geteuid() == 0 else { throw .notRoot(action: "tcplab net up") }
        let ip = try Self.tool("ip", package: "iproute2")
        let tc = try Self.tool("tc", package: "iproute2")
        if LabNetworkState.read(layout.statePath) != nil {
            throw .alreadyUp(prefix: layout.prefix, namespaces: [layout.boardNamespace, layout.serverNamespace])
        }
        for side in LabNetworkLayout.Side.allCases where access(layout.namespacePath(side), F_OK) == 0 {
            throw .nameTaken(layout.namespace(side))
        }
        guard access("/dev/net/tun", R_OK | W_OK) == 0 else { throw .noTun("/dev/net/tun: \(String(cString: strerror(errno)))") }
        mkdir(LabNetworkLayout.stateDirectory, 0o755)
        do throws(LabNetworkError) {
            for side in LabNetworkLayout.Side.allCases {
                try HostCommand.check(ip, ["netns", "add", layout.namespace(side)])
                try HostCommand.check(ip, ["-n", layout.namespace(side), "link", "set", "lo", "up"])
            }
            let delayedBy = try delayMethod(settings, choice: choice, tc: tc)
            var forwarded = settings
            if delayedBy == .netem { forwarded.delayMicroseconds = 0; forwarded.loss = 0 }
            let pid = try startForwarder(executable, forwarded)
            for side in LabNetworkLayout.Side.allCases {
                let namespace = layout.namespace(side), here = LabNetworkLayout.address(side)
                let there = LabNetworkLayout.address(side == .board ? .server : .board)
                // No IPv6 link-local address: nothing but the lab's own traffic on the link.
                _ = try? HostCommand.run(ip, ["-n", namespace, "link", "set", LabNetworkLayout.interface, "addrgenmode", "none"])
                try HostCommand.check(ip, ["-n", namespace, "addr", "add", "\(here)/32", "peer", "\(there)/32", "dev", LabNetworkLayout.interface])
                try HostCommand.check(ip, ["-n", namespace, "link", "set", LabNetworkLayout.interface, "up"])
            }
            try addQueueingDisciplines(settings, netem: delayedBy == .netem, tc: tc)
            let state = LabNetworkState(prefix: layout.prefix, settings: settings, delayedBy: delayedBy,
                                        forwarderPID: pid, created: Self.epochSeconds())
            try state.write(layout.statePath)
            return state
        } catch {
            _ = try? down()
            throw error
        }
    }

    /// netem when asked for or available (tried on the new namespace's loopback), else the forwarder.
    private func delayMethod(_ settings: LinkSettings, choice: DelayChoice, tc: String) throws(LabNetworkError) -> LabNetworkState.DelayMethod? {
        guard settings.delayMicroseconds > 0 || settings.loss > 0 else { return nil }
        if choice == .tcplab { return .tcplab }
        let probe = try HostCommand.run(tc, ["-n", layout.boardNamespace, "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"])
        if probe.status == 0 {
            try HostCommand.check(tc, ["-n", layout.boardNamespace, "qdisc", "del", "dev", "lo", "root"])
            return .netem
        }
        if choice == .netem { throw .netemMissing }
        return .tcplab
    }

    /// `tcplab net forward`, in a session of its own; it says "ready" once both devices are open.
    private func startForwarder(_ executable: String, _ settings: LinkSettings) throws(LabNetworkError) -> Int32 {
        var ends: [Int32] = [0, 0]
        let piped = tcplab_pipe(&ends)
        guard piped == 0 else { throw .system("pipe2", errno: -piped) }
        defer { close(ends[0]) }
        let log = open(layout.forwarderLogPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard log >= 0 else { close(ends[1]); throw .system("open \(layout.forwarderLogPath)", errno: errno) }
        defer { close(log) }
        var arguments = ["net", "forward", "--prefix", layout.prefix,
                         "--delay", "\(settings.delayMicroseconds)us", "--loss", LinkSettings.lossText(settings.loss),
                         "--seed", "\(settings.seed)"]
        if let rate = settings.rateBitsPerSecond {
            arguments += ["--rate", "\(rate)", "--burst", "\(settings.burstBytes)", "--queue", "\(settings.queueBytes)"]
        }
        let pid: pid_t
        do throws(LabNetworkError) {
            pid = try HostCommand.spawn(executable, arguments, output: ends[1], error: log, newSession: true)
        } catch {
            close(ends[1])
            throw error
        }
        close(ends[1])
        var said: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 256)
        var poller = [pollfd(fd: ends[0], events: Int16(POLLIN), revents: 0)]
        let deadline = Self.monotonicSeconds() + 10
        while !said.contains(10) && Self.monotonicSeconds() < deadline {
            let ready = tcplab_poll(&poller, 1, 200_000_000)
            if ready == -EINTR { continue }
            guard ready >= 0 else { break }
            guard poller[0].revents != 0 else { continue }
            let got = read(ends[0], &buffer, buffer.count)
            if got <= 0 { break }
            said += buffer[..<got]
        }
        if String(decoding: said, as: UTF8.self).hasPrefix("ready") { return pid }
        kill(pid, SIGKILL)
        let logged = (try? String(contentsOfFile: layout.forwarderLogPath, encoding: .utf8)) ?? ""
        throw .forwarderFailed(logged.isEmpty ? "it said nothing within 10 s (log: \(layout.forwarderLogPath))" : logged)
    }

    /// netem on both sides, when it delays (the rate limit is the forwarder's, on the way).
    private func addQueueingDisciplines(_ settings: LinkSettings, netem: Bool, tc: String) throws(LabNetworkError) {
        for arguments in queueingDisciplineCommands(settings, netem: netem) { try HostCommand.check(tc, arguments) }
    }

    /// The `tc` arguments `up` runs for these settings (apart, so a test can read them where the
    /// kernel has no netem to run them on).
    public func queueingDisciplineCommands(_ settings: LinkSettings, netem: Bool) -> [[String]] {
        guard netem else { return [] }
        var netemArguments = ["netem", "delay", "\(settings.delayMicroseconds)us"]
        if settings.loss > 0 { netemArguments += ["loss", LinkSettings.lossText(settings.loss)] }
        netemArguments += ["limit", "10000"]
        return [layout.boardNamespace, layout.serverNamespace].map {
            ["-n", $0, "qdisc", "add", "dev", LabNetworkLayout.interface, "root"] + netemArguments
        }
    }

    // MARK: down

    public struct Removal: Sendable, Equatable {
        public var namespaces: [String] = []
        public var forwarderPIDs: [Int32] = []
        /// Processes still running inside the namespaces (a server, a capture), stopped first.
        public var processesStopped = 0
        public var isEmpty: Bool { namespaces.isEmpty && forwarderPIDs.isEmpty }
    }

    /// Removes whatever of the network exists; removing nothing is not an error.
    @discardableResult
    public func down() throws(LabNetworkError) -> Removal {
        guard geteuid() == 0 else { throw .notRoot(action: "tcplab net down") }
        let ip = try Self.tool("ip", package: "iproute2")
        var removal = Removal()
        removal.forwarderPIDs = Self.forwarders(prefix: layout.prefix)
        Self.stop(removal.forwarderPIDs)
        for side in LabNetworkLayout.Side.allCases where access(layout.namespacePath(side), F_OK) == 0 {
            let inside = ((try? HostCommand.run(ip, ["netns", "pids", layout.namespace(side)]))?.output ?? "")
                .split(separator: "\n").compactMap { pid_t($0) }
            Self.stop(inside)
            removal.processesStopped += inside.count
            try HostCommand.check(ip, ["netns", "del", layout.namespace(side)])
            removal.namespaces.append(layout.namespace(side))
        }
        unlink(layout.statePath)
        unlink(layout.forwarderLogPath)
        return removal
    }

    // MARK: status

    public struct Status: Sendable {
        public var state: LabNetworkState?
        /// The namespaces that exist.
        public var namespaces: [String]
        /// The forwarders of this prefix that are running.
        public var forwarderPIDs: [Int32]
        public var isUp: Bool { state != nil && namespaces.count == 2 && !forwarderPIDs.isEmpty }
    }

    /// What exists now; needs no root.
    public func status() -> Status {
        Status(state: LabNetworkState.read(layout.statePath),
               namespaces: LabNetworkLayout.Side.allCases.filter { access(layout.namespacePath($0), F_OK) == 0 }.map { layout.namespace($0) },
               forwarderPIDs: Self.forwarders(prefix: layout.prefix))
    }

    // MARK: helpers

    static func tool(_ name: String, package: String) throws(LabNetworkError) -> String {
        guard let path = HostCommand.find(name) else { throw .missingTool(name, package: package) }
        return path
    }

    /// Running processes whose command line is `… net forward --prefix PREFIX …` (found by
    /// looking, not by the state file's pid, which a crash or a reboot can make stale).
    static func forwarders(prefix: String) -> [Int32] {
        guard let folder = opendir("/proc") else { return [] }
        defer { closedir(folder) }
        var found: [Int32] = []
        while let entry = readdir(folder) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let pid = Int32(name), isRunning(pid) else { continue }
            let words = commandLine(pid)
            if let at = words.firstIndex(of: "forward"), at > 0, words[at - 1] == "net",
               let option = words.firstIndex(of: "--prefix"), option + 1 < words.count, words[option + 1] == prefix {
                found.append(pid)
            }
        }
        return found.sorted()
    }

    static func commandLine(_ pid: Int32) -> [String] {
        guard let file = fopen("/proc/\(pid)/cmdline", "r") else { return [] }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let got = fread(&buffer, 1, buffer.count, file)
            if got == 0 { break }
            bytes += buffer[..<got]
        }
        return bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Alive and not a zombie waiting for a parent that is gone (a detached forwarder's fate).
    static func isRunning(_ pid: Int32) -> Bool {
        guard let file = fopen("/proc/\(pid)/stat", "r") else { return false }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let got = fread(&buffer, 1, buffer.count, file)
        let text = String(decoding: buffer[..<got], as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return false }
        let state = text[text.index(after: close)...].drop { $0 == " " }.first
        return state != "Z" && state != "X"
    }

    /// SIGTERM, up to two seconds to go, then SIGKILL.
    static func stop(_ pids: [Int32]) {
        guard !pids.isEmpty else { return }
        for pid in pids { kill(pid, SIGTERM) }
        let deadline = monotonicSeconds() + 2
        while pids.contains(where: isRunning) && monotonicSeconds() < deadline { usleep(20_000) }
        for pid in pids where isRunning(pid) { kill(pid, SIGKILL) }
        // Reap our own children (a forwarder started by this process); others' are not ours to wait for.
        for pid in pids { _ = waitpid(pid, nil, WNOHANG) }
    }

    static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func epochSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
