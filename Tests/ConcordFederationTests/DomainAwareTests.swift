import ConcordChem
import ConcordFederation
import ConcordML
import ConcordTesting
import Testing

@Suite("Domain-aware transfer selection")
struct DomainSelectionTests {
    // Two partners over six screened molecules: T1 is near 0, 1, 2 (in that order), T2 near 5, 4, 3.
    let t1 = Screening(partner: "T1", distances: [0.1, 0.2, 0.3, 0.8, 0.9, 0.95])
    let t2 = Screening(partner: "T2", distances: [0.9, 0.8, 0.7, 0.3, 0.2, 0.1])

    @Test("partners take their nearest molecules in turn, so both are represented")
    func roundRobin() throws {
        let chosen = try DomainSelection.choose([t1, t2], size: 4, domainFraction: 1, seed: 1)
        #expect(chosen == [0, 1, 4, 5], "T1's two nearest and T2's two nearest, in pool order")
        let three = try DomainSelection.choose([t1, t2], size: 3, domainFraction: 1, seed: 1)
        #expect(three == [0, 1, 5], "T1 first, then T2, then T1 again")
    }

    @Test("an abstention is never counted as nearness; the random share is seeded")
    func abstentionsAndRandomShare() throws {
        let abstaining = Screening(partner: "T1", distances: [0, 0.2, 0.3, 0.8, 0.9, 0.95], abstained: [true, false, false, false, false, false])
        let chosen = try DomainSelection.choose([abstaining], size: 2, domainFraction: 1, seed: 1)
        #expect(chosen == [1, 2], "molecule 0 is T1's own: its zero distance must not pull it in")
        let half = try DomainSelection.choose([t1, t2], size: 4, domainFraction: 0.5, seed: 7)
        #expect(half.count == 4 && half.contains(0) && half.contains(5))
        #expect(try DomainSelection.choose([t1, t2], size: 4, domainFraction: 0.5, seed: 7) == half)
        let draws = Set((0..<20).map { (try? DomainSelection.choose([t1, t2], size: 4, domainFraction: 0.5, seed: UInt64($0))) ?? [] })
        #expect(draws.count > 1, "the random half depends on the seed")
    }

    @Test("a pool no larger than the size is kept whole; screenings of different lengths are refused")
    func edges() throws {
        #expect(try DomainSelection.choose([t1, t2], size: 6, domainFraction: 1, seed: 1) == Array(0..<6))
        let short = Screening(partner: "T3", distances: [0.1])
        #expect(throws: FederationError.self) { try DomainSelection.choose([t1, short], size: 2, domainFraction: 1, seed: 1) }
    }

    @Test("screening without a model gives exactly the trained teacher's screening")
    func screeningWithoutModel() async throws {
        let data = await Library.labelled()
        let rows = Array(0..<200)
        let pool = data.features.rows(Array(150..<400))
        let poolKeys = (150..<400).map { data.identityKeys[$0] }
        let recipe = TrainingRecipe(model: .randomForest(ForestOptions(treeCount: 5, maxDepth: 4)))
        let guardBoth = SelfAnnotationGuard(identical: true, similarityThreshold: 0.9)
        let trained = try await Teacher.train(partner: "T1", features: data.features.rows(rows), labels: rows.map { data.labels[$0] },
                                              keys: rows.map { data.identityKeys[$0] }, recipe: recipe, domain: DomainSettings(), seeds: SeedTree(11))
        let expected = try await trained.screen(pool, keys: poolKeys, guard: guardBoth)
        let screened = try await Teacher.screen(partner: "T1", features: data.features.rows(rows), keys: rows.map { data.identityKeys[$0] },
                                                domain: DomainSettings(), seeds: SeedTree(11), pool: pool, poolKeys: poolKeys, guard: guardBoth)
        #expect(screened == expected)
        #expect(screened.abstained.filter { $0 }.count >= 50, "the 50 shared molecules are the partner's own")
        let other = try await Teacher.screen(partner: "T1", features: data.features.rows(rows), keys: rows.map { data.identityKeys[$0] },
                                             domain: DomainSettings(), seeds: SeedTree(12), pool: pool, poolKeys: poolKeys, guard: guardBoth)
        #expect(other.distances != screened.distances, "the domain reference is a seeded sample")
    }

