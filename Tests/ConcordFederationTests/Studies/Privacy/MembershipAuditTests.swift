import ConcordChem
import ConcordFederation
import ConcordML
import ConcordTesting
import Foundation
import Testing

@Suite("Membership audit of a simulated federation")
struct MembershipAuditTests {
    @Test("targets: a partner's own molecules against as many held-out molecules nearest its centroid, seeded")
    func targets() async throws {
        let data = await Library.labelled()
        let plan = try await VirtualConsortium.plan(data, settings: ConsortiumSettings(partners: 3), seed: 3)
        let targets = MembershipTargets.draw(plan: plan, features: data.features, seeds: SeedTree(1))
        #expect(targets.map(\.partner) == [0, 1, 2])
        let heldOut = Set(plan.test + plan.validation)
        for t in targets {
            #expect(!t.members.isEmpty && t.members.count == t.nonMembers.count)
            #expect(Set(t.members).isSubset(of: Set(plan.partners[t.partner])))
            #expect(Set(t.nonMembers).isSubset(of: heldOut))
        }
        let nonMembers = targets.flatMap(\.nonMembers)
        #expect(Set(nonMembers).count == nonMembers.count, "each held-out molecule belongs to one partner's part of chemical space")
        #expect(MembershipTargets.draw(plan: plan, features: data.features, seeds: SeedTree(1)) == targets)
        let other = MembershipTargets.draw(plan: plan, features: data.features, seeds: SeedTree(2))
        #expect(other != targets, "another seed samples other molecules")
    }

    @Test("the audit of a run: six figures per partner, the worst their maximum, the same on a second audit", .timeLimit(.minutes(10)))
    func audit() async throws {
        let data = await Library.labelled()
        var settings = Library.settings
        settings.hybrids = false
        settings.singleTeacherStudents = false
        let run = try await Simulation.runSeed(data: data, pool: Library.pool(data), settings: settings, seed: 2)
        #expect(run.students.first?.name == "S-F3")
        let options = MembershipAudit.Options(neighbours: 4, shadows: 2)
        let audit = try await MembershipAudit.run(run, data: data, settings: settings, options: options)
        #expect(audit.figures.count == 6 * (3 - audit.notes.count) && audit.figures.count >= 6)
        let kinds = Set(audit.figures.map { "\($0.artefact.rawValue)/\($0.attack.rawValue)" })
        #expect(kinds == ["annotations/domain_distance", "annotations/confidence", "consensus/confidence", "consensus/certainty",
                          "student/loss", "student/likelihood_ratio"])
        #expect(audit.figures.allSatisfy { (0...1).contains($0.auc) && (0...1).contains($0.tprAt1pctFPR) && $0.members == $0.nonMembers && $0.seed == 2 })
        let worst = try #require(audit.worst)
        #expect(worst.auc == audit.figures.map(\.auc).max() && worst.tprAt1pctFPR == audit.figures.map(\.tprAt1pctFPR).max())
        // The chance level: one worst case per permutation, from the same figures with membership shuffled.
        #expect(audit.chance.count == options.permutations)
        #expect(audit.chance.allSatisfy { (0...1).contains($0.auc) && (0...1).contains($0.tprAt1pctFPR) })
        #expect(Set(audit.chance.map(\.auc)).count > 1, "each permutation deals membership anew")
        let again = try await MembershipAudit.run(run, data: data, settings: settings, options: options)
        #expect(again == audit)
        await #expect(throws: FederationError.self) {
            try await MembershipAudit.run(run, data: data, settings: settings, options: MembershipAudit.Options(shadows: 1))
        }
    }

    @Test("results.json of a variant writes every key, null for the absent ε")
    func encoding() throws {
        let figure = AttackFigure(seed: 0, partner: "T1", artefact: .student, attack: .loss, auc: 0.6, tprAt1pctFPR: 0.02, members: 10, nonMembers: 10)
        let variant = PrivacyVariantResult(mode: "poc", epsilon: nil, closure: 0.4, studentMCC: 0.5, attack: WorstAttack([figure]),
                                           breakdown: [figure], notes: [])
        let json = try #require(try JSONSerialization.jsonObject(with: ResultsJSON.encoder().encode(variant)) as? [String: Any])
        #expect(json["epsilon"] is NSNull)
        for key in ["mode", "closure", "student_mcc", "attack", "breakdown"] { #expect(json[key] != nil, "\(key)") }
        let attack = try #require(json["attack"] as? [String: Any])
        #expect(attack["auc"] as? Double == 0.6 && attack["tpr_at_1pct_fpr"] as? Double == 0.02)
        #expect(try ResultsJSON.decoder().decode(PrivacyVariantResult.self, from: ResultsJSON.encoder().encode(variant)) == variant)
    }
}
