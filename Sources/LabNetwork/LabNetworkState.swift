import Foundation

/// What `tcplab net up` made, written to /run/tcplab/PREFIX.json for `status` and `down`.
public struct LabNetworkState: Sendable, Codable, Equatable {
    public enum DelayMethod: String, Sendable, Codable, CaseIterable {
        /// The kernel's netem queueing discipline, on each side's lab0.
        case netem
        /// tcplab's forwarder holds the packets itself.
        case tcplab
    }

    public var prefix: String
    public var settings: LinkSettings
    /// Who delays and drops packets (nil when the link has neither delay nor loss).
    public var delayedBy: DelayMethod?
    /// The forwarder joining the two TUN devices (`tcplab net forward`).
    public var forwarderPID: Int32
    /// Seconds since the epoch when the network came up.
    public var created: Double

    public var layout: LabNetworkLayout { LabNetworkLayout(prefix: prefix) }

    static func read(_ path: String) -> LabNetworkState? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(LabNetworkState.self, from: data)
    }

    func write(_ path: String) throws(LabNetworkError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .system("writing \(path)", errno: EIO)
        }
    }
}
