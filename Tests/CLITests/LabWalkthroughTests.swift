import Foundation
import TestSupport
import Testing

/// The labs' own commands, run exactly as each lab text writes them, as a student with the
/// simulated board would: `tcplab` installed in /usr/local/bin (as `make install` puts it), `sudo`
/// with Debian's reset PATH, three "terminals" (server, capture, board), then read and check.
///
/// Each lab runs in a network namespace of its own (its own loopback and port 5050) and a mount
/// namespace in which a readable install is bound over /usr/local/bin, so nothing on the machine
/// is touched. Every command is first checked to be in the lab text word for word.
@Suite("Labs, as their texts say", .serialized)
struct LabWalkthroughTests {
    struct Walkthrough: CustomTestStringConvertible, Sendable {
        var folder: String
        /// Terminal 1 (nil: the lab's steps stop the server themselves).
        var server: String?
        /// Terminal 2 and 3, in turn: each capture with the board runs that go into it.
        var captures: [(capture: String, boards: [String])]
        /// Afterwards, in the folder the student works in.
        var after: [String]
        /// Answer files the text says to make with `tcplab lab answers N` (it says so in prose).
        var answerFiles: [String: Int] = [:]
        var testDescription: String { folder }
    }

    static let walkthroughs: [Walkthrough] = [
        Walkthrough(folder: "01-handshake", server: "tcplab serve",
                    captures: [("sudo tcplab capture -i lo -w lab1.pcap", ["tcplab device --readings 5 --interval 1"])],
                    after: ["tcplab read lab1.pcap | less -R",
                            "tcplab lab answers 1 > lab1.toml",
                            "tcplab lab check 1 --pcap lab1.pcap --answers lab1.toml"]),
        Walkthrough(folder: "02-byte-stream", server: "tcplab serve",
                    captures: [("sudo tcplab capture -i lo -w lab2-split.pcap", ["tcplab device --readings 10 --interval 1 --fault split"]),
                               ("sudo tcplab capture -i lo -w lab2-coalesce.pcap", ["tcplab device --readings 10 --interval 1 --fault coalesce"])],
                    after: ["tcplab read lab2-split.pcap --readings",
                            "tcplab lab check 2 --pcap lab2-split.pcap --answers lab2-split.toml",
                            "tcplab lab check 2 --pcap lab2-coalesce.pcap --answers lab2-coalesce.toml"],
                    answerFiles: ["lab2-split.toml": 2, "lab2-coalesce.toml": 2]),
        Walkthrough(folder: "03-seq-ack", server: "tcplab serve",
                    captures: [("sudo tcplab capture -i lo -w lab3.pcap", ["tcplab device --readings 5 --interval 1"])],
                    after: ["tcplab read lab3.pcap --no-hex",
                            "tcplab lab check 3 --pcap lab3.pcap --answers lab3.toml"],
                    answerFiles: ["lab3.toml": 3]),
        Walkthrough(folder: "04-closing", server: "tcplab serve",
                    captures: [("sudo tcplab capture -i lo -w lab4.pcap", ["tcplab device --readings 3 --interval 1"]),
                               ("sudo tcplab capture -i lo -w lab4-reset.pcap", ["tcplab device --readings 10 --interval 1 --fault abort"])],
                    after: ["tcplab lab check 4 --pcap lab4.pcap --answers lab4.toml"],
                    answerFiles: ["lab4.toml": 4]),
    ]

