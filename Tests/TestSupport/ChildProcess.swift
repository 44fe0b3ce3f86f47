import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process started with `posix_spawn`, with the part of Foundation's `Process` the tests
/// use. Why not `Process`: on Linux, Swift 6.3's `Process.run()` reads 256 bytes of every
/// `/proc/self/fd` entry and, now and then, past the end of a page: the whole test run dies with
/// SIGSEGV (swiftlang/swift-corelibs-foundation#5472, fixed upstream after 6.3; seen here once
/// in about ten full runs). This spawns directly: standard input, output and error as given
/// (a `Pipe` or a `FileHandle`), every other descriptor closed in the child, as `Process` does.
public final class ChildProcess: @unchecked Sendable {  // state guarded by `lock`
    public var executableURL: URL?
    public var arguments: [String] = []
    /// nil: this process's environment.
    public var environment: [String: String]?
    public var currentDirectoryURL: URL?
    public var standardInput: Any?
    public var standardOutput: Any?
    public var standardError: Any?

    private let lock = NSLock()
    private var pid: pid_t = 0
    private var exitStatus: Int32?

    public init() {}

    public var processIdentifier: Int32 { lock.withLock { pid } }

    public func run() throws {
        guard let executableURL else { throw CocoaError(.fileNoSuchFile) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let streams: [(Any?, Int32, Bool)] = [(standardInput, 0, false), (standardOutput, 1, true), (standardError, 2, true)]
        for (stream, target, writes) in streams {
            if let descriptor = Self.descriptor(stream, writes: writes) {
                posix_spawn_file_actions_adddup2(&actions, descriptor, target)
            }
        }
        // glibc 2.34's closefrom and 2.29's chdir file actions, which Swift's Glibc module does not show.
        guard let closeFrom = Self.addCloseFrom else { throw CocoaError(.featureUnsupported) }
        _ = closeFrom(&actions, 3)
        if let currentDirectoryURL {
            guard let addChdir = Self.addChdir else { throw CocoaError(.featureUnsupported) }
            _ = currentDirectoryURL.path.withCString { addChdir(&actions, $0) }
        }
        let argv = ([executableURL.path] + arguments).map { strdup($0) } + [nil]
        let environment = self.environment ?? ProcessInfo.processInfo.environment
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let status = posix_spawn(&child, executableURL.path, &actions, nil, argv, envp)
        guard status == 0 else {
            throw NSError(domain: NSPOSIXErrorDomain, code: Int(status),
                          userInfo: [NSLocalizedDescriptionKey: "cannot start \(executableURL.path): \(String(cString: strerror(status)))"])
        }
        lock.withLock { pid = child }
        // The child has its copies; the parent's write ends must go, or a reader never sees the end.
        for (stream, _, writes) in streams where writes {
            if let pipe = stream as? Pipe { try? pipe.fileHandleForWriting.close() }
        }
        if let pipe = standardInput as? Pipe { try? pipe.fileHandleForReading.close() }
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias Chdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let addCloseFrom: CloseFrom? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: CloseFrom.self) }
    private static let addChdir: Chdir? = dlsym(nil, "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: Chdir.self) }

    /// The descriptor the child gets: a pipe's end on its side, or the file handle's.
    private static func descriptor(_ stream: Any?, writes: Bool) -> Int32? {
        switch stream {
        case let pipe as Pipe: return writes ? pipe.fileHandleForWriting.fileDescriptor : pipe.fileHandleForReading.fileDescriptor
        case let handle as FileHandle: return handle.fileDescriptor
        default: return nil
        }
    }

    /// Reaps the child if it has ended (without blocking when `wait` is false).
    private func reap(wait: Bool) {
        lock.lock()
        defer { lock.unlock() }
        guard pid > 0, exitStatus == nil else { return }
        var status: Int32 = 0
        let result = waitpid(pid, &status, wait ? 0 : WNOHANG)
        if result == pid {
            // As `Process.terminationStatus`: the exit code, or the signal that ended it.
            exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
        } else if result < 0 && errno != EINTR {
            exitStatus = -1
        }
    }

    public var isRunning: Bool {
        reap(wait: false)
        return lock.withLock { pid > 0 && exitStatus == nil }
    }

    public func waitUntilExit() {
        while lock.withLock({ pid > 0 && exitStatus == nil }) {
            // Blocking waitpid holds the lock; poll instead so isRunning and terminate stay usable.
            reap(wait: false)
            if lock.withLock({ exitStatus == nil }) { usleep(5_000) }
        }
    }

    public var terminationStatus: Int32 { lock.withLock { exitStatus ?? 0 } }

    /// SIGTERM, as `Process.terminate()`.
    public func terminate() {
        let child = lock.withLock { exitStatus == nil ? pid : 0 }
        if child > 0 { kill(child, SIGTERM) }
    }
}
