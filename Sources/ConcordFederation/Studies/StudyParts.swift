public import ConcordChem
import ConcordML

/// The settings an options study varies, which classification and regression presets share.
public protocol StudyPreset: Sendable {
    /// How a teacher is trained in this task.
    associatedtype Recipe: Sendable
    var preset: String { get set }
    var consortium: ConsortiumSettings { get set }
    var fingerprint: MorganOptions { get set }
    var teacher: Recipe { get set }
    var partnerTeachers: [Recipe] { get set }
    var transferSize: Int { get set }
    var transferSelection: TransferSelection { get set }
    var studentSize: Int { get set }
    var parallelism: Int { get set }
    var hybrids: Bool { get set }
}

extension SimulationSettings: DistillationSettings { public typealias Task = ClassificationTask }
extension RegressionSettings: DistillationSettings { public typealias Task = RegressionTask }

/// Parts the classification and regression studies share: comparing configurations by the
/// closure of the gap between the average partner and T0, and FLuID's domain expansion.
extension Studies {
    /// The headline figures of one configuration's run on the external test set, in the task's metric.
    public struct Headline: Sendable, Hashable {
        /// T0 (all partners' data), T-mean (the average partner) and the federated student.
        public var t0: Double, tMean: Double, student: Double
        /// Further columns for the study's table (e.g. the student's ROC-AUC or R²).
        public var extra: [String: String]
        /// Wall time of the run.
        public var seconds: Double

        public init(t0: Double, tMean: Double, student: Double, extra: [String: String] = [:], seconds: Double) {
            self.t0 = t0; self.tMean = tMean; self.student = student; self.extra = extra; self.seconds = seconds
        }
    }

    /// How much of the gap between the average partner and T0 the student closes,
    /// `(S − T-mean) / (T0 − T-mean)`; NaN when T0 is not better than T-mean (no gap to close).
    ///
    /// The same formula serves a metric where lower is better (RMSE): both differences change sign.
    public static func closure(student: Double, tMean: Double, t0: Double, lowerIsBetter: Bool = false) -> Double {
        let gap = t0 - tMean
        guard gap.isFinite, lowerIsBetter ? gap < 0 : gap > 0 else { return .nan }
        return (student - tMean) / gap
    }

    /// Runs configuration `i` of `names` through `run` and reports, per configuration, the
    /// student's test metric and its closure as samples, and one table row with T0, T-mean,
    /// the student, the closure and `extra`.
    static func compare(_ names: [String], metric: String, seed: UInt64, progress: ProgressHandler?,
                        run: (Int) async throws(FederationError) -> Headline?) async throws(FederationError) -> (samples: [Sample], table: [[String: String]]) {
        let lower = MetricFamilies.lowerIsBetter(metric)
        var samples: [Sample] = [], table: [[String: String]] = []
        for (i, name) in names.enumerated() {
            progress?(ProgressEvent(stage: "options", done: i, total: names.count, seed: seed))
            guard let h = try await run(i) else { continue }
            let closure = closure(student: h.student, tMean: h.tMean, t0: h.t0, lowerIsBetter: lower)
            samples.append(Sample(series: "student test \(metricLabel(metric))", x: Double(i), label: name, value: h.student))
            if closure.isFinite { samples.append(Sample(series: closureSeries, x: Double(i), label: name, value: closure)) }
            var row = ["seed": "\(seed)", "variant": name, "t0_\(metric)": fmt(h.t0), "t_mean_\(metric)": fmt(h.tMean),
                       "student_\(metric)": fmt(h.student), "closure": closure.isFinite ? fmt(closure) : "", "seconds": fmt(h.seconds)]
            row.merge(h.extra) { a, _ in a }
            table.append(row)
        }
        progress?(ProgressEvent(stage: "options", done: names.count, total: names.count, seed: seed))
        return (samples, table)
    }

    /// One configuration an options study compares.
    public struct OptionVariant<Settings: StudyPreset>: Sendable {
        /// Short name, e.g. "poc + soft MLP student".
        public var name: String
        /// Whether the transfer set is drawn from ChEMBL then MOSES (`true`) or MOSES only.
        public var chemblPool: Bool
        /// The full settings.
        public var settings: Settings
    }

    /// A task's `poc` and default presets made to share `common`'s consortium size, validation
    /// fraction, features, teachers, sizes and parallelism, with no hybrids (and whatever else
    /// `adjust` says), from which an options study's variants are built.
    struct VariantBuilder<Settings: StudyPreset> {
        let poc: Settings, standard: Settings

        init(poc: Settings, standard: Settings, common: Settings, adjust: (inout Settings) -> Void) {
            func shared(_ s: Settings) -> Settings {
                var s = s
                s.consortium.partners = common.consortium.partners
                s.consortium.validationFraction = common.consortium.validationFraction
                s.fingerprint = common.fingerprint
                s.teacher = common.teacher
                s.partnerTeachers = common.partnerTeachers
                s.transferSize = common.transferSize
                s.studentSize = common.studentSize
                s.parallelism = common.parallelism
                s.hybrids = false
                adjust(&s)
                return s
            }
            self.poc = shared(poc); self.standard = shared(standard)
        }

