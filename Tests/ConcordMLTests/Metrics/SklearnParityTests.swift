import Foundation
import Testing
@testable import ConcordML

/// Reference cases written by `scripts/sklearn_oracle.py`, named by `CONCORD_SKLEARN_REFERENCE`.
enum SklearnReference {
    static var path: String? {
        let v = ProcessInfo.processInfo.environment["CONCORD_SKLEARN_REFERENCE"]
        return v?.isEmpty == false ? v : nil
    }
    static var required: Bool { ProcessInfo.processInfo.environment["CONCORD_REQUIRE_PARITY"] == "1" }
    static var shouldRun: Bool { path != nil || required }

    struct Case {
        var id: Int
        var kind: String
        var truth: [Double]
        var predicted: [Double]
        var expected: [String: Any]
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static func load() throws -> [Case] {
        guard let path else { throw Missing(description: "CONCORD_SKLEARN_REFERENCE is not set (CONCORD_REQUIRE_PARITY=1)") }
        guard let data = FileManager.default.contents(atPath: path) else { throw Missing(description: "cannot read \(path)") }
        var cases: [Case] = []
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                  let id = object["id"] as? Int, let kind = object["kind"] as? String,
                  let truth = object["truth"] as? [NSNumber], let predicted = object["predicted"] as? [NSNumber],
                  let expected = object["expected"] as? [String: Any] else {
                throw Missing(description: "malformed line in \(path)")
            }
            cases.append(Case(id: id, kind: kind, truth: truth.map(\.doubleValue),
                              predicted: predicted.map(\.doubleValue), expected: expected))
        }
        return cases
    }
}

/// Accumulates comparisons so one failure report names every mismatching case.
final class ParityTally: @unchecked Sendable {
    var compared = 0
    var maxDifference = 0.0
    var failures: [String] = []

    func check(_ id: Int, _ name: String, _ expected: Any?, _ compute: () throws(MetricError) -> Double) {
        compared += 1
        let result: Result<Double, MetricError>
        do { result = .success(try compute()) } catch { result = .failure(error) }
        if let want = expected as? NSNumber {
            switch result {
            case .success(let got):
                let d = abs(got - want.doubleValue)
                maxDifference = max(maxDifference, d)
                if !(d <= 1e-9) { failures.append("case \(id) \(name): Concord \(got), scikit-learn \(want.doubleValue)") }
            case .failure(let e): failures.append("case \(id) \(name): Concord threw \(e), scikit-learn \(want.doubleValue)")
            }
        } else if let dict = expected as? [String: Any], let category = dict["error"] as? String {
            switch result {
            case .success(let got): failures.append("case \(id) \(name): Concord \(got), scikit-learn error \(category)")
            case .failure(let e):
                let same: Bool = switch (category, e.code) {
                case ("empty", .empty), ("tooFewRows", .tooFewRows), ("undefined", .undefined): true
                default: false
                }
                if !same { failures.append("case \(id) \(name): Concord threw \(e), scikit-learn error \(category)") }
            }
        } else {
            failures.append("case \(id) \(name): no reference value")
        }
    }
}

