import Testing
@testable import ConcordNetwork

@Suite("What a partner's job view tells it")
struct PartnerMessageTests {
    @Test("a message naming another partner (whom the job waits for, who is late) is not shown to a partner; others are", arguments: [
        ("waiting for feature summaries from cleveland, hungary", "cleveland", "training: waiting for other partners"),
        ("waiting for evaluations from va-long-beach", "cleveland", "training: waiting for other partners"),
        ("late at the deadline: hungary.", "cleveland", "training: waiting for other partners"),
        ("waiting for feature summaries from cleveland", "cleveland", "waiting for feature summaries from cleveland"),
        ("mean client accuracy 0.799, pooled 0.795 over 4 sites' test rows", "cleveland", "mean client accuracy 0.799, pooled 0.795 over 4 sites' test rows"),
        ("waiting for annotations", "hungary", "waiting for annotations"),
        ("hungarian data are welcome", "cleveland", "hungarian data are welcome"),
    ])
    func redaction(message: String, caller: String, expected: String) {
        let members = ["cleveland", "hungary", "switzerland", "va-long-beach"]
        #expect(CoordinatorEngine.partnerMessage(message, caller: caller, members: members, title: "training") == expected)
    }
}
