import Foundation
import TestSupport

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

    typealias Result = ProcessResult

    /// Runs `tcplab args` to completion (bounded by `timeout` seconds).
    static func run(_ arguments: [String], timeout: TimeInterval = 60) throws -> Result {
        try runProcess(url, arguments, timeout: timeout)
    }
}

/// `ip` from iproute2.
let ipCommand = URL(fileURLWithPath: FileManager.default.fileExists(atPath: "/usr/sbin/ip") ? "/usr/sbin/ip" : "/sbin/ip")

func fixture(_ name: String) -> String { fixturePath(name) }

/// Parses JSON lines into dictionaries.
func jsonLines(_ text: String) throws -> [[String: Any]] {
    try text.split(separator: "\n").map {
        guard let object = try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] else {
            throw CocoaError(.coderReadCorrupt)
        }
        return object
    }
}


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
