import ConcordFederation
import ConcordReport
import Testing

@Test func placeholderCompiles() {
    #expect(HTMLReport.self == HTMLReport.self)
}
