public import Foundation

/// What `concord study generalisation` writes to results.json: every run, every candidate's
/// figures per labelled set, the leave-sets-out folds and the held-out figures.
public struct GeneralisationResults: Sendable, Hashable, Codable {
    /// A candidate configuration: its name and its settings in words.
    public struct Candidate: Sendable, Hashable, Codable {
        public var name: String
        /// Whether it draws its transfer set from ChEMBL, then MOSES (else MOSES only).
        public var chemblPool: Bool
        public var settings: [String: String]
    }

    public var concordVersion: String
    public var study = "generalisation"
    public var candidates: [Candidate]
    /// The labelling rules asked for ("≤ 100 nM", "median").
    public var labels: [String]
    public var seeds: [UInt64]
    /// Partners asked for each consortium (runs name the partners they had).
    public var partnersAsked: Int
    /// The seed of the cut into folds.
    public var foldSeed: UInt64
    public var runs: [Generalisation.Run]
    /// Every candidate's figures on every labelled set (seed means).
    public var sets: [Generalisation.SetResult]
    public var folds: [Generalisation.Fold]
    /// The chosen candidate's figures on each fold's own sets: the study's honest estimate.
    public var heldOut: [Generalisation.SetResult]
    /// The held-out figures over every labelled set, and per labelling rule.
    public var heldOutSummary: Generalisation.Summary
    public var heldOutByLabels: [String: Generalisation.Summary]
    /// Each candidate over every labelled set (in-sample: these sets also chose it), for comparison.
    public var candidateSummaries: [String: Generalisation.Summary]
    /// The candidate chosen on every set: the protocol's recommendation, whose honest figure is ``heldOutSummary``.
    public var chosenOnAll: String
    /// Labelled sets and seeds that could not be cut into two partners holding both classes.
    public var unfit: [String]
    /// Wall time of this invocation in seconds (runs resumed from a journal are not counted).
    public var seconds: Double

    /// Builds the results from the runs: per-set figures, folds (``Generalisation/folds(_:count:seed:)``) and held-out figures.
    public static func make(runs: [Generalisation.Run], candidates: [Studies.OptionVariant<SimulationSettings>], labels: [String], seeds: [UInt64],
                            folds count: Int, foldSeed: UInt64, asked: Int, unfit: [String], seconds: Double, version: String) -> GeneralisationResults {
        let sets = Generalisation.setResults(runs)
        let names = candidates.map(\.name)
        let folds = Generalisation.folds(sets.map(\.set), count: count, seed: foldSeed)
        let (chosenFolds, heldOut) = Generalisation.leaveSetsOut(sets, candidates: names, folds: folds)
        var byLabels: [String: Generalisation.Summary] = [:]
        for rule in Set(heldOut.map { ruleName($0.labels) }) {
            byLabels[rule] = Generalisation.summary(heldOut.filter { ruleName($0.labels) == rule })
        }
        var perCandidate: [String: Generalisation.Summary] = [:]
        for name in names { perCandidate[name] = Generalisation.summary(sets.filter { $0.candidate == name }) }
        let all = Generalisation.choose(sets, among: names, on: Set(sets.map(\.set))).chosen
        return GeneralisationResults(concordVersion: version,
                                     candidates: candidates.map { Candidate(name: $0.name, chemblPool: $0.chemblPool, settings: $0.settings.described) },
                                     labels: labels, seeds: seeds, partnersAsked: asked, foldSeed: foldSeed, runs: runs, sets: sets,
                                     folds: chosenFolds, heldOut: heldOut, heldOutSummary: Generalisation.summary(heldOut), heldOutByLabels: byLabels,
                                     candidateSummaries: perCandidate, chosenOnAll: all, unfit: unfit, seconds: seconds)
    }

    /// A labelled set's rule without its value ("median (38 nM)" → "median").
    public static func ruleName(_ labels: String) -> String { labels.hasPrefix("median") ? "median" : labels }

    /// The held-out figures and each candidate's in words, for the terminal.
    public var summaryText: String {
        func pct(_ x: Double?) -> String { x.map { "\(Int(($0 * 100).rounded()))%" } ?? "–" }
        func interval(_ bounds: [Double]) -> String { bounds.count == 2 ? " [\(pct(bounds[0]))–\(pct(bounds[1]))]" : "" }
        func line(_ s: Generalisation.Summary) -> String {
            "median \(pct(s.median))\(interval(s.medianInterval)), lower quartile \(pct(s.lowerQuartile))\(interval(s.lowerQuartileInterval)), "
                + "minimum \(pct(s.minimum)) over \(s.count) labelled sets"
                + (s.failures.isEmpty ? "" : "; below 40%: \(s.failures.prefix(6).joined(separator: ", "))"
                    + (s.failures.count > 6 ? " and \(s.failures.count - 6) more" : ""))
        }
        var text = "Held out (each fold's sets with the candidate chosen on the other folds; [95% bootstrap interval over sets]): "
            + line(heldOutSummary) + "\n"
        for (rule, summary) in heldOutByLabels.sorted(by: { $0.key < $1.key }) { text += "  \(rule): " + line(summary) + "\n" }
        text += "Chosen per fold: " + folds.map { "\($0.index + 1): \($0.chosen)" }.joined(separator: "; ") + "\n"
        text += "Chosen on every set: \(chosenOnAll)\n"
        text += "Each candidate on every set (in-sample):\n"
        for c in candidates {
            guard let s = candidateSummaries[c.name] else { continue }
            text += "  \(c.name): " + line(s) + String(format: "; %.1f s per run", s.meanSeconds) + "\n"
        }
        if !unfit.isEmpty { text += "Not run (too few molecules of a class for 2 partners): \(unfit.joined(separator: "; "))\n" }
        return text
    }
}
