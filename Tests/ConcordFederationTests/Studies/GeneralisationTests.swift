import ConcordFederation
import ConcordML
import ConcordTesting
import Testing

@Suite struct GeneralisationTests {
    static func run(_ set: String, _ candidate: String, seed: UInt64 = 0, labels: String = "≤ 100 nM", t0: Double = 0.6, tMean: Double = 0.2,
                    student: Double) -> Generalisation.Run {
        Generalisation.Run(set: set, labels: labels, candidate: candidate, seed: seed, partners: 8, t0: t0, tMean: tMean, student: student, seconds: 1)
    }

    @Test func foldsPartitionTheSetsDeterministicallyAndKeepASetWhole() {
        let sets = (1...30).map { "S\($0)" }
        let folds = Generalisation.folds(sets + sets, count: 5, seed: 7)  // a set named twice (two label rules) is one set
        #expect(folds.count == 5)
        #expect(folds.map(\.count) == [6, 6, 6, 6, 6])
        #expect(Set(folds.flatMap { $0 }) == Set(sets) && folds.flatMap { $0 }.count == 30)
        #expect(Generalisation.folds(sets, count: 5, seed: 7) == folds)
        #expect(Generalisation.folds(sets, count: 5, seed: 8) != folds)
        #expect(Generalisation.folds(["a", "b"], count: 5, seed: 1).count == 2)
        #expect(Generalisation.folds([], count: 5, seed: 1).isEmpty)
    }

    @Test func setResultsAverageTheSeedsBeforeTheClosure() throws {
        let runs = [Self.run("A", "x", seed: 0, t0: 0.6, tMean: 0.2, student: 0.4), Self.run("A", "x", seed: 1, t0: 0.8, tMean: 0.2, student: 0.2)]
        let results = Generalisation.setResults(runs)
        let r = try #require(results.first)
        #expect(results.count == 1 && r.seeds == 2)
        // Means 0.7, 0.2, 0.3: closure 0.1 / 0.5 = 0.2 (the mean of the seeds' closures would be 0.25).
        #expect(abs((r.closure ?? 0) - 0.2) < 1e-12)
        // Seed closures 0.5 and 0: the range a single seed gives.
        #expect(r.seedRange.count == 2 && abs(r.seedRange[0]) < 1e-12 && abs(r.seedRange[1] - 0.5) < 1e-12)
        let none = Generalisation.setResults([Self.run("B", "x", t0: 0.2, tMean: 0.3, student: 0.5)])
        #expect(none.first?.closure == nil)
    }

    @Test func summaryInterpolatesQuartilesAndNamesTheFailures() {
        let closures = [0.1, 0.5, 0.6, 0.7, 0.9]
        let results = Generalisation.setResults(closures.enumerated().map { Self.run("S\($0.offset)", "x", student: 0.2 + 0.4 * $0.element) }
                                                + [Self.run("flat", "x", t0: 0.3, tMean: 0.3, student: 0.3)])
        let s = Generalisation.summary(results)
        #expect(s.count == 5)
        #expect(abs((s.median ?? 0) - 0.6) < 1e-9)
        #expect(abs((s.lowerQuartile ?? 0) - 0.5) < 1e-9)  // position 1 of 0…4
        #expect(abs((s.minimum ?? 0) - 0.1) < 1e-9)
        #expect(s.failures == ["S0 ≤ 100 nM"])
        #expect(s.undefined == ["flat ≤ 100 nM"])
        #expect(abs(Generalisation.quantile([0, 10], 0.25) - 2.5) < 1e-12)
        #expect(Generalisation.summary([]).median == nil)
        // The bootstrap intervals hold the point figures, stay within the values, and repeat.
        let m = s.medianInterval, q = s.lowerQuartileInterval
        #expect(m.count == 2 && q.count == 2)
        #expect(m[0] <= 0.6 + 1e-9 && 0.6 <= m[1] + 1e-9 && m[0] >= 0.1 - 1e-9 && m[1] <= 0.9 + 1e-9)
        #expect(q[0] <= 0.5 + 1e-9 && 0.5 <= q[1] + 1e-9)
        #expect(m[0] < m[1], "five different closures give an interval, not a point")
        #expect(Generalisation.summary(results).medianInterval == m)
        #expect(Generalisation.summary(Array(results.prefix(1))).medianInterval.isEmpty)
    }

