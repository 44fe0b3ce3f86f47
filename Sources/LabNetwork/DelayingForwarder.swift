import CLabNetwork

#if canImport(Glibc)
import Glibc
#endif

/// tcplab's own link: two TUN devices named `lab0`, one in the board's namespace and one in the
/// server's, and one loop that copies each IP packet read from one to the other after holding it
/// for the one-way delay (for kernels without netem), dropping some on purpose, and sending the
/// board's packets through a bottleneck: a token bucket with a small drop-tail queue, as a
/// router's. (A tbf on the board's own interface would drop inside the board's kernel, which TCP
/// takes for local congestion and quietly holds back: no loss on the wire to learn from.)
///
/// A TUN device hands over whole IP packets no bigger than its MTU: the kernel segments TCP's
/// large sends before they reach a device without offloads, so there are no super-frames to cut
/// up and no link-layer addresses to answer for. One thread, one `ppoll` with a nanosecond
/// timeout until the next packet is due; each direction is a FIFO, because every packet waits
/// the same delay, so the order is kept and no sorting is needed.
public final class DelayingForwarder {
    public struct Statistics: Sendable, Equatable {
        /// Per direction: board → server, server → board.
        public var forwarded = [0, 0]
        public var lost = [0, 0]
        /// Dropped because the direction's queue was full (the bottleneck's queue, with --rate).
        public var overflowed = [0, 0]
    }

    public enum StopReason: Sendable, Equatable, CustomStringConvertible {
        case signal(Int32)
        /// A namespace was deleted (`ip netns del`, `tcplab net down`) or a device went away.
        case linkGone(String)

        public var description: String {
            switch self {
            case .signal(let number): return "signal \(number)"
            case .linkGone(let why): return why
            }
        }
    }

    /// A router's outgoing link: `rate`, a bucket of `burst` bytes that may leave at once after a
    /// pause, and a queue of `queue` bytes waiting for the bucket; a packet that finds the queue
    /// full is dropped (tail drop), as tbf drops it.
    public struct Bottleneck: Sendable, Equatable {
        public var bitsPerSecond: Int
        public var burstBytes: Int
        public var queueBytes: Int

        public init(bitsPerSecond: Int, burstBytes: Int, queueBytes: Int) {
            self.bitsPerSecond = bitsPerSecond
            self.burstBytes = burstBytes
            self.queueBytes = queueBytes
        }

        var nanosecondsPerByte: Double { 8e9 / Double(bitsPerSecond) }
    }

    /// The bottleneck's state: when the link is free of everything admitted so far.
    private struct Shaper {
        let bottleneck: Bottleneck
        var busyUntil = 0.0

        /// The time the packet leaves the bottleneck, or nil when the queue is full.
        mutating func admit(length: Int, now: UInt64) -> UInt64? {
            let now = Double(now), perByte = bottleneck.nanosecondsPerByte
            let credit = Double(bottleneck.burstBytes) * perByte  // the bucket, as time
            let waitingBytes = max(0, busyUntil - credit - now) / perByte
            if waitingBytes + Double(length) > Double(bottleneck.queueBytes) { return nil }
            let departure = max(now, busyUntil - credit)
            busyUntil = max(now, busyUntil) + Double(length) * perByte
            return UInt64(departure)
        }
    }

    /// One way through the link: where packets come from, where they go, those held back.
    private struct Direction {
        let from: Int32
        let to: Int32
        var held: [(due: UInt64, packet: [UInt8])] = []
        var head = 0
        /// The board's direction only, with --rate.
        var shaper: Shaper?
        var count: Int { held.count - head }

        mutating func pop() -> [UInt8] {
            let packet = held[head].packet
            head += 1
            if head >= 1024 && head * 2 >= held.count {  // drop the sent ones now and then, not per packet
                held.removeFirst(head)
                head = 0
            }
            return packet
        }
    }

    private let layout: LabNetworkLayout
    private let delayNanoseconds: UInt64
    private let loss: Double
    private var random: UInt64
    /// Packets one direction may hold; past it they are dropped, as a router's full queue does.
    private let queueLimit: Int
    private var directions: [Direction]
    private let devices: [Int32]
    /// The namespaces' identities when opened: a namespace deleted (or made anew) ends the run.
    private let namespaceIDs: [(dev: UInt64, ino: UInt64)]
    public private(set) var statistics = Statistics()

