public import ConcordChem
import ConcordML

/// Whether a configuration holds on data it was never chosen on: the leave-sets-out protocol of
/// `concord study generalisation`.
///
/// Every candidate configuration runs on every labelled set (each MoleculeACE set under each
/// labelling rule) and seed ( ``run(data:pool:preferred:candidates:partners:seed:poolCache:progress:)``).
/// The sets are cut into folds (``folds(_:count:seed:)``); for each fold the candidate that does best
/// on the *other* folds' sets is chosen (``choose(_:among:on:)``) and only its figures on the fold's
/// own sets are reported (``leaveSetsOut(_:candidates:folds:)``). The held-out figures are therefore
/// an honest estimate of choosing by this protocol: no reported set took part in the choice that
/// produced its figure.
///
/// The figure of a set is the closure of the gap between the average partner and T0,
/// `(S − T-mean) / (T0 − T-mean)`, from the seed means of the three MCCs (``SetResult``).
public enum Generalisation {
    /// One run: one candidate on one labelled set at one seed.
    public struct Run: Sendable, Hashable, Codable {
        /// The MoleculeACE set (or file) and the labelling rule, e.g. "≤ 100 nM" or "≤ median (38 nM)".
        public var set: String, labels: String
        /// The candidate configuration's name.
        public var candidate: String
        public var seed: UInt64
        /// Partners the virtual consortium was cut into (fewer than asked when a set is too small, see ``partnersThatFit(_:settings:asked:seed:)``).
        public var partners: Int
        /// Test MCC of T0 (all partners' data), T-mean (the average partner) and the federated student.
        public var t0: Double, tMean: Double, student: Double
        /// Wall time of the run in seconds.
        public var seconds: Double

        public init(set: String, labels: String, candidate: String, seed: UInt64, partners: Int, t0: Double, tMean: Double, student: Double,
                    seconds: Double) {
            self.set = set; self.labels = labels; self.candidate = candidate; self.seed = seed; self.partners = partners
            self.t0 = t0; self.tMean = tMean; self.student = student; self.seconds = seconds
        }

        /// The run's own closure (NaN when T0 is not better than T-mean).
        public var closure: Double { Studies.closure(student: student, tMean: tMean, t0: t0) }
    }

    /// One candidate's figures on one labelled set, over its seeds.
    public struct SetResult: Sendable, Hashable, Codable {
        public var set: String, labels: String, candidate: String
        /// Seeds run.
        public var seeds: Int
        /// Partners of each seed's consortium (the smallest when they differ).
        public var partners: Int
        /// Seed means of the test MCCs.
        public var t0: Double, tMean: Double, student: Double
        /// `(student − T-mean) / (T0 − T-mean)` of the seed means; `nil` when T0 is not better than T-mean (no gap).
        public var closure: Double?
        /// The lowest and highest closure of a single seed (empty when no seed has a gap): how much one seed can say.
        public var seedRange: [Double]
        /// Mean wall time of a run in seconds.
        public var seconds: Double

        /// The labelled set's key: set and labelling rule.
        public var key: String { "\(set) \(labels)" }
    }

    /// The distribution of closures over labelled sets.
    public struct Summary: Sendable, Hashable, Codable {
        /// Labelled sets with a defined closure.
        public var count: Int
        /// Median, lower quartile and minimum closure; `nil` when no set has a defined closure.
        public var median: Double?, lowerQuartile: Double?, minimum: Double?
        /// 95% percentile-bootstrap intervals of the median and the lower quartile over the labelled sets
        /// (1,000 resamples of the sets; empty with fewer than two sets): how far another draw of sets could move them.
        public var medianInterval: [Double], lowerQuartileInterval: [Double]
        /// Labelled sets whose closure is below ``failureLine`` (a student no better than the average partner is one).
        public var failures: [String]
        /// Labelled sets without a gap to close (T0 not better than T-mean), left out of the figures.
        public var undefined: [String]
        /// Mean wall time of a run in seconds.
        public var meanSeconds: Double

        /// The closure below which a set counts as a failure: 40%.
        public static let failureLine = 0.4
    }

    /// A fold of the protocol: the candidate chosen on the other folds' sets, and the sets it is reported on.
    public struct Fold: Sendable, Hashable, Codable {
        public var index: Int
        /// The sets reported with the chosen candidate (none of them took part in choosing it).
        public var reported: [String]
        /// The candidate chosen on every other fold's sets.
        public var chosen: String
        /// Each candidate's score on the choosing sets (``score(_:)``), by name (none for a candidate without a defined closure there).
        public var scores: [String: Double]
    }

