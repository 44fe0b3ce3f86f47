import Foundation
import TestSupport
import Testing
@testable import Labs

/// The lab texts under `labs/` and the catalog must not drift apart: `tcplab lab show N` prints the
/// README, and the grader reads the keys the README tells students to write.
@Suite("Lab texts match the catalog")
struct LabTextsTests {
    static let requiredSections = ["Goal", "Background", "Steps", "Questions", "Hand in"]

    static func readme(_ lab: Lab) throws -> String {
        let path = repositoryPath("labs/\(lab.folder)/README.md")
        return try #require(try? String(contentsOfFile: path, encoding: .utf8),
                            "labs/\(lab.folder)/README.md is missing (lab \(lab.number): \(lab.title))")
    }

    /// The `## ` headings of a Markdown text, in order.
    static func headings(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0.hasPrefix("## ") }
            .map { $0.dropFirst(3).trimmingCharacters(in: .whitespaces) }
    }

    @Test("Every lab has a README with Goal, Background, Steps, Questions, Hand in, in that order",
          arguments: LabCatalog.all.map(\.number))
    func readmeHasTheSections(number: Int) throws {
        let lab = try #require(LabCatalog.lab(number))
        let headings = Self.headings(try Self.readme(lab))
        let found = Self.requiredSections.compactMap { section in headings.firstIndex(of: section) }
        #expect(found.count == Self.requiredSections.count,
                "lab \(number): sections missing from \(Self.requiredSections) in headings \(headings)")
        #expect(found == found.sorted(), "lab \(number): sections out of order: \(headings)")
    }

    @Test("Every question key appears in backticks in its lab's Questions section",
          arguments: LabCatalog.all.map(\.number))
    func readmeNamesEveryKey(number: Int) throws {
        let lab = try #require(LabCatalog.lab(number))
        let text = try Self.readme(lab)
        let questions = try #require(text.range(of: "\n## Questions"), "lab \(number): no Questions section")
        let end = text.range(of: "\n## ", range: questions.upperBound..<text.endIndex)?.lowerBound ?? text.endIndex
        let section = text[questions.upperBound..<end]
        for question in lab.questions {
            #expect(section.contains("`\(question.key)`"), "lab \(number): key \(question.key) is not in the Questions section")
        }
    }

    @Test("The README names its lab's check command and title", arguments: LabCatalog.all.map(\.number))
    func readmeNamesTheCheckCommand(number: Int) throws {
        let lab = try #require(LabCatalog.lab(number))
        let text = try Self.readme(lab)
        #expect(text.contains("tcplab lab check \(number) "), "lab \(number): the Hand in section should show `tcplab lab check \(number) --pcap ... --answers ...`")
        let firstLine = text.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.hasPrefix("# Lab \(number)"), "lab \(number): the first line should be the title, found \(firstLine)")
    }

    @Test("The labs index links every lab folder")
    func indexLinksEveryLab() throws {
        let index = try String(contentsOfFile: repositoryPath("labs/README.md"), encoding: .utf8)
        for lab in LabCatalog.all {
            #expect(index.contains("(\(lab.folder)/README.md)"), "labs/README.md does not link \(lab.folder)")
        }
    }
}