    @Test("a simulation with screening draws a transfer set of the size asked from the larger pool, reproducibly")
    func simulation() async throws {
        let data = await Library.labelled()
        let pool = Library.pool(data)
        var settings = Library.settings
        settings.singleTeacherStudents = false
        settings.hybrids = false
        settings.transferSize = 200
        settings.transferSelection = TransferSelection(poolSize: 600, domainFraction: 1)
        let run = try await Simulation.runSeed(data: data, pool: pool, settings: settings, seed: 4)
        #expect(run.transfer.count == 200)
        let heldOut = Set((run.plan.test + run.plan.validation).map { data.identityKeys[$0] })
        #expect(Set(run.transfer.keys).isDisjoint(with: heldOut))
        let again = try await Simulation.runSeed(data: data, pool: pool, settings: settings, seed: 4)
        #expect(again.transfer.smiles == run.transfer.smiles)
        var random = settings
        random.transferSelection = .random
        let plain = try await Simulation.runSeed(data: data, pool: pool, settings: random, seed: 4)
        #expect(plain.transfer.smiles != run.transfer.smiles, "screening changes which molecules are chosen")
        var bad = settings
        bad.transferSelection.poolSize = 100
        await #expect(throws: FederationError.self) { try await Simulation.runSeed(data: data, pool: pool, settings: bad, seed: 4) }
    }
}

@Suite("Confidence-weighted consensus")
struct ConfidenceConsensusTests {
    @Test("each partner's domain weight is scaled by its reliability 2·AUC − 1")
    func weighting() throws {
        // Equal distances: domain weights are ½ each. Reliabilities 0.9 → 0.8 and 0.6 → 0.2.
        let a = Annotation(partner: "T1", probabilities: [0.9, 0.2], domainDistances: [1, 1], reliability: 0.9)
        let b = Annotation(partner: "T2", probabilities: [0.1, 0.6], domainDistances: [1, 1], reliability: 0.6)
        let c = try Federation.consensus([a, b], scheme: .confidence)
        #expect(abs(c.probabilities[0] - (0.8 * 0.9 + 0.2 * 0.1)) < 1e-12)
        #expect(abs(c.probabilities[1] - (0.8 * 0.2 + 0.2 * 0.6)) < 1e-12)
        #expect(abs(c.contributions[0] - 1.6) < 1e-12 && abs(c.contributions[1] - 0.4) < 1e-12)
        // Unreported reliability counts as 1, so the scheme equals FLuID's weighted one.
        let plainA = Annotation(partner: "T1", probabilities: [0.9, 0.2], domainDistances: [1, 3])
        let plainB = Annotation(partner: "T2", probabilities: [0.1, 0.6], domainDistances: [3, 1])
        #expect(try Federation.consensus([plainA, plainB], scheme: .confidence).probabilities
                == Federation.consensus([plainA, plainB], scheme: .weighted).probabilities)
        // A chance-level teacher (AUC ≤ 0.5) counts for nothing beside a reliable one.
        let chance = Annotation(partner: "T3", probabilities: [0.0, 0.0], domainDistances: [1, 1], reliability: 0.45)
        let ignored = try Federation.consensus([a, chance], scheme: .confidence).probabilities
        #expect(abs(ignored[0] - 0.9) < 1e-12 && abs(ignored[1] - 0.2) < 1e-12)
    }

    @Test("a reliability outside [0, 1] is refused")
    func refusal() {
        let bad = Annotation(partner: "T1", probabilities: [0.5], domainDistances: [1], reliability: 1.5)
        #expect(throws: FederationError.self) { try Federation.consensus([bad], scheme: .confidence) }
    }

    @Test("teachers measure their own reliability without their training labels leaking: out-of-bag for forests, cross-validated otherwise")
    func reliability() async throws {
        let data = await Library.labelled()
        let forest = TrainingRecipe(model: .randomForest(ForestOptions(treeCount: 25, maxDepth: 8)))
        let teacher = try await Teacher.train(partner: "T1", features: data.features, labels: data.labels, recipe: forest,
                                              domain: DomainSettings(), seeds: SeedTree(3), measureReliability: true)
        let oob = try #require(teacher.reliability)
        #expect(oob > 0.8 && oob <= 1, "the library's rule is learnable (out-of-bag ROC-AUC \(oob))")
        let logistic = TrainingRecipe(model: .logisticRegression(LogisticRegression.Options()))
        let cv = try #require(try await Teacher.train(partner: "T1", features: data.features, labels: data.labels, recipe: logistic,
                                                      domain: DomainSettings(), seeds: SeedTree(3), measureReliability: true).reliability)
        #expect(cv > 0.6 && cv <= 1, "cross-validated ROC-AUC \(cv)")
        // Labels shuffled against the molecules: nothing to learn, so reliability falls to about chance.
        var rng = SeededRandom(seed: 9)
        let shuffled = Splits.shuffled(Array(data.labels.indices), &rng).map { data.labels[$0] }
        let noise = try #require(try await Teacher.train(partner: "T1", features: data.features, labels: shuffled, recipe: forest,
                                                         domain: DomainSettings(), seeds: SeedTree(3), measureReliability: true).reliability)
        #expect(noise < 0.65, "shuffled labels give a chance-level reliability (\(noise))")
        let annotation = try await teacher.annotate(data.features.rows([0, 1]))
        #expect(annotation.reliability == oob, "the annotation carries the teacher's reliability")
        let oneClass = try await Teacher.train(partner: "T1", features: data.features, labels: [UInt8](repeating: 0, count: data.count),
                                               recipe: forest, domain: DomainSettings(), seeds: SeedTree(3), measureReliability: true)
        #expect(oneClass.reliability == nil)
        // Not asked for (every scheme but confidence): not measured, not sent.
        let unasked = try await Teacher.train(partner: "T1", features: data.features, labels: data.labels, recipe: logistic,
                                              domain: DomainSettings(), seeds: SeedTree(3))
        #expect(unasked.reliability == nil)
        #expect(try await unasked.annotate(data.features.rows([0, 1])).reliability == nil)
    }
}