    /// Cuts `sets` into `count` folds of near-equal size after a seeded shuffle (sets, not labelled sets: a
    /// set's labelling rules stay together, so no reported set's molecules took part in a choice).
    public static func folds(_ sets: [String], count: Int, seed: UInt64) -> [[String]] {
        let unique = Array(Set(sets)).sorted()
        guard !unique.isEmpty else { return [] }
        let k = min(max(count, 1), unique.count)
        var random = SeedTree(seed).stage(.generalisationFolds).random
        let order = Splits.shuffled(Array(unique.indices), &random)
        var folds = [[String]](repeating: [], count: k)
        for (i, index) in order.enumerated() { folds[i % k].append(unique[index]) }
        return folds.map { $0.sorted() }
    }

    /// Groups runs into one result per candidate and labelled set, in the runs' order of first appearance.
    public static func setResults(_ runs: [Run]) -> [SetResult] {
        var order: [String] = [], groups: [String: [Run]] = [:]
        for run in runs {
            let key = "\(run.candidate)\u{1}\(run.set)\u{1}\(run.labels)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(run)
        }
        return order.compactMap { key -> SetResult? in
            guard let group = groups[key], let first = group.first else { return nil }
            let n = Double(group.count)
            let t0 = group.map(\.t0).reduce(0, +) / n, tMean = group.map(\.tMean).reduce(0, +) / n
            let student = group.map(\.student).reduce(0, +) / n
            let closure = Studies.closure(student: student, tMean: tMean, t0: t0)
            let perSeed = group.map(\.closure).filter(\.isFinite)
            return SetResult(set: first.set, labels: first.labels, candidate: first.candidate, seeds: group.count,
                             partners: group.map(\.partners).min() ?? first.partners, t0: t0, tMean: tMean, student: student,
                             closure: closure.isFinite ? closure : nil, seedRange: perSeed.isEmpty ? [] : [perSeed.min() ?? 0, perSeed.max() ?? 0],
                             seconds: group.map(\.seconds).reduce(0, +) / n)
        }
    }

    /// The median, lower quartile and minimum closure of `results`, with the failures named.
    ///
    /// Quartiles interpolate linearly between order statistics (NumPy's default, R's type 7).
    public static func summary(_ results: [SetResult]) -> Summary {
        let defined = results.compactMap { r in r.closure.map { (r.key, $0) } }
        let sorted = sortedClosures(results)
        let seconds = results.isEmpty ? 0 : results.map(\.seconds).reduce(0, +) / Double(results.count)
        let empty = sorted.isEmpty
        let intervals = bootstrap(sorted)
        return Summary(count: sorted.count, median: empty ? nil : quantile(sorted, 0.5), lowerQuartile: empty ? nil : quantile(sorted, 0.25),
                       minimum: sorted.first, medianInterval: intervals.median, lowerQuartileInterval: intervals.lowerQuartile,
                       failures: defined.filter { $0.1 < Summary.failureLine }.sorted { $0.1 < $1.1 }.map(\.0),
                       undefined: results.filter { $0.closure == nil }.map(\.key), meanSeconds: seconds)
    }

    /// Percentile-bootstrap 95% intervals of the median and lower quartile of `values` (1,000 resamples,
    /// seeded from the values' count so the same figures give the same interval); empty below two values.
    static func bootstrap(_ values: [Double]) -> (median: [Double], lowerQuartile: [Double]) {
        guard values.count >= 2 else { return ([], []) }
        var random = SeedTree(UInt64(values.count)).stage(.generalisationBootstrap).random
        var medians: [Double] = [], quartiles: [Double] = []
        medians.reserveCapacity(1000); quartiles.reserveCapacity(1000)
        var sample = [Double](repeating: 0, count: values.count)
        for _ in 0..<1000 {
            for i in sample.indices { sample[i] = values[random.below(values.count)] }
            sample.sort()
            medians.append(quantile(sample, 0.5)); quartiles.append(quantile(sample, 0.25))
        }
        medians.sort(); quartiles.sort()
        return ([quantile(medians, 0.025), quantile(medians, 0.975)], [quantile(quartiles, 0.025), quantile(quartiles, 0.975)])
    }

