public import ConcordML

/// One head's evaluation at one site: counts for a binary head, sums for a continuous one.
public enum HeadEvaluation: Sendable, Hashable {
    /// A binary head's confusion counts, histograms and loss.
    case binary(EvaluationCounts)
    /// A continuous head's error sums.
    case continuous(RegressionSums)
}

extension DenseNetwork {
    /// Evaluates every head on a site's hold-out rows, skipping masked outcomes: what a site
    /// sends back for federated evaluation (counts and sums, never rows).
    /// - Throws: ``FederatedLearningError`` when the model does not fit the rows (its cause is the
    ///   ``DenseModelError``) or a binary target is not 0 or 1.
    public func evaluate(parameters: [Double], inputs: DenseMatrix, targets: DenseTargets,
                         grid: EvaluationGrid = .standard) throws(FederatedLearningError) -> [HeadEvaluation] {
        let outputs: DenseMatrix
        do {
            guard targets.rowCount == inputs.rows, targets.taskCount == heads.count else {
                throw DenseModelError(.lengthMismatch, "targets need one row per input row and one column per head")
            }
            outputs = try self.outputs(parameters: parameters, x: inputs)
        } catch {
            throw FederatedLearningError(.lengthMismatch, "the model cannot score these rows", cause: error)
        }
        var result: [HeadEvaluation] = []
        for (t, head) in heads.enumerated() {
            let rows = (0..<inputs.rows).filter { targets.isObserved(row: $0, task: t) }
            let predicted = rows.map { outputs[$0, t] }, truth = rows.map { targets.values[$0 * heads.count + t] }
            switch head {
            case .binary:
                guard let bad = truth.firstIndex(where: { $0 != 0 && $0 != 1 }) else {
                    result.append(.binary(try EvaluationCounts(probabilities: predicted, labels: truth.map { $0 == 1 ? 1 : 0 }, grid: grid)))
                    continue
                }
                throw FederatedLearningError(.invalidOption, "a binary head's evaluation needs 0/1 outcomes", context: .init(index: rows[bad]))
            case .continuous:
                result.append(.continuous(try RegressionSums(predicted: predicted, truth: truth)))
            }
        }
        return result
    }
}