    @Test func leaveSetsOutNeverChoosesOnTheReportedSets() {
        // "good-here" is best on A and B only; "steady" is better elsewhere. With folds [A, B] and [C, D],
        // A and B must be reported with the candidate chosen on C and D ("steady"), even though "good-here" wins on them.
        var runs: [Generalisation.Run] = []
        for set in ["A", "B"] {
            runs.append(Self.run(set, "good-here", student: 0.6)); runs.append(Self.run(set, "steady", student: 0.4))
        }
        for set in ["C", "D"] {
            runs.append(Self.run(set, "good-here", student: 0.2)); runs.append(Self.run(set, "steady", student: 0.5))
        }
        let results = Generalisation.setResults(runs)
        let (folds, heldOut) = Generalisation.leaveSetsOut(results, candidates: ["good-here", "steady"], folds: [["A", "B"], ["C", "D"]])
        #expect(folds.map(\.chosen) == ["steady", "good-here"])
        #expect(heldOut.filter { ["A", "B"].contains($0.set) }.allSatisfy { $0.candidate == "steady" })
        #expect(heldOut.filter { ["C", "D"].contains($0.set) }.allSatisfy { $0.candidate == "good-here" })
        #expect(heldOut.count == 4)
        // In-sample, "good-here" would look perfect on A and B: the held-out figure there is steady's 50%.
        #expect(heldOut.filter { $0.set == "A" }.first.flatMap(\.closure).map { abs($0 - 0.5) < 1e-9 } == true)
    }

    @Test func chooseBreaksTiesByTheCandidatesOrder() {
        let runs = [Self.run("A", "first", student: 0.4), Self.run("A", "second", student: 0.4)]
        let results = Generalisation.setResults(runs)
        #expect(Generalisation.choose(results, among: ["first", "second"], on: ["A"]).chosen == "first")
        #expect(Generalisation.choose(results, among: ["second", "first"], on: ["A"]).chosen == "second")
    }

    @Test func partnersThatFitStepsDownUntilEveryPartnerHoldsBothClasses() async throws {
        var data = await CombinatorialLibrary.labelled()
        let settings = SimulationSettings.standard
        #expect(try await Generalisation.partnersThatFit(data, settings: [settings], asked: 4, seed: 0) == 4)
        /// Whether a cut into `k` partners passes the size check.
        func fits(_ k: Int) async throws -> Bool {
            var s = settings
            s.consortium.partners = k
            let plan = try await VirtualConsortium.plan(data, settings: s.consortium, seed: SeedTree(0).stage(.consortium).seed, parallelism: 2)
            return ClassificationTask.sizeCheck(plan, data: data, settings: s).refusals.isEmpty
        }
        // Actives only among the first two of eight ring templates: k-means leaves some partners without one.
        let perTemplate = CombinatorialLibrary.groups.count * CombinatorialLibrary.groups.count
        let all = CombinatorialLibrary.smiles(templates: CombinatorialLibrary.templates[...], groups: CombinatorialLibrary.groups, CombinatorialLibrary.groups)
        let template = Dictionary(all.enumerated().map { ($1, $0 / perTemplate) }, uniquingKeysWith: { a, _ in a })
        for i in data.labels.indices where (template[data.smiles[i]] ?? 0) >= 2 { data.labels[i] = 0 }
        #expect(try await !fits(8))
        let k = try await Generalisation.partnersThatFit(data, settings: [settings], asked: 8, seed: 0)
        if let k {
            #expect(k < 8)
            #expect(try await fits(k))
            for more in (k + 1)...8 { #expect(try await !fits(more), "\(more) partners fit but \(k) were chosen") }
        } else {
            for more in 2...8 { #expect(try await !fits(more)) }
        }
        data.labels = data.labels.map { _ in 0 }
        #expect(try await Generalisation.partnersThatFit(data, settings: [settings], asked: 8, seed: 0) == nil)
    }

    @Test func candidatesAreNamedOnceAndStartWithTheDefault() {
        let names = Generalisation.candidateNames
        #expect(names.first == "default" && names.contains("poc"))
        #expect(Set(names).count == names.count)
        for c in Generalisation.candidates() { #expect((try? c.settings.validate()) != nil, "\(c.name)") }
    }
}