        /// `poc` with one option changed, named `name`.
        func alone(_ name: String, chembl: Bool = false, _ change: (inout Settings) -> Void) -> OptionVariant<Settings> {
            var s = poc
            change(&s)
            s.preset = name
            return OptionVariant(name: name, chemblPool: chembl, settings: s)
        }

        /// Domain-aware transfer selection: a pool of four times the transfer set (at least
        /// 200,000), half of the transfer set chosen nearest the partners' domains.
        var domainAwareSelection: TransferSelection {
            TransferSelection(poolSize: max(4 * standard.transferSize, 200_000), domainFraction: 0.5)
        }

        /// The default preset with one more change, named `name`, drawn from ChEMBL then MOSES.
        func extended(_ name: String, _ change: (inout Settings) -> Void) -> OptionVariant<Settings> {
            var s = standard
            change(&s)
            s.preset = name
            return OptionVariant(name: name, chemblPool: true, settings: s)
        }

        var pocVariant: OptionVariant<Settings> { OptionVariant(name: "poc", chemblPool: false, settings: poc) }
        var defaultVariant: OptionVariant<Settings> { OptionVariant(name: "default", chemblPool: true, settings: standard) }
    }

    /// The series name of closures in the options studies.
    public static let closureSeries = "closure of the T-mean → T0 gap"

    static func metricLabel(_ metric: String) -> String { metric == "mcc" ? "MCC" : metric.uppercased() }

    /// FLuID's applicability-domain expansion with the strict feature-dictionary domain, for any task.
    ///
    /// A molecule is in a model's domain when every one of its unfolded radius-2 feature
    /// environments (FCFP4 identifiers) occurs in the model's training molecules. For partner
    /// `i` (0 is T0, the union of the partners): test molecules in the teacher's domain
    /// (`partnerSmiles[i]`), in the hybrid's (those plus `selectionSmiles`), those the hybrid
    /// brings into domain, and the metric of teacher `T<i>` and hybrid `H<i>` on each subset.
    /// - Parameter score: the metric of a model (by name) on the test rows given, or nil when undefined.
    /// - Throws: ``FederationError/invalidSetting(_:)`` when a hybrid is missing.
    static func domainExpansion(seed: UInt64, testSmiles: [String], selectionSmiles: [String], partnerSmiles: [[String]],
                                metric: String, hasModel: (String) -> Bool, score: (String, [Int]) -> Double?,
                                progress: ProgressHandler?) async throws(FederationError) -> (samples: [Sample], table: [[String: String]]) {
        let options = MorganOptions(radius: 2, atomInvariants: .feature)
        func identifiers(_ smiles: [String]) async -> [[UInt32]] {
            await Parallel.mapChunks(smiles, minimumChunk: 64) { chunk -> [[UInt32]] in
                var generator = MorganGenerator(options: options)
                return chunk.map { s in (try? SMILES.parse(s)).map { generator.sparseCountFingerprint($0).keys } ?? [] }
            }
        }
        let testIDs = await identifiers(testSmiles)
        var studentDictionary = Set<UInt32>()
        for ids in await identifiers(selectionSmiles) { studentDictionary.formUnion(ids) }
        var samples: [Sample] = [], table: [[String: String]] = []
        for (i, smiles) in partnerSmiles.enumerated() {
            progress?(ProgressEvent(stage: "domain", done: i, total: partnerSmiles.count, seed: seed))
            let teacher = "T\(i)", hybrid = "H\(i)"
            guard hasModel(teacher), hasModel(hybrid) else { throw .invalidSetting("the domain study needs the run's hybrids") }
            var teacherDictionary = Set<UInt32>()
            for ids in await identifiers(smiles) { teacherDictionary.formUnion(ids) }
            let hybridDictionary = teacherDictionary.union(studentDictionary)
            let inTeacher = testIDs.indices.filter { testIDs[$0].allSatisfy(teacherDictionary.contains) }
            let inHybrid = testIDs.indices.filter { testIDs[$0].allSatisfy(hybridDictionary.contains) }
            let teacherSet = Set(inTeacher)
            let brought = inHybrid.filter { !teacherSet.contains($0) }
            let n = Double(max(testIDs.count, 1))
            samples.append(Sample(series: "teacher's domain", x: Double(i), label: teacher, value: Double(inTeacher.count) / n))
            samples.append(Sample(series: "hybrid's domain", x: Double(i), label: teacher, value: Double(inHybrid.count) / n))
            func cell(_ model: String, _ rows: [Int]) -> String { rows.isEmpty ? "" : score(model, rows).map(fmt) ?? "" }
            table.append(["seed": "\(seed)", "partner": teacher, "test": "\(testIDs.count)",
                          "in_teacher_domain": "\(inTeacher.count)", "in_hybrid_domain": "\(inHybrid.count)", "brought_into_domain": "\(brought.count)",
                          "teacher_\(metric)_in_domain": cell(teacher, inTeacher), "hybrid_\(metric)_in_domain": cell(hybrid, inHybrid),
                          "teacher_\(metric)_brought_in": cell(teacher, brought), "hybrid_\(metric)_brought_in": cell(hybrid, brought)])
        }
        progress?(ProgressEvent(stage: "domain", done: partnerSmiles.count, total: partnerSmiles.count, seed: seed))
        return (samples, table)
    }
}
