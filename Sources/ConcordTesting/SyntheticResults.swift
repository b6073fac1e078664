public import ConcordFederation
import Foundation

/// Deterministic synthetic results (simulations and studies) for report and page tests: realistic
/// sizes and shapes, made without training anything.
public enum SyntheticResults {
    /// A small linear congruential generator with Box–Muller normals (reproducible across platforms).
    public struct Random: Sendable {
        /// The generator's state.
        public var state: UInt64
        /// Creates a generator in `state`.
        public init(state: UInt64) { self.state = state }
        /// A uniform draw in [0, 1).
        public mutating func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        /// A standard normal draw (Box–Muller).
        public mutating func normal() -> Double {
            let u = max(uniform(), 1e-12), v = uniform()
            return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
        }
    }

    /// Classification metrics consistent with an MCC (an empty set for `nil`).
    public static func metrics(mcc: Double?, n: Int = 1200, shift: Double = 0) -> MetricSet {
        guard let mcc else { return MetricSet(n: n) }
        let auc = min(0.5 + mcc * 0.62 + shift, 0.99)
        return MetricSet(n: n, mcc: mcc, balancedAccuracy: 0.5 + mcc / 2.1, rocAUC: auc, prAUC: auc - 0.3, f1: 0.2 + mcc * 0.7,
                         sensitivity: 0.35 + mcc * 0.6, specificity: 0.85 + mcc * 0.1, ppv: 0.2 + mcc * 0.6, npv: 0.93 + mcc * 0.05,
                         accuracy: 0.8 + mcc * 0.15, brier: 0.12 - mcc * 0.05)
    }

    /// A model's results with test and validation metrics, a 95% interval and per-seed MCCs.
    public static func model(_ name: String, _ role: ModelRole, train: Int, mcc: Double?, ci: Double? = 0.04) -> ModelResult<MetricSet> {
        var ci95: [String: Double] = [:]
        if let ci, mcc != nil { ci95 = ["mcc": ci, "roc_auc": ci * 0.6, "balanced_accuracy": ci * 0.5] }
        return ModelResult(name: name, role: role, trainSize: train, test: metrics(mcc: mcc),
                           validation: metrics(mcc: mcc.map { $0 + 0.02 }, n: 600), testCI95: ci95,
                           testHeadlineBySeed: mcc.map { [$0 - 0.02, $0, $0 + 0.02] } ?? [])
    }

