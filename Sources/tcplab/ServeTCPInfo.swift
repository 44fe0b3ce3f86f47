import ArgumentParser
import NIOCore
import TCPInfoSampling

/// `serve --tcp-info FILE`: the kernel's TCP_INFO of every connection, from the server's side
/// (its receive window and ACKs; the sender's view is `device --bulk --tcp-info`).
extension TCPLab.Serve {
    func validateTCPInfo() throws {
        if self.tcpInfo != nil && !TCPInfoRecorder.isSupported {
            throw ValidationError("\(TCPInfoRecorderError.unsupportedPlatform)")
        }
        guard (1...10_000).contains(self.tcpInfoInterval) else {
            throw ValidationError("--tcp-info-interval must be 1–10000 ms, got \(self.tcpInfoInterval)")
        }
    }

    /// The file, opened before the server listens: one that cannot be written stops the start.
    func openTCPInfo() throws -> TCPInfoRecorder? {
        guard let path = self.tcpInfo else { return nil }
        do {
            return try TCPInfoRecorder(path: path)
        } catch {
            throw CommandFailure("--tcp-info: \(error)")
        }
    }

    /// Puts a sampler into every accepted connection's pipeline.
    func tcpInfoSampler(_ recorder: TCPInfoRecorder?) -> (@Sendable (Channel) throws -> Void)? {
        guard let recorder else { return nil }
        let interval = TimeAmount.milliseconds(Int64(self.tcpInfoInterval))
        return { channel in
            try channel.pipeline.syncOperations.addHandler(TCPInfoSampler(recorder: recorder, interval: interval))
        }
    }

    func finishTCPInfo(_ recorder: TCPInfoRecorder?) throws {
        guard let recorder else { return }
        do {
            try recorder.finish()
        } catch {
            throw CommandFailure("--tcp-info: \(error)")
        }
        StandardError.print("tcplab serve: \(recorder.samples) TCP_INFO samples in \(recorder.path)")
    }
}
