import ArgumentParser
import NIOCore
import TCPInfoSampling

/// `--tcp-info FILE [--tcp-info-interval MS]`, shared by `serve` (every connection, the server's
/// side) and `device --bulk` (the board's side): the kernel's TCP_INFO sampled into a CSV file.
struct TCPInfoOptions: ParsableArguments {
    @Option(name: .customLong("tcp-info"), help: ArgumentHelp(
        "Linux only: sample the kernel's TCP_INFO (cwnd, ssthresh, srtt, …) of each connection into this CSV file (docs/device.md).",
        valueName: "file"))
    var file: String?

    @Option(name: .customLong("tcp-info-interval"), parsing: .unconditional, help: ArgumentHelp(
        "Milliseconds between TCP_INFO samples of a connection.", valueName: "ms"))
    var interval = 10

    func validate() throws {
        if file != nil && !TCPInfoRecorder.isSupported {
            throw ValidationError("\(TCPInfoRecorderError.unsupportedPlatform)")
        }
        guard (1...10_000).contains(interval) else {
            throw ValidationError("--tcp-info-interval must be 1–10000 ms, got \(interval)")
        }
    }

    var period: TimeAmount { .milliseconds(Int64(interval)) }

    /// The file, opened before anything connects: one that cannot be written stops the start.
    func open() throws -> TCPInfoRecorder? {
        guard let file else { return nil }
        do {
            return try TCPInfoRecorder(path: file)
        } catch {
            throw CommandFailure("--tcp-info: \(error)")
        }
    }
}
