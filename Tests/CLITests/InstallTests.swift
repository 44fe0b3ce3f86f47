import Foundation
import TestSupport
import Testing

/// `make install`'s script into a staging folder (DESTDIR), then the installed binary used as a
/// student would: from another folder, found on PATH, with no checkout in sight.
@Suite("Install")
struct InstallTests {
    @Test("--version names the release and the commit it was built from")
    func versionNamesTheCommit() throws {
        let result = try TCPLabBinary.run(["--version"])
        #expect(result.status == 0)
        let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix("tcplab 0."), "\(line)")
        // The commit scripts/build-info.sh wrote before the build (make does), else "unknown".
        let header = repositoryRoot.appendingPathComponent("Sources/BuildInfo/include/BuildCommit.h")
        if let define = try? String(contentsOf: header, encoding: .utf8),
           let commit = define.split(separator: "\"", omittingEmptySubsequences: false).dropFirst().first {
            #expect(line.contains("(commit \(commit))"), "\(line) vs \(define)")
            #expect(commit.range(of: #"^([0-9a-f]{12}|unknown)"#, options: .regularExpression) != nil)
        } else {
            #expect(line.contains("commit unknown"), "\(line)")
        }
    }

    @Test("scripts/install.sh lays out binary, lab texts and completions; lab show works from any folder")
    func installedBinaryFindsItsLabs() throws {
        let stage = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-install-\(UUID().uuidString)")
        // Readable by everyone: the script may be run by root for an ordinary user.
        try FileManager.default.createDirectory(at: stage, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: stage) }

        let install = ChildProcess()
        install.executableURL = URL(fileURLWithPath: "/bin/bash")
        install.arguments = [repositoryRoot.appendingPathComponent("scripts/install.sh").path, TCPLabBinary.url.path]
        install.environment = ProcessInfo.processInfo.environment.merging(
            ["DESTDIR": stage.path, "PREFIX": "/opt/tcplab", "TCPLAB_MANUAL": "0"]) { $1 }
        let log = Pipe()
        install.standardOutput = log
        install.standardError = log
        try install.run()
        let output = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        install.waitUntilExit()
        #expect(install.terminationStatus == 0, "\(output)")

        let root = stage.appendingPathComponent("opt/tcplab")
        for file in ["bin/tcplab", "share/tcplab/labs/01-handshake/README.md", "share/tcplab/labs/captures/handshake.pcap",
                     "share/bash-completion/completions/tcplab", "share/zsh/site-functions/_tcplab",
                     "share/fish/vendor_completions.d/tcplab.fish"] {
            #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(file).path), "missing \(file)")
        }
        let bash = try String(contentsOf: root.appendingPathComponent("share/bash-completion/completions/tcplab"), encoding: .utf8)
        #expect(bash.contains("capture") && bash.contains("--buffer-size"))
        #expect(output.contains("DESTDIR set: no capabilities set"))

        // Found on PATH, run from "/": argv[0] is just "tcplab", no checkout above the folder.
        let shell = ChildProcess()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", "cd / && tcplab lab show 4"]
        shell.environment = ["PATH": root.appendingPathComponent("bin").path + ":/usr/bin:/bin"]
        let out = Pipe()
        shell.standardOutput = out
        try shell.run()
        let shown = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
        let installedText = try String(contentsOf: root.appendingPathComponent("share/tcplab/labs/04-closing/README.md"),
                                       encoding: .utf8)
        #expect(shown.trimmingCharacters(in: .newlines) == installedText.trimmingCharacters(in: .newlines))
    }
}

/// A negative number after an option is a value to check, not an unknown option.
@Suite("Command line: numbers out of range")
struct NumberOptionTests {
    @Test(arguments: [(["device", "--readings", "-5"], "--readings must be 0 (until Ctrl-C) or more, got -5"),
                      (["serve", "--port", "-1"], "--port must be 0–65535 (0 picks a free one), not -1."),
                      (["device", "--port", "70000"], "--port must be 1–65535, not 70000."),
                      (["capture", "-c", "-3"], "-c must be at least 1.")])
    func negativeValuesAreCheckedNotMissing(arguments: [String], message: String) throws {
        let result = try TCPLabBinary.run(arguments, timeout: 20)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("Missing value"))
    }
}