@Suite("Soft students and calibrated hybrids")
struct SoftStudentTests {
    @Test("logistic regression fits probabilities: soft targets move predictions where hard labels cannot")
    func softLogistic() async throws {
        let data = await Library.labelled()
        let spec = ModelSpec.logisticRegression(LogisticRegression.Options())
        // With 0/1 targets the soft fit is the ordinary fit on hard labels (the zero-weight copies add nothing).
        let hard = try await spec.fitSoft(data.features, probabilities: data.labels.map(Double.init), seed: 1)
        let reference = try LogisticRegression.fit(data.features, labels: data.labels)
        let ph = await hard.predictProbability(data.features), pr = await reference.predictProbability(data.features)
        #expect(zip(ph, pr).allSatisfy { abs($0 - $1) < 1e-6 })
        // Targets 0.8 for actives and 0.2 for inactives: predictions keep the order but are pulled towards the targets.
        let soft = try await spec.fitSoft(data.features, probabilities: data.labels.map { $0 == 1 ? 0.8 : 0.2 }, seed: 1)
        let ps = await soft.predictProbability(data.features)
        func mean(_ p: [Double], _ label: UInt8) -> Double {
            let v = zip(p, data.labels).filter { $0.1 == label }.map(\.0)
            return v.reduce(0, +) / Double(v.count)
        }
        #expect(mean(ps, 1) > 0.5 && mean(ps, 0) < 0.5)
        #expect(mean(ps, 1) < mean(ph, 1) && mean(ps, 0) > mean(ph, 0), "soft targets give less extreme probabilities")
        #expect(mean(ps, 1) < 0.85 && mean(ps, 0) > 0.15)
    }