    /// Opens the two TUN devices (this thread visits each namespace and comes back).
    public init(layout: LabNetworkLayout, delayMicroseconds: Int, loss: Double, seed: UInt32,
                bottleneck: Bottleneck? = nil, queueLimit: Int = 10_000) throws(LabNetworkError) {
        self.layout = layout
        self.delayNanoseconds = UInt64(max(delayMicroseconds, 0)) * 1000
        self.loss = loss
        self.random = UInt64(seed) | 1 << 40
        self.queueLimit = queueLimit
        var opened: [Int32] = []
        var ids: [(dev: UInt64, ino: UInt64)] = []
        let home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC)
        guard home >= 0 else { throw .system("open /proc/self/ns/net", errno: errno) }
        defer { close(home) }
        do throws(LabNetworkError) {
            for side in LabNetworkLayout.Side.allCases {
                let path = layout.namespacePath(side)
                var info = stat()
                guard stat(path, &info) == 0 else { throw .system("namespace \(layout.namespace(side))", errno: errno) }
                ids.append((UInt64(info.st_dev), UInt64(info.st_ino)))
                let entered = tcplab_enter_netns(path)
                guard entered == 0 else { throw .system("setns \(path)", errno: -entered) }
                let fd = tcplab_tun_open(LabNetworkLayout.interface)
                guard fd >= 0 else { throw .noTun("\(layout.namespace(side)): \(String(cString: strerror(-fd)))") }
                opened.append(fd)
            }
            let back = tcplab_enter_netns("/proc/self/fd/\(home)")
            guard back == 0 else { throw .system("setns back", errno: -back) }
        } catch {
            for fd in opened { close(fd) }
            throw error
        }
        self.devices = opened
        self.namespaceIDs = ids
        self.directions = [Direction(from: opened[0], to: opened[1], shaper: bottleneck.map { Shaper(bottleneck: $0) }),
                           Direction(from: opened[1], to: opened[0])]
    }

    deinit { for fd in devices { close(fd) } }

    /// Forwards until SIGTERM, SIGINT or SIGHUP, or until the link goes away.
    public func run() throws(LabNetworkError) -> StopReason {
        let signals = tcplab_stop_signals_fd()
        guard signals >= 0 else { throw .system("signalfd", errno: -signals) }
        defer { close(signals) }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var nextNamespaceCheck = Self.now()
        while true {
            let now = Self.now()
            for index in directions.indices { release(&directions[index], now: now) }
            if now >= nextNamespaceCheck {
                if let gone = vanishedNamespace() { return .linkGone("namespace \(gone) was deleted") }
                nextNamespaceCheck = now + 500_000_000
            }
            let due = directions.compactMap { $0.count > 0 ? $0.held[$0.head].due : nil }.min() ?? UInt64.max
            let wake = min(due, nextNamespaceCheck)
            var fds = [pollfd(fd: devices[0], events: Int16(POLLIN), revents: 0),
                       pollfd(fd: devices[1], events: Int16(POLLIN), revents: 0),
                       pollfd(fd: signals, events: Int16(POLLIN), revents: 0)]
            let ready = tcplab_poll(&fds, Int32(fds.count), Int64(wake > now ? wake - now : 0))
            if ready == -EINTR { continue }
            guard ready >= 0 else { throw .system("ppoll", errno: -ready) }
            if fds[2].revents != 0 { return .signal(tcplab_read_signal(signals)) }
            for index in 0..<2 where fds[index].revents != 0 {
                if fds[index].revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 {
                    return .linkGone("the device \(LabNetworkLayout.interface) in \(layout.namespace(index == 0 ? .board : .server)) went away")
                }
                if let failure = receive(&directions[index], index: index, buffer: &buffer) { return failure }
            }
        }
    }

    /// Reads what one device has (at most 256 packets, so the other side gets its turn).
    private func receive(_ direction: inout Direction, index: Int, buffer: inout [UInt8]) -> StopReason? {
        for _ in 0..<256 {
            let got = read(direction.from, &buffer, buffer.count)
            if got < 0 {
                if errno == EAGAIN || errno == EINTR { return nil }
                return .linkGone("reading \(LabNetworkLayout.interface): \(String(cString: strerror(errno)))")
            }
            if got == 0 { return nil }
            let now = Self.now()
            if loss > 0 && nextRandom() < loss {
                statistics.lost[index] += 1
            } else if direction.count >= queueLimit {
                statistics.overflowed[index] += 1
            } else if let leaves = direction.shaper == nil ? now : direction.shaper!.admit(length: got, now: now) {
                direction.held.append((leaves + delayNanoseconds, Array(buffer[..<got])))
            } else {
                statistics.overflowed[index] += 1
            }
        }
        return nil
    }

    /// Sends every packet whose time has come, oldest first.
    private func release(_ direction: inout Direction, now: UInt64) {
        let index = direction.from == devices[0] ? 0 : 1
        while direction.count > 0 && direction.held[direction.head].due <= now {
            let packet = direction.pop()
            // A full device queue on the far side drops the packet, as a wire would.
            if packet.withUnsafeBytes({ write(direction.to, $0.baseAddress, $0.count) }) == packet.count {
                statistics.forwarded[index] += 1
            } else {
                statistics.overflowed[index] += 1
            }
        }
    }

    private func vanishedNamespace() -> String? {
        for (side, id) in zip(LabNetworkLayout.Side.allCases, namespaceIDs) {
            var info = stat()
            if stat(layout.namespacePath(side), &info) != 0 || UInt64(info.st_dev) != id.dev || UInt64(info.st_ino) != id.ino {
                return layout.namespace(side)
            }
        }
        return nil
    }

    /// xorshift64*, seeded: the same --seed loses the same packets of the same traffic.
    private func nextRandom() -> Double {
        random ^= random >> 12
        random ^= random << 25
        random ^= random >> 27
        return Double((random &* 2_685_821_657_736_338_717) >> 11) / Double(1 << 53)
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
