public import ConcordReport
public import Foundation
import ConcordFederation
import ConcordML
import ConcordWire

extension DistillationCoordinator {
    /// A distillation job's settings in words, for its page and report.
    public func settings(spec data: Data) -> [JobSnapshot.Setting] {
        guard let spec = try? Self.spec(data) else { return [] }
        var student = spec.studentModel + (spec.softLabels ? ", soft consensus labels" : ", hard consensus labels")
        if spec.softLabels, spec.softTemperature > 0, spec.softTemperature != 1 { student += ", temperature \(spec.softTemperature)" }
        if spec.softLabels, !spec.studentWeighting.isEmpty, spec.studentWeighting != "none" { student += ", molecules weighted by \(spec.studentWeighting)" }
        if spec.teacherHeads { student += ", one auxiliary output per partner in training (published: the consensus output alone)" }
        let regression = spec.task == ModelTask.regression.rawValue
        return (regression ? [.init(name: "task", value: "regression of a measured value (consensus: the teachers' domain-weighted mean)")] : []) + [
            .init(name: "partners", value: spec.partners.sorted().joined(separator: ", ")),
            .init(name: "quorum", value: spec.quorum == 0 ? "all partners" : "\(spec.quorum)"),
            .init(name: "transfer set", value: "\(spec.transferSize) public molecules from \(spec.transferSource)"
                  + (spec.screenPool > 0 ? "; chosen from \(spec.screenPool) screened by the partners' domains (\(Int((spec.domainFraction * 100).rounded()))% nearest their domains, the rest at random)" : ", drawn at random")),
            .init(name: "fingerprint", value: (try? FeaturizerSpec(wire: spec.fingerprint).name) ?? "?"),
            .init(name: "federation", value: spec.scheme + (spec.scheme == "weighted" || spec.scheme == "confidence"
                  ? ", domain weights (1 − d)^\(spec.domainWeightPower > 0 ? spec.domainWeightPower : Federation.fluidWeightPower)" : "")),
            .init(name: "selection", value: "\(spec.selection), \(spec.studentSize) molecules asked"),
            .init(name: "student", value: student),
            .init(name: "threshold", value: regression ? "none (a regressor)" : spec.calibrate ? "federated calibration (max MCC over the partners' summed counts)" : "0.5"),
            .init(name: "seed", value: "\(spec.seed)"),
        ]
    }
}
