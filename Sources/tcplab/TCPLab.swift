import ArgumentParser
import BuildInfo

/// The `tcplab` command: one subcommand per job, each in its own file. (Its entry point is
/// `Main.swift`: synchronous subcommands must run on the main thread, see there.)
struct TCPLab: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tcplab",
        abstract: "A lab toolkit for learning TCP with an ESP8266 temperature sensor.",
        discussion: prose("""
            A NodeMCU (or the simulated board, `tcplab device`) sends readings such as `12,1234567,28.3,65.2` over TCP to port 5050. tcplab serves them, captures them, and explains what TCP did on the way.

            `tcplab help SUBCOMMAND` (or `tcplab SUBCOMMAND --help`) explains each one. `make install` also installs the manual, every subcommand in one page (`man tcplab`), and shell completions for bash, zsh and fish.
            """),
        version: TCPLab.version,
        subcommands: [Capture.self, Read.self, Serve.self, Device.self, Ladder.self, Graph.self, Plot.self, LabCommand.self, Net.self, Demo.self]
    )
}

extension TCPLab {
    /// The release, and the commit it was built from (Package.swift reads it from git).
    static let version = "tcplab 0.2.0 (commit \(String(cString: tcplab_build_commit())))"
}
