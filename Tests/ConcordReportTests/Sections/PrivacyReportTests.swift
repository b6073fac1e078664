import ConcordFederation
import Foundation
import Testing
@testable import ConcordReport

@Suite("Privacy study report")
struct PrivacyReportTests {
    static func variant(_ mode: String, epsilon: Double?, closure: Double, auc: Double, answered: Int? = nil) -> PrivacyVariantResult {
        let figures = ["T1", "T<2>"].flatMap { partner in
            [AttackFigure(seed: 0, partner: partner, artefact: .consensus, attack: .certainty, auc: auc, tprAt1pctFPR: 0.02, members: 20, nonMembers: 20),
             AttackFigure(seed: 0, partner: partner, artefact: .student, attack: .loss, auc: auc - 0.05, tprAt1pctFPR: 0.01, members: 20, nonMembers: 20)]
        }
        let releases = answered.map { a in
            [NoisyVoteRelease(voters: 64, partners: 2, considered: 1_000, answered: a, thresholdSigma: 40, answerSigma: 20, threshold: 45,
                              epsilon: epsilon ?? 0, delta: 1e-5, epsilonSpent: (epsilon ?? 0) * 0.8, flipped: 12)]
        } ?? []
        return PrivacyVariantResult(mode: mode, epsilon: epsilon, closure: closure, studentMCC: 0.3 + closure / 10, attack: WorstAttack(figures),
                                    breakdown: figures, notes: mode == "default" ? ["seed 0: T3 has too few held-out molecules"] : [],
                                    attackChance: WorstAttack(auc: 0.58, tprAt1pctFPR: 0.03), noisyVotes: releases)
    }

    static var study: PrivacyStudyResults {
        PrivacyStudyResults(concordVersion: "test", dataset: "CHEMBL214_Ki <test>", seeds: [0, 1], options: MembershipAudit.Options(),
                            variants: [variant("default", epsilon: nil, closure: 0.7, auc: 0.66),
                                       variant("noisy-votes", epsilon: 1, closure: 0.1, auc: 0.52, answered: 300),
                                       variant("noisy-votes", epsilon: 8, closure: 0.35, auc: 0.55, answered: 600),
                                       variant("noisy-votes", epsilon: 16, closure: 0.42, auc: 0.56, answered: 700)],
                            seconds: 75)
    }

    @Test("curves of closure and worst AUC against ε, each variant's row with ε, δ and answered, each partner's figures, all escaped")
    func report() {
        let html = HTMLReport.render(Self.study)
        for id in ["summary", "curves", "variants", "partners"] { #expect(html.contains("id=\"\(id)\""), "section \(id)") }
        #expect(html.contains("Closure against ε") && html.contains("Worst membership-inference AUC against ε"))
        #expect(html.contains("(log scale)"), "ε from 1 to 16 spans a wide range")
        #expect(html.contains("default (not private)"))
        #expect(html.contains("closure <strong>0.35</strong> (50% of default's)"), "a private variant's closure is stated against the default's")
        #expect(html.contains("<td class=\"num\">1e-05</td>") && html.contains("<td class=\"num\">600</td>"))
        #expect(html.contains("CHEMBL214_Ki &lt;test&gt;") && html.contains("T&lt;2&gt;") && !html.contains("T<2>"))
        #expect(html.contains("T3 has too few held-out molecules"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"))
    }

    @Test("without a private variant the curves section says how to draw them")
    func noCurves() {
        var study = Self.study
        study.variants = [study.variants[0]]
        let html = HTMLReport.render(study)
        #expect(html.contains("No private variant in this study") && !html.contains("Closure against ε"))
    }
}
