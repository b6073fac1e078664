import Testing
@testable import ConcordData

@Suite("Binary labels")
struct BinaryLabelTests {
    @Test func zeroAndOneAsWrittenOrAThresholdOnAMeasuredValue() {
        #expect(BinaryLabel(parsing: " 1 ", activeBelow: nil) == .label(1))
        #expect(BinaryLabel(parsing: "0.0", activeBelow: nil) == .label(0))
        #expect(BinaryLabel(parsing: "2", activeBelow: nil) == .notBinary)
        #expect(BinaryLabel(parsing: "100", activeBelow: 100) == .label(1), "at the threshold is active")
        #expect(BinaryLabel(parsing: "100.5", activeBelow: 100) == .label(0))
        #expect(BinaryLabel(parsing: "n/a", activeBelow: 100) == .notANumber)
        #expect(BinaryLabel(parsing: "nan", activeBelow: nil) == .notANumber)
        #expect(BinaryLabel(parsing: "inf", activeBelow: 100) == .notANumber)
    }
}
