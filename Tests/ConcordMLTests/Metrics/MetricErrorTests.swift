import Testing

@testable import ConcordML

@Suite("Metric errors")
struct MetricErrorTests {
    @Test("code and context survive a throw; the message is the one users saw")
    func survives() {
        let error = #expect(throws: MetricError.self) { try ConfusionMatrix(truth: [0, 2], predicted: [1, 1]) }
        #expect(error?.code == .invalidLabel)
        #expect(error?.context == ErrorContext(row: 1, value: "2"))
        #expect(error?.description == "row 1 has label 2; binary labels must be 0 or 1")
        let short = MetricError.tooFewRows(found: 1, minimum: 2)
        #expect(short.code == .tooFewRows && short.context == ErrorContext(expected: 2, found: 1))
        #expect(MetricError.undefined("one class").description == "the metric is undefined: one class")
    }
}
