import ArgumentParser
import Foundation
import SensorServer
import WebView

extension TCPLab {
    /// `tcplab plot`: after the class, the live page's plots from the server's log.
    struct Plot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Plot each board's temperature and humidity from a serve --log file (SVG or page).",
            discussion: prose("""
                Reads the log `tcplab serve --log` wrote, JSON lines (.jsonl) or CSV, and
                draws each board's temperature and humidity over the whole log, with the
                gaps (readings the board wrote that never arrived: a dotted line and G)
                and the restarts (seq or millis went back: a solid line and R) marked,
                found as the server finds them. Times are the server's: UTC in the SVG,
                the viewer's time zone on the page.

                --svg FILE writes one SVG picture, a pair of charts per board, for a
                report. --html FILE writes the classroom page of `serve --web` as one
                self-contained file: the table, the plots and the list of gaps and
                restarts, with no network needed. --device keeps only the boards named.
                Without --svg or --html, a summary per board is printed.

                EXAMPLES
                    tcplab serve --log class.jsonl          (during the class)
                    tcplab plot class.jsonl --html class.html --svg class.svg
                    tcplab plot class.csv --device nodemcu-07 --svg my-board.svg
                """))

        @Argument(help: ArgumentHelp("The log of tcplab serve --log (.jsonl or CSV).", valueName: "log"))
        var file: String

        @Option(help: ArgumentHelp("Write the plots as an SVG picture to this file.", valueName: "file"))
        var svg: String?

        @Option(help: ArgumentHelp("Write the self-contained classroom page to this file.", valueName: "file"))
        var html: String?

        @Option(help: ArgumentHelp("Plot only this board (its HELLO name; repeatable).", valueName: "name"))
        var device: [String] = []

        func validate() throws {
            if svg != nil && svg == html { throw ValidationError("--svg and --html need different files.") }
        }

        func run() throws {
            let text: String
            do {
                text = try String(contentsOfFile: self.file, encoding: .utf8)
            } catch {
                throw CommandFailure("cannot read \(self.file): \(error.localizedDescription)")
            }
            let readings: [ReceivedReading]
            do {
                readings = try ReadingLogReader.readings(from: text)
            } catch {
                throw CommandFailure("\(self.file) is not a tcplab serve --log file: \(error)")
            }
            var classroom = Classroom.fromLog(readings)
            if !self.device.isEmpty {
                let unknown = self.device.filter { classroom.boards[$0] == nil }
                if !unknown.isEmpty {
                    let known = classroom.sortedBoards.map(\.name).joined(separator: ", ")
                    throw CommandFailure("no board named \(unknown.joined(separator: ", ")) in \(self.file); its boards: \(known)")
                }
                classroom.keep(only: Set(self.device))
            }
            let boards = classroom.sortedBoards
            guard !boards.isEmpty else { throw CommandFailure("no readings in \(self.file): nothing to plot.") }
            let title = "tcplab: readings of \(URL(fileURLWithPath: self.file).lastPathComponent)"
            let what = "\(boards.count) board\(boards.count == 1 ? "" : "s"), \(boards.reduce(0) { $0 + $1.readings }) readings"
            if let svg {
                try self.write(PlotSVGRenderer().document(classroom, title: title), to: svg)
                StandardError.print("tcplab: wrote \(svg) (\(what))")
            }
            if let html {
                let end = readings.map(\.received).max() ?? .now()
                let snapshot = ClassroomJSON.snapshot(classroom, statistics: nil, browsers: 0, now: end, live: false, title: title)
                try self.write(PageAssets.offlinePage(title: title, snapshotJSON: snapshot), to: html)
                StandardError.print("tcplab: wrote \(html) (\(what))")
            }
            if svg == nil && html == nil {
                for board in boards {
                    let points = classroom.points(of: board.name)
                    let from = points.first.map { Timestamp(nanosecondsSince1970: $0.time * 1_000_000).iso8601 } ?? "–"
                    let to = points.last.map { Timestamp(nanosecondsSince1970: $0.time * 1_000_000).iso8601 } ?? "–"
                    StandardOutputLine.print("\(board.name): \(board.readings) readings from \(from) to \(to), "
                        + "\(board.gaps) gap\(board.gaps == 1 ? "" : "s") (\(board.missingReadings) readings lost), "
                        + "\(board.restarts) restart\(board.restarts == 1 ? "" : "s")")
                }
                StandardError.print("tcplab: add --svg FILE or --html FILE to draw them.")
            }
        }

        private func write(_ text: String, to path: String) throws {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            } catch {
                throw CommandFailure("cannot write \(path): \(error.localizedDescription)")
            }
        }
    }
}
