import ConcordFederation
import Testing

@Suite("A settings request's rules")
struct SettingsRequestTests {
    @Test("choices out of range are refused naming their option; a request within range passes")
    func ranges() throws {
        var request = SettingsRequest()
        request.partners = 3; request.transferSize = 100; request.domainFraction = 0.5; request.teachers = ["rf", "knn"]
        try request.validate()
        let refusals: [(SettingsRequest, String)] = [
            ({ var r = SettingsRequest(); r.partners = 0; return r }(), "--partners must be at least 1"),
            ({ var r = SettingsRequest(); r.validationFraction = 1; return r }(), "--validation-fraction must lie in [0, 1)"),
            ({ var r = SettingsRequest(); r.weightPower = .infinity; return r }(), "--weight-power must be a positive number"),
            ({ var r = SettingsRequest(); r.teachers = ["rf", "svm"]; return r }(), "unknown model 'svm'"),
        ]
        for (request, message) in refusals {
            #expect { try request.validate() } throws: { error in
                (error as? FederationError)?.code == .invalidSetting && "\(error)".contains(message)
            }
        }
    }

    @Test("the self-annotation guard's setting: off, identity or a Tanimoto threshold in (0, 1]")
    func selfGuard() {
        #expect(SelfAnnotationGuard(setting: "off") == .off)
        #expect(SelfAnnotationGuard(setting: "identity") == SelfAnnotationGuard(identical: true))
        #expect(SelfAnnotationGuard(setting: "0.9") == SelfAnnotationGuard(identical: true, similarityThreshold: 0.9))
        for bad in ["0", "1.5", "similar", ""] { #expect(SelfAnnotationGuard(setting: bad) == nil) }
    }
}