    @Test("hybrids keep the public share asked and choose their threshold on their own validation molecules")
    func hybrids() async throws {
        let data = await Library.labelled()
        let pool = Library.pool(data)
        var settings = Library.settings
        settings.singleTeacherStudents = false
        settings.hybridPublicRatio = 0.5
        settings.calibrateHybrids = true
        let run = try await Simulation.runSeed(data: data, pool: pool, settings: settings, seed: 5)
        for (i, rows) in ([run.plan.allPartnerRows] + run.plan.partners).enumerated() {
            let hybrid = try #require(run.models.first { $0.name == "H\(i)" })
            let publicRows = Int((0.5 * Double(rows.count)).rounded())
            #expect(hybrid.trainSize <= rows.count + publicRows, "H\(i) trained on at most its rows and half as many public ones")
        }
        #expect(run.models.contains { $0.role == .hybrid && $0.threshold != 0.5 }, "some hybrid's own validation moved its threshold")
        var uncalibrated = settings
        uncalibrated.calibrateHybrids = false
        let plain = try await Simulation.runSeed(data: data, pool: pool, settings: uncalibrated, seed: 5)
        #expect(plain.models.filter { $0.role == .hybrid }.allSatisfy { $0.threshold == 0.5 })
        var bad = settings
        bad.hybridPublicRatio = -1
        await #expect(throws: FederationError.self) { try await Simulation.runSeed(data: data, pool: pool, settings: bad, seed: 5) }
        // A fine-tuned hybrid needs a soft-label MLP student: refused for the forest student, in the settings and in Hybrid itself.
        var forestTuned = settings
        forestTuned.hybridModel = .fineTunedStudent
        #expect(throws: FederationError.self) { try forestTuned.validate() }
        let own = (x: data.features.rows(Array(0..<40)), y: Array(data.labels[0..<40]))
        let selected = (x: data.features.rows(Array(40..<80)), y: Array(data.labels[40..<80]))
        var options = Hybrid.Options(recipe: settings.hybrid)
        options.model = .fineTunedStudent
        let forest = try await settings.hybrid.train(own.x, labels: own.y, seed: 1).model
        await #expect(throws: FederationError.self) {
            try await Hybrid.train(own: own, selected: selected, student: (forest, [Double](repeating: 0.5, count: 40)), validation: nil,
                                   options: options, seed: 1, drawSeed: 1)
        }
        await #expect(throws: FederationError.self, "no student at all") {
            try await Hybrid.train(own: own, selected: selected, validation: nil, options: options, seed: 1, drawSeed: 1)
        }
    }
}

@Suite("Options study")
struct OptionsStudyTests {
    @Test("each option alone on poc, all together, and the extensions; the shared sizes are the user's")
    func variants() {
        var common = SimulationSettings.standard
        common.transferSize = 1234
        common.studentSize = 321
        let variants = Studies.variants(common: common)
        #expect(variants.first?.name == "poc" && variants.first?.settings.selection == .balanced)
        #expect(variants.contains { $0.name == "default" && $0.settings.softLabels && $0.settings.calibrate })
        #expect(variants.allSatisfy { $0.settings.transferSize == 1234 && $0.settings.studentSize == 321 && !$0.settings.hybrids })
        let alone = variants.filter { $0.name.hasPrefix("poc + ") }
        #expect(alone.count >= 8)
        // Each "alone" variant differs from poc in its option only.
        let poc = variants[0].settings
        let soft = alone.first { $0.name == "poc + soft forest student" }
        #expect(soft != nil)
        #expect(soft?.settings.softLabels == true && soft?.settings.student == poc.student && soft?.settings.selection == poc.selection)
        #expect(alone.first { $0.name == "poc + confidence consensus" }?.settings.scheme == .confidence)
        #expect(Set(variants.map(\.name)).count == variants.count, "names are unique")
    }

    @Test("the study runs every variant on a seed and reports the student's MCC and closure for each")
    func runs() async throws {
        let data = await Library.labelled()
        let pool = Library.pool(data)
        var common = Library.settings
        common.transferSize = 200
        common.studentSize = 60
        let result = try await Studies.options(data: data, pool: pool, preferred: 100, common: common, seed: 2)
        let names = Studies.variants(common: common).map(\.name)
        #expect(result.samples.filter { $0.series == "student test MCC" }.count == names.count)
        try checkOptionsTable(result.table, variants: names, metric: "mcc")
    }
}
