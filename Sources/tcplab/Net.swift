import ArgumentParser
import Foundation
import LabNetwork

extension LabNetworkError: StudentFacingError {}
extension LabNetwork.DelayChoice: ExpressibleByArgument {}
extension LabNetworkLayout.Side: ExpressibleByArgument {}

extension TCPLab {
    /// `tcplab net`: a board and a server on one laptop, a real round trip between them. The
    /// namespaces, the link and the forwarder are the LabNetwork library's; this file parses and says.
    struct Net: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "net",
            abstract: "A lab network on one machine: a board's and a server's namespace, with delay, loss and a rate limit between them.",
            discussion: prose("""
                Loopback answers in microseconds, so what TCP does about a round trip (Nagle,
                delayed ACKs, slow start, retransmission) hardly shows on one machine. `tcplab
                net up` makes two network namespaces, like two computers:

                    tcplab-board   lab0 10.50.0.1   (the board: tcplab device, a capture)
                    tcplab-server  lab0 10.50.0.2   (the server: tcplab serve)

                joined by a link that delays each packet (--delay, ONE WAY: the round trip is
                twice it), drops some (--loss, each direction) and limits the board's sending
                rate with a small queue (--rate, --burst, --queue: a router's bottleneck in
                tcplab's forwarder, which drops what overflows its queue, so the board's TCP
                sees real losses). The kernel's netem does the delay and loss where it exists;
                on kernels without it (no sch_netem) tcplab's own forwarder does (`tcplab net
                status` says which).

                Run commands on each side with `tcplab net exec board|server -- COMMAND` (the
                same as `ip netns exec tcplab-board COMMAND`). `tcplab net down` removes it all.

                EXAMPLES
                    sudo tcplab net up --delay 10ms                    # a 20 ms round trip
                    sudo tcplab net exec server -- tcplab serve
                    sudo tcplab net exec board -- tcplab capture -i lab0 -w x.pcap
                    sudo tcplab net exec board -- tcplab device --host 10.50.0.2 --nagle
                    sudo tcplab net up --delay 20ms --rate 4mbit --queue 12kb --loss 1%
                    tcplab net status
                    sudo tcplab net down
                """),
            subcommands: [Up.self, Down.self, Status.self, Exec.self, Forward.self]
        )
    }
}

/// `--prefix`: which network (tests and a second network use their own).
struct NetworkPrefix: ParsableArguments {
    @Option(help: ArgumentHelp("The namespaces are PREFIX-board and PREFIX-server.", valueName: "prefix"))
    var prefix = "tcplab"

    func validate() throws {
        guard LabNetworkLayout.isValidPrefix(prefix) else { throw ValidationError(LabNetworkError.badPrefix(prefix).description) }
    }

    var network: LabNetwork { LabNetwork(layout: LabNetworkLayout(prefix: prefix)) }
}

