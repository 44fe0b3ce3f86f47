import CLabNetwork

#if canImport(Glibc)
import Glibc
#endif

/// Runs `ip` and `tc` (and starts the forwarder) with posix_spawn: Foundation's `Process` is
/// not safe on this Swift (see Tests/TestSupport/ChildProcess.swift).
enum HostCommand {
    struct Result {
        var status: Int32
        /// Standard output and error together.
        var output: String
    }

    /// The full path of a system tool, looked up in PATH and the sbin folders (an ordinary
    /// user's PATH often lacks /usr/sbin, where `ip` and `tc` live).
    static func find(_ tool: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return folders.map { "\($0)/\(tool)" }.first { access($0, X_OK) == 0 }
    }

    /// Runs a program to its end and returns its status and what it printed.
    static func run(_ path: String, _ arguments: [String]) throws(LabNetworkError) -> Result {
        var ends: [Int32] = [0, 0]
        let piped = tcplab_pipe(&ends)
        guard piped == 0 else { throw .system("pipe2", errno: -piped) }
        let pid: pid_t
        do throws(LabNetworkError) {
            pid = try spawn(path, arguments, output: ends[1], error: ends[1], newSession: false)
        } catch {
            close(ends[0]); close(ends[1])
            throw error
        }
        close(ends[1])
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let got = read(ends[0], &buffer, buffer.count)
            if got > 0 { output += buffer[..<got]; continue }
            if got < 0 && errno == EINTR { continue }
            break
        }
        close(ends[0])
        return Result(status: wait(for: pid), output: String(decoding: output, as: UTF8.self))
    }

    /// Runs a program and throws with its message when it fails.
    @discardableResult
    static func check(_ path: String, _ arguments: [String]) throws(LabNetworkError) -> String {
        let result = try run(path, arguments)
        guard result.status == 0 else {
            let name = path.split(separator: "/").last.map(String.init) ?? path
            throw .commandFailed(command: ([name] + arguments).joined(separator: " "), output: result.output)
        }
        return result.output
    }

    static func spawn(_ path: String, _ arguments: [String], input: Int32 = -1, output: Int32, error: Int32,
                      newSession: Bool) throws(LabNetworkError) -> pid_t {
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let status = tcplab_spawn(path, argv, input, output, error, newSession ? 1 : 0, &pid)
        guard status == 0 else { throw .system("starting \(path)", errno: -status) }
        return pid
    }

    /// The exit status (128 + signal for a killed process).
    static func wait(for pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
