import ArgumentParser
import CaptureAnalysis
import Labs
import PacketCapture
import SensorServer

/// An error whose description a student can act on: `Main` prints it after the command's name
/// ("tcplab: …", "tcplab serve: …") and exits 1. The one place an error becomes a message and an
/// exit status; usage errors stay ArgumentParser's (exit 64, with the usage line).
protocol StudentFacingError: Error, CustomStringConvertible {}

extension CaptureError: StudentFacingError {}
extension PrivilegeDrop.Failure: StudentFacingError {}
extension SensorServerError: StudentFacingError {}
extension MissingEvidence: StudentFacingError {}
extension SelectionError: StudentFacingError {}

/// A message of a command's own, for what no library type says.
struct CommandFailure: StudentFacingError {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The name an error message starts with: "tcplab" for the capture commands, "tcplab serve" for
/// the long-running ones, whose other lines on stderr already say so.
protocol NamedInMessages {
    static var messagePrefix: String { get }
}

extension TCPLab.Serve: NamedInMessages { static var messagePrefix: String { "tcplab serve" } }
extension TCPLab.Device: NamedInMessages { static var messagePrefix: String { "tcplab device" } }
extension TCPLab.Demo: NamedInMessages { static var messagePrefix: String { "tcplab demo" } }

enum Failure {
    /// Never returns: the message and exit 1 for a student-facing error, ArgumentParser's
    /// handling for everything else (usage errors, `ExitCode`, `CleanExit`).
    static func exit(_ error: any Error, from command: ParsableCommand.Type) -> Never {
        if let failure = error as? StudentFacingError {
            let prefix = (command as? NamedInMessages.Type)?.messagePrefix ?? "tcplab"
            StandardError.print("\(prefix): \(failure)")
            TCPLab.exit(withError: ExitCode.failure)
        }
        TCPLab.exit(withError: error)
    }
}
