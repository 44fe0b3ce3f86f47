#if canImport(Glibc)
import Glibc
#endif

/// Why the lab network could not be made, changed or removed, in words a student can act on.
public enum LabNetworkError: Error, Sendable, CustomStringConvertible {
    case notRoot(action: String)
    case missingTool(String, package: String)
    case alreadyUp(prefix: String, namespaces: [String])
    case nameTaken(String)
    case badPrefix(String)
    case netemMissing
    case noTun(String)
    case commandFailed(command: String, output: String)
    case forwarderFailed(String)
    case notUp(prefix: String)
    case system(String, errno: Int32)

    public var description: String {
        switch self {
        case .notRoot(let action):
            return "\(action) needs root (only root may make or enter network namespaces): run it with sudo."
        case .missingTool(let tool, let package):
            return "the `\(tool)` command is missing: install it (sudo apt-get install \(package)) and try again."
        case .alreadyUp(let prefix, let namespaces):
            return "the lab network \(prefix) is already up (\(namespaces.joined(separator: ", ")))."
                + " `tcplab net status\(Self.prefixOption(prefix))` shows it; `sudo tcplab net down\(Self.prefixOption(prefix))` removes it first if you want other settings."
        case .nameTaken(let name):
            return "a network namespace named \(name) exists but was not made by `tcplab net up`"
                + " (no state file): remove it (sudo ip netns del \(name)) or choose another --prefix."
        case .badPrefix(let prefix):
            return "--prefix \(prefix): use 1–40 letters, digits, - or _ (not starting with -)."
        case .netemMissing:
            return "this kernel has no netem queueing discipline (sch_netem), so --delay-with netem cannot work;"
                + " leave it out (or --delay-with tcplab) and tcplab's own forwarder delays the packets."
        case .noTun(let detail):
            return "cannot make a TUN device (\(detail)); the lab network needs /dev/net/tun (the tun kernel module)."
        case .commandFailed(let command, let output):
            let said = output.split(separator: "\n").first.map { ": \($0)" } ?? ""
            return "`\(command)` failed\(said)"
        case .forwarderFailed(let detail):
            return "the forwarder did not start: \(detail)"
        case .notUp(let prefix):
            return "the lab network \(prefix) is not up: `sudo tcplab net up\(Self.prefixOption(prefix))` makes it."
        case .system(let call, let code):
            return "\(call) failed: \(String(cString: strerror(code)))"
        }
    }

    static func prefixOption(_ prefix: String) -> String { prefix == "tcplab" ? "" : " --prefix \(prefix)" }
}
