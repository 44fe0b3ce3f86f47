import Testing
import WireFormat

@Suite("Sequence numbers wrap around 2^32")
struct SequenceNumberTests {
    @Test func additionWraps() {
        #expect((SequenceNumber(0xffff_fff0) + 0x20).rawValue == 0x10)
        #expect((SequenceNumber(5) - 10).rawValue == 0xffff_fffb)
    }

    @Test func comparisonAcrossTheWrap() {
        let before = SequenceNumber(0xffff_ff00)
        let after = SequenceNumber(0x0000_0100)
        #expect(before < after)
        #expect(!(after < before))
        #expect(before.distance(to: after) == 0x200)
        #expect(after.distance(to: before) == -0x200)
    }

    @Test func relativeNumbersAcrossTheWrap() {
        let isn = SequenceNumber(0xffff_fffe)
        #expect((isn + 1).relative(to: isn) == 1)
        #expect(SequenceNumber(3).relative(to: isn) == 5)
    }
}
