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
            case .wrongForm(let problem):
                text += "  \(palette.red("✘")) \(key) \(palette.red("not graded")): \(problem)\n"
            case .unanswered:
                text += "  \(palette.yellow("?")) \(key) \(palette.yellow("not answered")) — \(result.question)\n"
            case .notInCapture(let missing):
                text += "  \(palette.yellow("!")) \(key) \(palette.yellow("cannot be checked")): \(missing.missing).\n"
                text += "    \(String(repeating: " ", count: keyWidth))\(missing.howToCapture)\n"
            }
        }
        if let other = report.answersOfLab {
            text += "  \(palette.yellow("?")) These answers are lab \(other)'s (\(report.unknownKeys.count) of its keys): "
                + "check them with `tcplab lab check \(other) …`, or start from `tcplab lab answers \(report.lab.number)`.\n"
        } else {
            for key in report.unknownKeys {
                let elsewhere = LabCatalog.all.first { $0.questions.contains { $0.key == key } }
                let guess = report.suggestions[key].map { "; did you mean \($0)?" }
                    ?? elsewhere.map { " (it is a question of lab \($0.number))" } ?? " (a typo?)"
                text += "  \(palette.yellow("?")) \(pad(key, keyWidth + 1)) no question has this key\(guess)\n"
            }
        }
        let total = report.results.count
        let summary = "\(report.rightCount) of \(total) right."
        text += "\n" + (report.allRight ? palette.green(palette.bold(summary + " Well done.")) : palette.bold(summary)) + "\n"
        return text
    }
}