@Suite("scikit-learn parity", .enabled(if: SklearnReference.shouldRun, "set CONCORD_SKLEARN_REFERENCE (scripts/sklearn_oracle.py)"))
struct SklearnParityTests {
    @Test("every metric equals scikit-learn's to 1e-9, or throws the documented error")
    func parity() throws {
        let cases = try SklearnReference.load()
        #expect(cases.count > 100)
        let tally = ParityTally()
        for c in cases {
            let e = c.expected
            switch c.kind {
            case "labels":
                let t = c.truth.map { UInt8($0) }, p = c.predicted.map { UInt8($0) }
                func cm() throws(MetricError) -> ConfusionMatrix { try ConfusionMatrix(truth: t, predicted: p) }
                tally.check(c.id, "accuracy", e["accuracy"]) { () throws(MetricError) in try cm().accuracy }
                tally.check(c.id, "balanced_accuracy", e["balanced_accuracy"]) { () throws(MetricError) in try cm().balancedAccuracy }
                tally.check(c.id, "mcc", e["mcc"]) { () throws(MetricError) in try cm().mcc }
                tally.check(c.id, "f1", e["f1"]) { () throws(MetricError) in try cm().f1 }
                tally.check(c.id, "sensitivity", e["sensitivity"]) { () throws(MetricError) in try cm().sensitivity }
                tally.check(c.id, "specificity", e["specificity"]) { () throws(MetricError) in try cm().specificity }
                tally.check(c.id, "ppv", e["ppv"]) { () throws(MetricError) in try cm().ppv }
                tally.check(c.id, "npv", e["npv"]) { () throws(MetricError) in try cm().npv }
                if let want = e["confusion"] as? [Int] {
                    let m = try cm()
                    tally.compared += 1
                    if [m.trueNegatives, m.falsePositives, m.falseNegatives, m.truePositives] != want {
                        tally.failures.append("case \(c.id) confusion: Concord \(m), scikit-learn \(want)")
                    }
                } else {
                    tally.check(c.id, "confusion", e["confusion"]) { () throws(MetricError) in Double(try cm().count) }
                }
            case "scores":
                let t = c.truth.map { UInt8($0) }, s = c.predicted
                tally.check(c.id, "roc_auc", e["roc_auc"]) { () throws(MetricError) in try Metrics.rocAUC(truth: t, scores: s) }
                tally.check(c.id, "average_precision", e["average_precision"]) { () throws(MetricError) in try Metrics.averagePrecision(truth: t, scores: s) }
                tally.check(c.id, "brier", e["brier"]) { () throws(MetricError) in try Metrics.brierScore(truth: t, probabilities: s) }
                for (name, rule) in [("max_f1", ThresholdRule.maxF1), ("max_mcc", .maxMCC)] {
                    let ref = e[name] as? [String: Any]
                    tally.check(c.id, name, ref?["value"] ?? ref) { () throws(MetricError) in
                        let choice = try Metrics.chooseThreshold(truth: t, scores: s, rule: rule)
                        return rule == .maxF1 ? choice.confusion.f1 : choice.confusion.mcc
                    }
                    if let thresholds = (ref?["thresholds"] as? [NSNumber])?.map(\.doubleValue),
                       let choice = try? Metrics.chooseThreshold(truth: t, scores: s, rule: rule) {
                        tally.compared += 1
                        if !thresholds.contains(choice.threshold) {
                            tally.failures.append("case \(c.id) \(name): threshold \(choice.threshold) not among \(thresholds)")
                        }
                    }
                }
            case "regression":
                let t = c.truth, p = c.predicted
                tally.check(c.id, "rmse", e["rmse"]) { () throws(MetricError) in try Metrics.rmse(truth: t, predicted: p) }
                tally.check(c.id, "mae", e["mae"]) { () throws(MetricError) in try Metrics.mae(truth: t, predicted: p) }
                tally.check(c.id, "r2", e["r2"]) { () throws(MetricError) in try Metrics.r2(truth: t, predicted: p) }
                tally.check(c.id, "pearson", e["pearson"]) { () throws(MetricError) in try Metrics.pearson(truth: t, predicted: p) }
                tally.check(c.id, "spearman", e["spearman"]) { () throws(MetricError) in try Metrics.spearman(truth: t, predicted: p) }
            default:
                tally.failures.append("case \(c.id): unknown kind \(c.kind)")
            }
        }
        print("scikit-learn parity: \(cases.count) cases, \(tally.compared) comparisons, max |difference| \(tally.maxDifference), \(tally.failures.count) failures")
        #expect(tally.failures.isEmpty, "\(tally.failures.prefix(20).joined(separator: "\n"))")
    }
}