    /// The `q`-quantile of sorted values, interpolating linearly (NaN when empty).
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard let first = sorted.first else { return .nan }
        guard sorted.count > 1 else { return first }
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down)), high = min(low + 1, sorted.count - 1)
        return sorted[low] + (sorted[high] - sorted[low]) * (position - Double(low))
    }

    /// How a candidate is judged on the sets that choose it: the mean of the lower quartile and the median of
    /// its sorted closures there, so that a candidate cannot win by a few excellent sets while the weak ones fall
    /// behind; −∞ without a defined closure.
    public static func score(_ sortedClosures: [Double]) -> Double {
        sortedClosures.isEmpty ? -.infinity : (quantile(sortedClosures, 0.25) + quantile(sortedClosures, 0.5)) / 2
    }

    /// The defined closures of `results`, sorted.
    static func sortedClosures(_ results: [SetResult]) -> [Double] { results.compactMap(\.closure).sorted() }

    /// The candidate with the best ``score(_:)`` on the labelled sets of `sets` (ties: the earlier in `candidates`), with every candidate's score.
    public static func choose(_ results: [SetResult], among candidates: [String], on sets: Set<String>) -> (chosen: String, scores: [String: Double]) {
        var scores: [String: Double] = [:]
        var best: (name: String, score: Double)?
        for name in candidates {
            let score = score(sortedClosures(results.filter { $0.candidate == name && sets.contains($0.set) }))
            if score.isFinite { scores[name] = score }
            if best == nil || score > (best?.score ?? -.infinity) + 1e-12 { best = (name, score) }
        }
        return (best?.name ?? candidates.first ?? "", scores)
    }

    /// The leave-sets-out protocol: for each fold, the candidate chosen on every other fold's sets,
    /// and its results on the fold's own sets (the held-out figures).
    public static func leaveSetsOut(_ results: [SetResult], candidates: [String], folds: [[String]]) -> (folds: [Fold], heldOut: [SetResult]) {
        var reported: [Fold] = [], heldOut: [SetResult] = []
        for (i, fold) in folds.enumerated() {
            let own = Set(fold)
            let choosing = Set(folds.enumerated().filter { $0.offset != i }.flatMap(\.element))
            let (chosen, scores) = choose(results, among: candidates, on: choosing)
            reported.append(Fold(index: i, reported: fold, chosen: chosen, scores: scores))
            heldOut += results.filter { $0.candidate == chosen && own.contains($0.set) }
        }
        return (reported, heldOut)
    }

    /// The most partners, from `asked` down to 2, into which `data` can be cut at `seed` with every
    /// partner's, the test and the validation sets large enough (``SizeCheck``) under every one of
    /// `settings`; `nil` when not even two partners fit.
    ///
    /// MoleculeACE sets labelled at 100 nM can be almost all active: eight k-means partners of
    /// CHEMBL2835_Ki leave five of them without an inactive molecule. Such a set is still a
    /// consortium a user may run, with fewer partners.
    public static func partnersThatFit(_ data: LabelledMolecules, settings: [SimulationSettings], asked: Int,
                                       seed: UInt64) async throws(FederationError) -> Int? {
        guard asked >= 2 else { return nil }
        // Candidates that cut the consortium alike (the plan depends on its settings and the seed alone) are checked once.
        var distinct: [SimulationSettings] = []
        for s in settings where !distinct.contains(where: { $0.consortium == s.consortium }) { distinct.append(s) }
        for k in stride(from: asked, through: 2, by: -1) {
            var fits = true
            for base in distinct where fits {
                var s = base
                s.consortium.partners = k
                let plan = try await VirtualConsortium.plan(data, settings: s.consortium, seed: SeedTree(seed).stage(.consortium).seed,
                                                            parallelism: s.parallelism)
                fits = ClassificationTask.sizeCheck(plan, data: data, settings: s).refusals.isEmpty
            }
            if fits { return k }
        }
        return nil
    }

    /// Runs each candidate on `data` at `seed` with `partners` partners and returns one ``Run`` each.
    ///
    /// - Parameters:
    ///   - set: the set's name and labelling rule, for the runs.
    ///   - pool: ChEMBL molecules first (`preferred` of them), then MOSES; a candidate without ``Studies/OptionVariant/chemblPool`` draws from MOSES only.
    ///   - caches: featurised pool molecules shared by every candidate and seed (``Studies/optionsCaches(pool:preferred:options:)``).
    public static func run(set: (name: String, labels: String), data: LabelledMolecules, pool: [String], preferred: Int,
                           candidates: [Studies.OptionVariant<SimulationSettings>], partners: Int, seed: UInt64,
                           caches: (pool: PoolFeatureCache, moses: PoolFeatureCache),
                           progress: ProgressHandler? = nil) async throws(FederationError) -> [Run] {
        let moses = Studies.mosesPart(pool, preferred: preferred)
        var runs: [Run] = []
        for var candidate in candidates {
            candidate.settings.consortium.partners = partners
            guard let h = try await Studies.headline(candidate, data: data, pool: pool, moses: moses, preferred: preferred, caches: caches,
                                                     seed: seed, metric: "mcc", progress: progress),
                  h.student.isFinite, h.t0.isFinite, h.tMean.isFinite else {
                throw .invalidData("\(set.name) (\(set.labels)), seed \(seed): \(candidate.name) gave no test MCC for T0, T-mean or the student")
            }
            runs.append(Run(set: set.name, labels: set.labels, candidate: candidate.name, seed: seed, partners: partners,
                            t0: h.t0, tMean: h.tMean, student: h.student, seconds: h.seconds))
        }
        return runs
    }
}
