import LabReport
import Labs

/// `tcplab lab check`'s output: one aligned line per question, then the score.
struct GradeReportText {
    let palette: Palette

    func render(_ report: Grader.Report, capture: String, facts: CaptureFacts) -> String {
        var text = palette.bold("Lab \(report.lab.number): \(report.lab.title)") + "\n"
        if let stream = facts.streams.first(where: { $0.index == report.stream }) {
            let connection = "\(stream.conversation.client.endpoint) → \(stream.conversation.server.endpoint)"
            text += palette.dim("Checked against \(capture), stream \(report.stream) (\(connection))") + "\n\n"
        }
        let keyWidth = report.results.map(\.key.count).max() ?? 0
        for result in report.results {
            let key = pad(result.key, keyWidth + 1)
            switch result.verdict {
            case .right:
                text += "  \(palette.green("✔")) \(key) \(palette.green("right"))\n"
            case .wrong(let hint):
                text += "  \(palette.red("✘")) \(key) \(palette.red("wrong")) — \(hint)\n"
            case .unanswered:
                text += "  \(palette.yellow("?")) \(key) \(palette.yellow("not answered")) — \(result.question)\n"
            case .notInCapture(let missing):
                text += "  \(palette.yellow("!")) \(key) \(palette.yellow("cannot be checked")): \(missing.missing).\n"
                text += "    \(String(repeating: " ", count: keyWidth))\(missing.howToCapture)\n"
            }
        }
        for key in report.unknownKeys {
            text += "  \(palette.yellow("?")) \(pad(key, keyWidth + 1)) no question has this key (a typo?)\n"
        }
        let total = report.results.count
        let summary = "\(report.rightCount) of \(total) right."
        text += "\n" + (report.allRight ? palette.green(palette.bold(summary + " Well done.")) : palette.bold(summary)) + "\n"
        return text
    }
}