    /// A realistic run: `partners` partners, about `mapPoints` map points, every model from T0 to H<k>, three histograms.
    public static func simulation(partners k: Int = 8, mapPoints: Int = 600, dataset: String = "ChEMBL CYP3A4 inhibition",
                           partnerName: (Int) -> String = { "P\($0)" }) -> SimulationResults<ClassificationTask> {
        var rng = Random(state: 42)
        let sizes = (1...max(k, 1)).map { 380 + ($0 * 137) % 420 }
        var models = [model("T0", .upperBound, train: sizes.prefix(k).reduce(0, +), mcc: 0.61, ci: 0.03)]
        let teacherMCC = (0..<k).map { 0.12 + Double(($0 * 7) % 9) * 0.022 }
        for i in 0..<k { models.append(model("T\(i + 1)", .teacher, train: sizes[i], mcc: teacherMCC[i])) }
        if k > 0 {
            let mean = teacherMCC.reduce(0, +) / Double(k)
            models.append(model("T-mean", .teacherMean, train: sizes.prefix(k).reduce(0, +) / k, mcc: mean))
            models.append(model("T-max", .teacherMean, train: sizes.prefix(k).max() ?? 0, mcc: teacherMCC.max()))
            models.append(model("T-min", .teacherMean, train: sizes.prefix(k).min() ?? 0, mcc: teacherMCC.min()))
        }
        models.append(model("S-F\(k)", .student, train: 2000, mcc: 0.31, ci: 0.05))
        models.append(model("H0", .hybrid, train: 2000, mcc: 0.30))
        for i in 0..<k { models.append(model("H\(i + 1)", .hybrid, train: 2000 + sizes[i], mcc: teacherMCC[i] + 0.11)) }

        let consortium = (0..<k).map { (i: Int) -> PartnerSummary in
            let actives: Int = sizes[i] * (8 + (i * 5) % 17) / 100
            let contribution: Double = 600 + Double((i * 53) % 9) * 130
            let weight: Double = 0.18 + Double((i * 3) % 7) * 0.05
            return PartnerSummary(name: partnerName(i + 1), trainSize: sizes[i], actives: actives, contribution: contribution,
                                  meanDomainWeight: weight, model: "rf")
        }
        var map: [MapPoint] = []
        let perPartner = k > 0 ? mapPoints * 2 / 3 / k : 0
        for i in 0..<k {
            let angle = 2 * Double.pi * Double(i) / Double(k)
            let cx = 3.2 * cos(angle), cy = 2.4 * sin(angle)
            for _ in 0..<perPartner {
                map.append(MapPoint(x: cx + 0.7 * rng.normal(), y: cy + 0.6 * rng.normal(), group: partnerName(i + 1)))
            }
        }
        let rest = max(0, mapPoints - map.count)
        for j in 0..<rest {
            let group = j % 4 == 3 ? "test" : j % 9 == 4 ? "validation" : "transfer"
            map.append(MapPoint(x: 2.4 * rng.normal(), y: 1.9 * rng.normal(), group: group))
        }
        let histograms: [String: [Int]] = [
            "weighted": (0..<20).map { peaked($0, height: 900, decay: 2.2, tail: 14, rise: 25) + 4 },
            "uniform": (0..<20).map { peaked($0, height: 700, decay: 3.0, tail: 15, rise: 18) + 6 },
            "majority": (0..<20).map { b in b == 0 ? 2100 : b == 19 ? 240 : b % 5 == 0 ? 160 : 0 },
        ]
        let consensus = ConsensusSummary(scheme: "weighted", transferSize: 5000, consensusActives: 612, histograms: histograms,
                                         selectionMode: "balanced", requestedSize: 2000, selectedSize: 1224, selectedActives: 612,
                                         shortfall: "only 612 consensus actives; balanced selection capped at 2 × 612")
        var timings = StageTimings()
        timings.fingerprints = 12.4; timings.teachers = 184.2; timings.annotation = 31.7; timings.federation = 2.3
        timings.student = 96.1; timings.hybrids = 402.5; timings.evaluation = 18.8; timings.total = 748.0
        let settings = ["fingerprint": "Morgan r=2, 2048 bits", "teacher_model": "random forest, 200 trees",
                        "split": "scaffold split, 10% test, 5% validation", "domain": "Tanimoto k-NN, k = 5",
                        "selection": "balanced", "federation": "weighted by applicability domain"]
        return SimulationResults(concordVersion: "0.9.0-test", dataset: dataset, preset: "fluid-poc", partners: k, transferSize: 5000,
                                 studentSize: 2000, seeds: [0, 1, 2], testSize: 1200, validationSize: 600, transferRemovedAsHeldOut: 37,
                                 models: models, consortium: consortium, consensus: consensus, map: map, timingsS: timings, settings: settings)
    }

    /// A histogram bin count: exponential decay from P = 0 with a rising tail of confident actives.
    public static func peaked(_ bin: Int, height: Double, decay: Double, tail: Int, rise: Int) -> Int {
        let head = Int(height * exp(-Double(bin) / decay))
        return head + (bin > tail ? (bin - tail) * rise : 0)
    }

    /// A student-size study: two series over sizes 100 … 10 000 (log-spread), with a per-partner table.
    public static func study(kind: String = "student-size") -> StudyResults {
        let sizes: [Double] = [100, 250, 500, 1000, 2500, 5000, 10000]
        var points: [StudyPoint] = []
        for (s, series) in ["S-F8", "H-mean"].enumerated() {
            for (i, x) in sizes.enumerated() {
                let mean = 0.12 + 0.035 * Double(i) + (s == 1 ? 0.04 : 0)
                let half = 0.06 - 0.006 * Double(i)
                points.append(StudyPoint(series: series, x: x, label: Int(x).description, mean: mean, lower: mean - half,
                                         upper: mean + half, samples: 9))
            }
        }
        var timings = StageTimings(); timings.total = 3600 + 7 * 60
        return StudyResults(concordVersion: "0.9.0-test", study: kind, dataset: "ChEMBL CYP3A4 inhibition", preset: "fluid-poc",
                            seeds: [0, 1, 2], metric: "mcc", xLabel: "student training molecules", points: points,
                            table: [["partner": "P1", "train_size": "512", "in_domain": "0.41"],
                                    ["partner": "P2", "train_size": "733", "in_domain": "0.37"]],
                            timingsS: timings)
    }
}
