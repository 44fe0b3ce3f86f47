import Foundation

/// Runs the real `tcplab` binary, built next to this test bundle.
enum TCPLabBinary {
    static var url: URL {
        if let override = ProcessInfo.processInfo.environment["TCPLAB_BIN"] { return URL(fileURLWithPath: override) }
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // The test bundle may be a directory (…/tcplabPackageTests.xctest/…) on some platforms.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("tcplab").path),
              directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("tcplab")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `tcplab args` to completion (bounded by `timeout` seconds).
    static func run(_ arguments: [String], timeout: TimeInterval = 60) throws -> Result {
        try runProcess(url, arguments, timeout: timeout)
    }
}

func runProcess(_ executable: URL, _ arguments: [String], timeout: TimeInterval = 60) throws -> TCPLabBinary.Result {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    // Files, not pipes: a large output can never block the child while we wait for it.
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tcplab-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let outURL = directory.appendingPathComponent("out"), errURL = directory.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning { process.terminate() }
    process.waitUntilExit()
    return .init(status: process.terminationStatus,
                 stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                 stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}

/// `ip` from iproute2.
let ipCommand = URL(fileURLWithPath: FileManager.default.fileExists(atPath: "/usr/sbin/ip") ? "/usr/sbin/ip" : "/sbin/ip")

/// The repository root (for fixtures and test data).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func fixture(_ name: String) -> String {
    repositoryRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(name).path
}

/// Parses JSON lines into dictionaries.
func jsonLines(_ text: String) throws -> [[String: Any]] {
    try text.split(separator: "\n").map {
        guard let object = try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt)
        }
        return object
    }
}

let isRoot = getuid() == 0

/// tcplab as `make install` lays it out (bin/tcplab, share/tcplab/labs), in a folder every user may
/// read and enter. Tests that run the binary as another user ('nobody') use it: a checkout in a
/// mode-0700 folder (what `mktemp -d` makes, or /root) cannot be entered by that user. Made once,
/// removed when the test process exits.
enum ReadableInstall {
    static let root: URL = {
        let root = URL(fileURLWithPath: "/tmp/tcplab-readable-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        let labs = root.appendingPathComponent("share/tcplab/labs")
        try! FileManager.default.createDirectory(at: root.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try! FileManager.default.createDirectory(at: labs.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! FileManager.default.copyItem(at: TCPLabBinary.url, to: root.appendingPathComponent("bin/tcplab"))
        try! FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("labs"), to: labs)
        for path in [root.path, root.appendingPathComponent("bin").path, root.appendingPathComponent("share").path,
                     labs.deletingLastPathComponent().path] { chmod(path, 0o755) }
        _ = try? runProcess(URL(fileURLWithPath: "/bin/chmod"), ["-R", "a+rX", root.path])
        atexit { try? FileManager.default.removeItem(atPath: "/tmp/tcplab-readable-\(getpid())") }
        return root
    }()

    static var binary: URL { root.appendingPathComponent("bin/tcplab") }
}
