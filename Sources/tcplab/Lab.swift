import ArgumentParser
import CaptureAnalysis
import Foundation
import LabReport
import Labs

extension TCPLab {
    struct LabCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lab",
            abstract: "Guided labs that grade the answers against your own capture.",
            discussion: prose("""
                Each lab (labs/NN-name/README.md) has steps for a real board and for the simulated
                one, and questions whose answers are in YOUR capture: ports, ISNs and timings differ
                from student to student, so answers cannot be copied.

                Typical session:
                  tcplab lab list
                  tcplab lab show 1
                  tcplab lab answers 1 > answers.toml      (fill it in)
                  tcplab lab check 1 --pcap lab1.pcap --answers answers.toml

                For instructors: tcplab lab grade 1 handins/ > lab1-grades.csv
                """),
            subcommands: [List.self, Show.self, Answers.self, Check.self, Grade.self]
        )
    }
}

/// A lab number on the command line, checked against the catalog.
struct LabNumber: ParsableArguments {
    @Argument(help: "The lab's number (see `tcplab lab list`).")
    var number: Int

    func validate() throws {
        guard LabCatalog.lab(number) != nil else {
            throw ValidationError("there is no lab \(number); the labs are numbered \(LabCatalog.all.first!.number)–\(LabCatalog.all.last!.number) (`tcplab lab list`).")
        }
    }

    var lab: Lab { LabCatalog.lab(number)! }
}

extension TCPLab.LabCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the labs.")

        func run() {
            var text = ""
            for lab in LabCatalog.all {
                text += "\(pad(String(lab.number), 2, right: true))  \(pad(lab.title, 63)) \(lab.questions.count) questions\n"
            }
            text += "\n`tcplab lab show N` prints a lab; `tcplab lab answers N` its answer template.\n"
            print(text, terminator: "")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a lab: goal, background, steps and questions.",
            discussion: "Prints labs/NN-name/README.md: installed by `make install` (PREFIX/share/tcplab), or found in the checkout the binary was built in, or under $TCPLAB_DATA.")

        @OptionGroup var which: LabNumber

        func run() {
            let lab = which.lab
            if let readme = LabFiles.readme(for: lab) {
                print(readme)
            } else {
                print("Lab \(lab.number): \(lab.title)")
                print("(labs/\(lab.folder)/README.md was not found in \(LabFiles.searched); `make install` puts the texts where every folder finds them. The questions are:)\n")
                for question in lab.questions { print("- \(question.key): \(question.prompt)") }
            }
        }
    }

    struct Answers: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the answer template of a lab (TOML, one `key = value` per question).",
            discussion: "Example: tcplab lab answers 1 > answers.toml")

        @OptionGroup var which: LabNumber

        func run() { print(AnswerSheet.template(for: which.lab), terminator: "") }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check your answers against your own capture.",
            discussion: prose("""
                Prints one line per question: right, or wrong with a hint that says where to look
                (never the value). Exits 0 only when every answer is right, 1 otherwise.

                Example: tcplab lab check 1 --pcap lab1.pcap --answers answers.toml
                """))

        @OptionGroup var which: LabNumber

        @Option(help: "Your capture of the lab (pcap or pcapng), e.g. from `sudo tcplab capture -w lab1.pcap`.")
        var pcap: String

        @Option(help: "Your answers: the filled-in template from `tcplab lab answers N`.")
        var answers: String

        @Option(parsing: .unconditional, help: "The server's port, when the class does not use 5050.")
        var port = standardPort

        @OptionGroup var choice: StreamChoice

        func validate() throws { try checkPort(port) }

        @Option(help: "Colour the output: auto (only on a terminal), always, never.")
        var color: ColorChoice = .auto

        func run() throws {
            let lab = which.lab.onPort(UInt16(port))
            let sheet: AnswerSheet
            do {
                sheet = try AnswerSheet.load(file: answers)
            } catch {
                throw CommandFailure("\(answers): \(error)")
            }
            let facts = try CaptureFacts.load(file: pcap, streams: choice.selection.streams(in: pcap))
            let report: Grader.Report
            do {
                report = try Grader(lab: lab).grade(sheet, against: facts)
            } catch {
                throw CommandFailure("\(pcap): \(error.missing).\n  \(error.howToCapture)")
            }
            print(GradeReportText(palette: Palette(enabled: color.enabled)).render(report, capture: pcap, facts: facts),
                  terminator: "")
            if !report.allRight { throw ExitCode.failure }
        }
    }
}

/// The lab texts under `labs/`: where `make install` put them (PREFIX/share/tcplab, found from
/// the binary's real path), in a checkout (from the current folder up, then from the binary up),
/// or under $TCPLAB_DATA. The binary's path comes from /proc/self/exe, not argv[0], which is just
/// `tcplab` when the shell found it on PATH.
enum LabFiles {
    static func readme(for lab: Lab) -> String? {
        for root in candidateRoots() {
            let path = root.appendingPathComponent("labs/\(lab.folder)/README.md").path
            if let text = try? String(contentsOfFile: path, encoding: .utf8) { return text }
        }
        return nil
    }

    /// The committed capture of real traffic that `make demo` and `tcplab demo` fall back to.
    static func committedCapture() -> String? {
        candidateRoots().map { $0.appendingPathComponent("labs/captures/handshake.pcap").path }
            .first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Where the texts were looked for, for an error message.
    static var searched: String {
        "$TCPLAB_DATA, \(installedRoot?.path ?? "PREFIX/share/tcplab"), and the folders above the current one and the binary"
    }

    private static var executable: URL? {
        Bundle.main.executableURL?.resolvingSymlinksInPath()
    }

    private static var installedRoot: URL? {
        executable?.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("share/tcplab")
    }

    private static func candidateRoots() -> [URL] {
        var roots: [URL] = []
        if let data = ProcessInfo.processInfo.environment["TCPLAB_DATA"] { roots.append(URL(fileURLWithPath: data)) }
        if let installedRoot { roots.append(installedRoot) }
        for start in [URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                      executable?.deletingLastPathComponent()].compactMap({ $0 }) {
            var folder = start
            for _ in 0..<6 {
                roots.append(folder)
                folder = folder.deletingLastPathComponent()
            }
        }
        return roots
    }
}
