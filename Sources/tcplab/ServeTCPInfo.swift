import NIOCore
import TCPInfoSampling

/// `serve --tcp-info FILE`: the kernel's TCP_INFO of every connection, from the server's side
/// (its receive window and ACKs; the sender's view is `device --bulk --tcp-info`).
extension TCPLab.Serve {
    /// Puts a sampler into every accepted connection's pipeline.
    func tcpInfoSampler(_ recorder: TCPInfoRecorder?) -> (@Sendable (Channel) throws -> Void)? {
        guard let recorder else { return nil }
        let interval = self.tcpInfo.period
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
