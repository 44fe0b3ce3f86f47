import Foundation

/// tshark, the reference for every decoded field; nil when it is not installed (`make test`
/// installs it, and the tests that need it skip without it).
public let tsharkURL: URL? = ["/usr/bin/tshark", "/usr/local/bin/tshark"]
    .first { FileManager.default.isExecutableFile(atPath: $0) }.map { URL(fileURLWithPath: $0) }

/// Runs tshark with `arguments`; its stdout.
public func tshark(_ arguments: [String], timeout: TimeInterval = 120) throws -> ProcessResult {
    guard let tsharkURL else { throw CocoaError(.executableNotLoadable) }
    return try runProcess(tsharkURL, arguments, timeout: timeout)
}

/// A tab-separated `tshark -T fields` output (or a committed .tshark.tsv), one array per line.
public func tabSeparatedRows(_ text: String) -> [[String]] {
    text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
}