    @Test("the simulated-board steps work as written",
          .enabled(if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/sudo")
                   && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare"),
                   "needs root (network and mount namespaces) and sudo, which `make test` installs"),
          .timeLimit(.minutes(3)), arguments: walkthroughs)
    func stepsWorkAsWritten(_ walkthrough: Walkthrough) throws {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("labs/\(walkthrough.folder)/README.md"),
                              encoding: .utf8)
        let commands = [walkthrough.server].compactMap { $0 } + walkthrough.captures.flatMap { [$0.capture] + $0.boards }
            + walkthrough.after
        for command in commands { #expect(text.contains(command), "lab \(walkthrough.folder) no longer says `\(command)`") }
        for (file, lab) in walkthrough.answerFiles {
            #expect(text.contains("tcplab lab answers \(lab)") && text.contains(file), "the text names \(file)")
        }

        let student = try StudentMachine(name: walkthrough.folder)
        defer { student.close() }
        let server = try walkthrough.server.map { try student.start($0) }
        for (capture, boards) in walkthrough.captures {
            let terminal2 = try student.start(capture)
            #expect(terminal2.waitFor("capturing on"), "capture did not start: \(terminal2.output)")
            for board in boards {
                let run = try student.run(board)
                #expect(run.status == 0, "`\(board)`: \(run.output)")
            }
            usleep(300_000)
            student.interrupt(terminal2)
            let status = terminal2.wait()
            #expect(status == 0, "`\(capture)` ended with \(status): \(terminal2.output)")
            #expect(terminal2.output.split(separator: "\n").contains("0 packets dropped by kernel"), "\(terminal2.output)")
            #expect(!terminal2.output.contains("command not found"))
        }
        if let server {
            student.interrupt(server)
            #expect(server.wait() == 0, "\(server.output)")
            #expect(server.output.contains("readings"), "\(server.output)")
        }
        for (file, lab) in walkthrough.answerFiles {
            #expect(try student.run("tcplab lab answers \(lab) > \(file)").status == 0)
        }
        for command in walkthrough.after {
            let run = try student.run(command)
            if command.contains("lab check") {
                // A blank template: graded (exit 1, every question unanswered), never a usage or file error.
                #expect(run.status == 1, "`\(command)`: \(run.output)")
                #expect(run.output.contains("not answered") && run.output.contains(" right."), "`\(command)`: \(run.output)")
            } else {
                #expect(run.status == 0, "`\(command)`: \(run.output)")
            }
            #expect(!run.output.contains("not found"), "`\(command)`: \(run.output)")
        }
    }
}

/// One student's laptop: a network namespace (loopback only), a folder to work in, and a
/// readable install bound over /usr/local/bin in each command's own mount namespace.
final class StudentMachine: @unchecked Sendable {  // used from one test only
    let namespace: String
    let folder: URL

    init(name: String) throws {
        namespace = "tcplab-student-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-student-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        _ = try runProcess(ipCommand, ["netns", "add", namespace])
        _ = try runProcess(ipCommand, ["netns", "exec", namespace, "ip", "link", "set", "lo", "up"])
    }

    func close() {
        for pid in pids() { kill(pid, SIGKILL) }
        _ = try? runProcess(ipCommand, ["netns", "del", namespace])
        try? FileManager.default.removeItem(at: folder)
    }

    /// `command` as a shell would run it, inside this machine.
    private func process(_ command: String) -> ChildProcess {
        let process = ChildProcess()
        process.executableURL = ipCommand
        let inside = "mount --bind \"$1\" /usr/local/bin && cd \"$2\" && exec sh -c \"$3\""
        process.arguments = ["netns", "exec", namespace, "unshare", "--mount", "--propagation", "private",
                             "sh", "-c", inside, "sh", ReadableInstall.root.appendingPathComponent("bin").path,
                             folder.path, command]
        process.environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": folder.path, "TERM": "dumb"]
        process.currentDirectoryURL = folder
        return process
    }

    /// Runs to completion (at most a minute).
    func run(_ command: String) throws -> (status: Int32, output: String) {
        let terminal = try start(command)
        return (terminal.wait(timeout: 60), terminal.output)
    }

    func start(_ command: String) throws -> Terminal {
        let terminal = Terminal(process: process(command), command: command)
        try terminal.start()
        return terminal
    }

