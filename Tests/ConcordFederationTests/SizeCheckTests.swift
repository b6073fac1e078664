import ConcordChem
import ConcordFederation
import ConcordML
import ConcordTesting
import Testing

@Suite("Set sizes")
struct SizeCheckTests {
    /// Rows 0..<n with every `every`-th one active.
    static func labels(_ n: Int, every: Int) -> [UInt8] { (0..<n).map { $0 % every == 0 ? 1 : 0 } }

    @Test("a partner with one molecule, a 6-molecule test set and a one-class validation set are refused, each named with its size")
    func refusals() throws {
        let labels = Self.labels(400, every: 3)
        let plan = ConsortiumPlan(test: Array(0..<6), validation: Array(stride(from: 12, to: 42, by: 3)),
                                  partners: [[100], Array(200..<300), Array(300..<400)])
        let check = SizeCheck(plan: plan, labels: labels, validationNeeded: true)
        #expect(check.refusals.count == 3, "\(check.refusals)")
        #expect(check.refusals.contains { $0.hasPrefix("partner T1's training set has 1 molecule (0 active, 1 inactive); at least 10") })
        #expect(check.refusals.contains { $0.hasPrefix("the external test set has 6 molecules (2 active, 4 inactive); at least 20") })
        #expect(check.refusals.contains { $0.hasPrefix("the validation set has 10 molecules (10 active, 0 inactive); at least 2 of each class") })
        #expect(throws: FederationError.self) { try check.enforce() }
        // Without a validation step, and for regression (no classes), the one-class validation set is no reason to refuse.
        #expect(SizeCheck(plan: plan, labels: labels, validationNeeded: false).refusals.count == 2)
        #expect(SizeCheck(plan: plan, labels: nil, validationNeeded: false).refusals.count == 2)
    }

    @Test("a partner needs one molecule of each class, not two: one active warns, none refuses")
    func partnerClasses() throws {
        let labels = Self.labels(400, every: 3)
        // Rows 1, 2, 4, 5, … are inactive; row 3 is active: a partner of 18 with one active, and one of 18 with none.
        let inactive = (100..<400).filter { $0 % 3 != 0 }
        let one = [300] + Array(inactive.prefix(17)), none = Array(inactive.dropFirst(17).prefix(18))
        let plan = ConsortiumPlan(test: Array(0..<100), validation: [], partners: [one, none])
        let check = SizeCheck(plan: plan, labels: labels, validationNeeded: false)
        #expect(check.refusals == ["partner T2's training set has 18 molecules (0 active, 18 inactive); at least 1 of each class is needed — use fewer partners or more molecules"])
        #expect(check.warnings.contains { $0.hasPrefix("partner T1's training set has 18 molecules (1 active, 17 inactive)") })
    }

    @Test("borderline sizes run with warnings; comfortable ones with none")
    func warnings() throws {
        let labels = Self.labels(2000, every: 4)
        let borderline = ConsortiumPlan(test: Array(0..<60), validation: Array(60..<200), partners: [Array(200..<230), Array(300..<800)])
        let check = SizeCheck(plan: borderline, labels: labels, validationNeeded: true)
        #expect(check.refusals.isEmpty)
        #expect(check.warnings.count == 2, "\(check.warnings)")
        #expect(check.warnings.contains { $0.hasPrefix("partner T1's training set has 30 molecules") })
        #expect(check.warnings.contains { $0.hasPrefix("the external test set has 60 molecules") })
        try check.enforce()
        let comfortable = ConsortiumPlan(test: Array(0..<200), validation: Array(200..<300), partners: [Array(300..<800), Array(800..<1300)])
        #expect(SizeCheck(plan: comfortable, labels: labels, validationNeeded: true) == SizeCheck(plan: comfortable, labels: labels, validationNeeded: true))
        #expect(SizeCheck(plan: comfortable, labels: labels, validationNeeded: true).warnings.isEmpty)
        // Few of one class warns even when the set is large.
        let rare = Self.labels(2000, every: 40)
        #expect(SizeCheck(plan: comfortable, labels: rare, validationNeeded: false).warnings.contains { $0.hasPrefix("the external test set") })
    }

    @Test("a simulation on 27 molecules is refused before any model is trained")
    func tinySimulation() async throws {
        let all = await Library.labelled()
        let rows = Array(stride(from: 0, to: all.count, by: 41).prefix(27))
        #expect(Set(rows.map { all.labels[$0] }).count == 2)
        let tiny = LabelledMolecules(ids: rows.map { all.ids[$0] }, features: all.features.rows(rows), labels: rows.map { all.labels[$0] },
                                     identityKeys: rows.map { all.identityKeys[$0] }, isTest: nil, smiles: rows.map { all.smiles[$0] })
        var settings = Library.settings
        settings.consortium.partners = 4
        do {
            _ = try await Simulation.runSeed(data: tiny, pool: Library.pool(all), settings: settings, seed: 1)
            Issue.record("27 molecules were not refused")
        } catch {
            guard error.code == .invalidData else { Issue.record("\(error)"); return }
            let message = error.message
            #expect(message.contains(#/the external test set has \d molecules \(\d active, \d inactive\); at least 20 are needed/#), "\(message)")
            #expect(message.contains("partner T"), "\(message)")
        }
    }
}