extension TCPLab.Net {
    struct Up: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make the lab network (needs root).",
            discussion: prose("""
                Every setting applies to the link between lab0 in PREFIX-board and lab0 in
                PREFIX-server. Units as tc writes them: 20ms, 1.5s, 250us; 1% (or 0.5);
                4mbit, 500kbit; 12kb (1024 bytes), 1500b.

                Fails, changing nothing, when the network is already up (`tcplab net down`
                first), when a namespace of that name exists, or when ip, tc or /dev/net/tun
                is missing.
                """))

        @OptionGroup var network: NetworkPrefix

        @Option(help: ArgumentHelp("One-way delay, each direction; the round trip is twice it (e.g. 10ms).", valueName: "time"))
        var delay = "0ms"

        @Option(help: ArgumentHelp("Packets dropped at random, each direction, in percent (e.g. 1%).", valueName: "percent"))
        var loss = "0%"

        @Option(help: ArgumentHelp("The rate of the link from the board, a router's bottleneck (e.g. 4mbit); default: no limit.", valueName: "rate"))
        var rate: String?

        @Option(help: ArgumentHelp("With --rate: bytes that may wait behind the rate limit; more are dropped.", valueName: "size"))
        var queue = "12kb"

        @Option(help: ArgumentHelp("With --rate: the bucket, bytes that may leave at once after a pause.", valueName: "size"))
        var burst = "8kb"

        @Option(name: .customLong("delay-with"), help: ArgumentHelp(
            "Who delays and drops: auto (netem where the kernel has it, else tcplab), netem, or tcplab (the forwarder).",
            valueName: "auto|netem|tcplab"))
        var delayWith: LabNetwork.DelayChoice = .auto

        @Option(help: ArgumentHelp("Seed for the forwarder's losses (the same seed drops the same packets of the same traffic).", valueName: "number"))
        var seed: UInt32 = 1

        func validate() throws {
            _ = try settings()
        }

        func settings() throws -> LinkSettings {
            var settings = LinkSettings()
            guard let delay = LinkSettings.parseDuration(delay) else {
                throw ValidationError("--delay \(delay): give a time such as 20ms, 0.5s or 250us (at most 60s)")
            }
            guard let loss = LinkSettings.parseLoss(loss) else { throw ValidationError("--loss \(loss): give a percentage 0–100, such as 1%") }
            settings.delayMicroseconds = delay
            settings.loss = loss
            if let rate {
                guard let bits = LinkSettings.parseRate(rate) else {
                    throw ValidationError("--rate \(rate): give a rate such as 4mbit or 500kbit (at least 8kbit)")
                }
                settings.rateBitsPerSecond = bits
            }
            guard let queue = LinkSettings.parseSize(queue), queue >= 1600 else {
                throw ValidationError("--queue \(queue): give a size of at least 1600b (one full packet), such as 12kb")
            }
            guard let burst = LinkSettings.parseSize(burst), burst >= 1600 else {
                throw ValidationError("--burst \(burst): give a size of at least 1600b (one full packet), such as 8kb")
            }
            settings.queueBytes = queue
            settings.burstBytes = burst
            settings.seed = seed
            return settings
        }

        func run() throws {
            let state = try network.network.up(try settings(), delayWith: delayWith, executable: Self.executable())
            print(TCPLab.Net.describe(state, forwarders: [state.forwarderPID], heading: "lab network \(state.prefix) is up"), terminator: "")
            let exec = "sudo tcplab net exec" + (state.prefix == "tcplab" ? "" : " --prefix \(state.prefix)")
            print("""

                Run each side in its own namespace (or: sudo ip netns exec \(state.layout.boardNamespace) COMMAND):
                  \(exec) server -- tcplab serve
                  \(exec) board -- tcplab capture -i \(LabNetworkLayout.interface) -w lab.pcap
                  \(exec) board -- tcplab device --host \(LabNetworkLayout.serverAddress)
                Remove it with: sudo tcplab net down\(state.prefix == "tcplab" ? "" : " --prefix \(state.prefix)")
                """)
        }

        /// This very binary, for the forwarder (sudo's PATH may not have it).
        static func executable() throws -> String {
            var buffer = [CChar](repeating: 0, count: 4096)
            let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            guard length > 0 else { throw CommandFailure("cannot find tcplab's own path (/proc/self/exe)") }
            return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    struct Down: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the lab network (needs root).",
            discussion: prose("""
                Stops the forwarder and whatever still runs inside the two namespaces (a server,
                a capture: SIGTERM, then SIGKILL after 2 s), and deletes the namespaces. Removing
                a network that is not there is not an error.
                """))

        @OptionGroup var network: NetworkPrefix

        func run() throws {
            let removal = try network.network.down()
            if removal.isEmpty {
                print("nothing to remove: the lab network \(network.prefix) is not up")
                return
            }
            var said = "removed the lab network \(network.prefix)"
            if !removal.namespaces.isEmpty { said += ": namespaces \(removal.namespaces.joined(separator: ", "))" }
            if !removal.forwarderPIDs.isEmpty { said += "; stopped the forwarder (pid \(removal.forwarderPIDs.map(String.init).joined(separator: ", ")))" }
            if removal.processesStopped > 0 {
                said += "; stopped \(removal.processesStopped) process\(removal.processesStopped == 1 ? "" : "es") still running inside"
            }
            print(said)
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show whether the lab network is up, and its settings.",
            discussion: "Exit status 0 when it is up, 1 when it is not (or only partly).")

        @OptionGroup var network: NetworkPrefix

        func run() throws {
            let status = network.network.status()
            if let state = status.state, status.isUp {
                print(TCPLab.Net.describe(state, forwarders: status.forwarderPIDs, heading: "lab network \(state.prefix) is up"), terminator: "")
                return
            }
            if status.state == nil && status.namespaces.isEmpty && status.forwarderPIDs.isEmpty {
                print("the lab network \(network.prefix) is not up (sudo tcplab net up\(network.prefix == "tcplab" ? "" : " --prefix \(network.prefix)") makes it)")
                throw ExitCode.failure
            }
            print("the lab network \(network.prefix) is only partly there: namespaces [\(status.namespaces.joined(separator: ", "))], "
                  + "forwarder \(status.forwarderPIDs.isEmpty ? "not running" : "pid \(status.forwarderPIDs.map(String.init).joined(separator: ", "))")"
                  + (status.state == nil ? ", no state file" : "")
                  + "; sudo tcplab net down\(network.prefix == "tcplab" ? "" : " --prefix \(network.prefix)") clears it")
            throw ExitCode.failure
        }
    }

    struct Exec: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a command on the board's or the server's side (needs root).",
            discussion: prose("""
                The same as `ip netns exec PREFIX-SIDE COMMAND...`, with `tcplab` meaning this very
                binary (sudo's PATH may lack it). Files it writes, such as a capture, belong to
                the user who ran sudo: tcplab capture drops root to SUDO_USER, which ip netns
                exec passes on.

                EXAMPLES
                    sudo tcplab net exec server -- tcplab serve
                    sudo tcplab net exec board -- tcplab device --host 10.50.0.2 --readings 10
                    sudo tcplab net exec board -- ip addr
                """))

        @OptionGroup var network: NetworkPrefix

        @Argument(help: ArgumentHelp("board or server.", valueName: "side"))
        var side: LabNetworkLayout.Side

        @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The command and its arguments, after --.", valueName: "command"))
        var command: [String] = []

        func run() throws {
            guard geteuid() == 0 else { throw LabNetworkError.notRoot(action: "tcplab net exec") }
            var words = command.first == "--" ? Array(command.dropFirst()) : command
            guard !words.isEmpty else { throw ValidationError("say which command to run: tcplab net exec \(side.rawValue) -- COMMAND") }
            let candidates: [String] = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
            guard let ip = candidates.first(where: { access($0, X_OK) == 0 }) else {
                throw LabNetworkError.missingTool("ip", package: "iproute2")
            }
            let layout = LabNetworkLayout(prefix: network.prefix)
            guard access(layout.namespacePath(side), F_OK) == 0 else { throw LabNetworkError.notUp(prefix: network.prefix) }
            if words[0] == "tcplab" { words[0] = try Up.executable() }
            let all: [String] = [ip, "netns", "exec", layout.namespace(side)] + words
            let argv: [UnsafeMutablePointer<CChar>?] = all.map { strdup($0) } + [nil]
            execv(ip, argv)
            throw CommandFailure("cannot run \(ip): \(String(cString: strerror(errno)))")
        }
    }

    /// The forwarder `up` starts; not for students (hidden from the help).
    struct Forward: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The lab network's forwarder (started by `tcplab net up`).", shouldDisplay: false)

        @OptionGroup var network: NetworkPrefix
        @Option var delay = "0us"
        @Option var loss = "0%"
        @Option var seed: UInt32 = 1
        /// The bottleneck, in bits per second and bytes (as `up` passes them).
        @Option var rate: Int?
        @Option var burst = 8192
        @Option var queue = 12288

        func run() throws {
            guard let delay = LinkSettings.parseDuration(delay), let loss = LinkSettings.parseLoss(loss) else {
                throw ValidationError("bad --delay or --loss")
            }
            let bottleneck = rate.map { DelayingForwarder.Bottleneck(bitsPerSecond: $0, burstBytes: burst, queueBytes: queue) }
            let forwarder = try DelayingForwarder(layout: LabNetworkLayout(prefix: network.prefix),
                                                  delayMicroseconds: delay, loss: loss, seed: seed, bottleneck: bottleneck)
            // `up` waits for this line; then standard output goes, so nobody's pipe is held open.
            print("ready")
            fflush(nil)
            let null = open("/dev/null", O_WRONLY)
            if null >= 0 { dup2(null, STDOUT_FILENO); close(null) }
            let reason = try forwarder.run()
            let s = forwarder.statistics
            StandardError.print("tcplab net forward: stopped (\(reason)); board→server \(s.forwarded[0]) forwarded, \(s.lost[0]) lost, "
                                + "\(s.overflowed[0]) overflowed; server→board \(s.forwarded[1]) forwarded, \(s.lost[1]) lost, \(s.overflowed[1]) overflowed")
        }
    }

    /// The settings in words, with the round trip a student should expect.
    static func describe(_ state: LabNetworkState, forwarders: [Int32], heading: String) -> String {
        let settings = state.settings
        let layout = state.layout
        var text = "\(heading)\n"
        text += "  board   namespace \(layout.boardNamespace), \(LabNetworkLayout.interface) \(LabNetworkLayout.boardAddress)\n"
        text += "  server  namespace \(layout.serverNamespace), \(LabNetworkLayout.interface) \(LabNetworkLayout.serverAddress)\n"
        let delay = settings.delayMicroseconds == 0 ? "none"
            : "\(LinkSettings.durationText(microseconds: settings.delayMicroseconds)) each way (round trip \(LinkSettings.durationText(microseconds: settings.roundTripMicroseconds)))"
        text += "  delay   \(delay)\n"
        text += "  loss    \(settings.loss == 0 ? "none" : "\(LinkSettings.lossText(settings.loss)) each way")\n"
        if let rate = settings.rateBitsPerSecond {
            text += "  rate    \(LinkSettings.rateText(bitsPerSecond: rate)) from the board (a router's bottleneck in tcplab's forwarder: burst \(LinkSettings.sizeText(bytes: settings.burstBytes)), queue \(LinkSettings.sizeText(bytes: settings.queueBytes)), drops when full)\n"
        } else {
            text += "  rate    no limit\n"
        }
        switch state.delayedBy {
        case .netem?: text += "  by      netem (the kernel's), on lab0 of each side\n"
        case .tcplab?: text += "  by      tcplab's forwarder\n"
        case nil: break
        }
        text += "  forwarder pid \(forwarders.map(String.init).joined(separator: ", ")) (log \(layout.forwarderLogPath))\n"
        return text
    }
}
