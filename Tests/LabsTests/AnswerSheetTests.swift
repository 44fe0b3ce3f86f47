import Testing
@testable import Labs

@Suite("Answers files")
struct AnswerSheetTests {
    @Test func numbersInAnyNotationCompareAsNumbers() throws {
        let sheet = try AnswerSheet(toml: "a = 16\nb = \"0x10\"\nc = 1.50\nd = \"1.5\"\ne = \" Client \"")
        #expect(sheet.values["a"] == .number(16))
        #expect(Answer.number(16).matches(try #require(sheet.values["b"])))
        #expect(Answer.number(1.5).matches(try #require(sheet.values["c"])))
        #expect(Answer.number(1.5).matches(try #require(sheet.values["d"])))
        #expect(Answer.word("client").matches(try #require(sheet.values["e"])))
        #expect(!Answer.word("server").matches(try #require(sheet.values["e"])))
    }

    @Test func toleranceAppliesToTimings() {
        #expect(Answer.number(2.0).matches(.number(2.4), tolerance: 0.5))
        #expect(!Answer.number(2.0).matches(.number(2.6), tolerance: 0.5))
        #expect(!Answer.number(2.0).matches(.number(2.0001)))
    }

    @Test func emptyValuesAreUnanswered() throws {
        let sheet = try AnswerSheet(toml: "a = \"\"\nb = \"  \"")
        #expect(sheet.values.isEmpty)
    }

    @Test func syntaxErrorsNameTheLine() {
        #expect {
            try AnswerSheet(toml: "a = 1\nb = \nc = 3")
        } throws: { error in
            guard case .syntax(let line, _, _) = error as? AnswerSheetError else { return false }
            return line == 2 && "\(error)".contains("key = value")
        }
    }

    @Test func tablesAreRefused() {
        #expect(throws: AnswerSheetError.self) { try AnswerSheet(toml: "[section]\na = 1") }
    }

    @Test(arguments: LabCatalog.all.map(\.number))
    func everyTemplateParsesAndListsEveryKey(lab number: Int) throws {
        let lab = try #require(LabCatalog.lab(number))
        let template = AnswerSheet.template(for: lab)
        #expect(try AnswerSheet(toml: template).values.isEmpty, "an untouched template answers nothing")
        for question in lab.questions { #expect(template.contains("\(question.key) = ")) }
    }

    @Test func labOneKeysAreTheFixedContract() throws {
        let keys = try #require(LabCatalog.lab(1)).questions.map(\.key)
        #expect(keys == ["client_port", "server_port", "client_isn", "server_isn", "synack_ack_raw",
                         "client_mss", "server_mss", "first_data_len", "first_data_seq_relative"])
    }
}
