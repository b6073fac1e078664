import Testing

@testable import ConcordML

@Suite("Split errors")
struct SplitErrorTests {
    @Test("code and context survive a throw; the message is the one users saw")
    func survives() {
        let error = #expect(throws: SplitError.self) { try Splits.given(column: ["train", "valid"]) }
        #expect(error?.code == .unknownSplitValue)
        #expect(error?.context == ErrorContext(row: 1, value: "valid"))
        #expect(error?.description == "row 1 has split value 'valid'; use 'train' or 'test'")
        #expect(SplitError.lengthMismatch(expected: 3, found: 2).context == ErrorContext(expected: 3, found: 2))
        #expect(SplitError.empty.code == .empty && SplitError.empty != .invalidFraction(0))
    }
}