    /// Ctrl-C, as a student presses it: SIGINT to the command's processes (tcplab itself, and sudo
    /// when the text starts it with sudo, which passes it on once).
    func interrupt(_ terminal: Terminal) {
        let words = terminal.command.split(separator: " ").filter { $0 != "sudo" }.joined(separator: " ")
        for pid in pids() {
            let line = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8))?
                .replacingOccurrences(of: "\0", with: " ").trimmingCharacters(in: .whitespaces) ?? ""
            if line == words { kill(pid, SIGINT) }
        }
    }

    private func pids() -> [pid_t] {
        let listed = (try? runProcess(ipCommand, ["netns", "pids", namespace]))?.stdout ?? ""
        return listed.split(separator: "\n").compactMap { pid_t($0) }
    }
}

/// A command running in the background, its stdout and stderr gathered together.
final class Terminal: @unchecked Sendable {  // output guarded by `lock`
    let process: ChildProcess
    let command: String
    private let pipe = Pipe()
    private let lock = NSLock()
    private var text = ""
    private let reading = DispatchGroup()

    init(process: ChildProcess, command: String) {
        self.process = process
        self.command = command
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
    }

    func start() throws {
        try process.run()
        reading.enter()
        let handle = pipe.fileHandleForReading
        Thread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                lock.withLock { text += String(decoding: data, as: UTF8.self) }
            }
            reading.leave()
        }.start()
    }

    var output: String { lock.withLock { text } }

    func waitFor(_ needle: String, timeout: TimeInterval = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if output.contains(needle) { return true }
            usleep(20_000)
        }
        return false
    }

    /// Waits for the command to end (killing it after `timeout`), then for its last output.
    @discardableResult
    func wait(timeout: TimeInterval = 30) -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        _ = reading.wait(timeout: .now() + 5)
        return process.terminationStatus
    }
}

/// One class capture, one board: `--device NAME` picks a board's connections out of a capture of
/// many simulated boards, all from 127.0.0.1 (so no address filter could).
@Suite("A class capture narrowed to one board", .serialized)
struct DeviceSelectionTests {
    @Test("read --device NAME -w board.pcap, ladder --device, lab check --device",
          .enabled(if: isRoot && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare"),
                   "needs root (network and mount namespaces)"),
          .timeLimit(.minutes(2)))
    func oneBoardOutOfAClass() throws {
        let student = try StudentMachine(name: "class")
        defer { student.close() }
        let server = try student.start("tcplab serve --quiet")
        let capture = try student.start("tcplab capture -i lo -q -w class.pcap")
        #expect(capture.waitFor("capturing on"))
        let boards = try student.run("tcplab device --devices 4 --readings 3 --interval 0.05 --name desk")
        #expect(boards.status == 0, "\(boards.output)")
        usleep(300_000)
        student.interrupt(capture)
        #expect(capture.wait() == 0)
        student.interrupt(server)
        server.wait()

        let one = try student.run("tcplab read class.pcap --device DESK-3 -w desk3.pcap --format json")
        #expect(one.status == 0, "\(one.output)")
        let lines = try jsonLines(one.output)
        #expect(!lines.isEmpty)
        #expect(Set(lines.compactMap { $0["stream"] as? Int }).count == 1, "one connection: \(one.output)")
        let readings = try student.run("tcplab read desk3.pcap --readings --format json")
        let devices = try jsonLines(readings.output).compactMap { $0["device"] as? String }
        #expect(devices.count == 3 && Set(devices) == ["desk-3"], "\(readings.output)")

        let ladder = try student.run("tcplab ladder class.pcap --device desk-2 --color never")
        #expect(ladder.status == 0 && ladder.output.components(separatedBy: "Stream ").count == 2, "\(ladder.output)")
        let check = try student.run("tcplab lab answers 1 > a.toml && tcplab lab check 1 --pcap class.pcap --answers a.toml --device desk-4")
        #expect(check.output.contains("not answered"), "\(check.output)")
        let missing = try student.run("tcplab read class.pcap --device nobody")
        #expect(missing.status == 1)
        #expect(missing.output.contains("no board named 'nobody'") && missing.output.contains("desk-1, desk-2, desk-3, desk-4"))
    }
}
