public import ConcordChem
import ConcordML

extension Generalisation {
    /// What every candidate of a study shares, whatever its preset says: the worker threads and,
    /// for quick studies of small files, smaller transfer sets, students and forests.
    public struct Scale: Sendable, Hashable {
        public var parallelism: Int
        /// Public molecules annotated (nil: each preset's own, 50,000).
        public var transferSize: Int?
        /// Student molecules asked (nil: each preset's own; `half-student` asks half of it).
        public var studentSize: Int?
        /// Trees and depth of every random forest (nil: FLuID's 150 and 15).
        public var trees: Int?, maxDepth: Int?

        public init(parallelism: Int = defaultParallelism, transferSize: Int? = nil, studentSize: Int? = nil, trees: Int? = nil, maxDepth: Int? = nil) {
            self.parallelism = parallelism; self.transferSize = transferSize; self.studentSize = studentSize
            self.trees = trees; self.maxDepth = maxDepth
        }
    }

    /// The candidates' names, in the order the study runs them and breaks ties.
    public static var candidateNames: [String] { candidates().map(\.name) }

    /// The configurations the generalisation study compares: the default preset, FLuID's published
    /// configuration (`poc`, drawing from MOSES only), and the default with one choice changed where
    /// the default's choices were suspected of being tuned to the two sets they were made on:
    /// `power-4` and `power-2` (softer domain weights, `(1 − d)⁴` and FLuID's `(1 − d)²`),
    /// `no-teacher-heads`, `half-student` (10,000 molecules asked, not 20,000) and
    /// `domain-aware-transfer` (half the transfer set chosen nearest the partners' domains among 200,000 screened);
    /// and two adaptive ones: `chosen-power` (the power chosen among 16, 8, 4 and 2 by federated validation, see
    /// ``ClassificationTask/choosePower(_:transfer:validation:settings:)``) and `chosen-power-margin` (16 kept unless
    /// another power is better by 0.03 in validation MCC).
    /// No candidate builds hybrids: the study measures the student.
    public static func candidates(_ scale: Scale = Scale()) -> [Studies.OptionVariant<SimulationSettings>] {
        func variant(_ name: String, from base: SimulationSettings, chembl: Bool = true,
                     _ change: (inout SimulationSettings) -> Void = { _ in }) -> Studies.OptionVariant<SimulationSettings> {
            var s = base
            s.parallelism = scale.parallelism
            s.singleTeacherStudents = false
            s.hybrids = false
            if let size = scale.transferSize { s.transferSize = size }
            if let size = scale.studentSize { s.studentSize = size }
            func forest(_ recipe: inout TrainingRecipe) {
                guard case .randomForest(var o) = recipe.model else { return }
                if let trees = scale.trees { o.treeCount = trees }
                if let depth = scale.maxDepth { o.maxDepth = depth }
                recipe.model = .randomForest(o)
            }
            forest(&s.teacher); forest(&s.student); forest(&s.hybrid)
            change(&s)
            s.preset = name
            return Studies.OptionVariant(name: name, chemblPool: chembl, settings: s)
        }
        let standard = SimulationSettings.standard
        return [
            variant("default", from: standard),
            variant("poc", from: .poc, chembl: false),
            variant("power-4", from: standard) { $0.weightPower = 4 },
            variant("power-2", from: standard) { $0.weightPower = 2 },
            variant("chosen-power", from: standard) { $0.weightPowerCandidates = [16, 8, 4, 2] },
            variant("chosen-power-margin", from: standard) { $0.weightPowerCandidates = [16, 8, 4, 2]; $0.weightPowerMargin = 0.03 },
            variant("no-teacher-heads", from: standard) { $0.teacherHeads = false },
            variant("half-student", from: standard) { $0.studentSize = max(2, $0.studentSize / 2) },
            variant("domain-aware-transfer", from: standard) {
                $0.transferSelection = TransferSelection(poolSize: max(4 * $0.transferSize, 200_000), domainFraction: 0.5)
            },
        ]
    }
}
