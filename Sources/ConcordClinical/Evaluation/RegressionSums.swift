/// What a site returns when it evaluates a continuous head on its hold-out rows: sums from which
/// the pooled RMSE, MAE and R² follow exactly — never a row's value.
public struct RegressionSums: Sendable, Hashable, Codable {
    /// The rows with an observed outcome.
    public var count: Int
    /// `Σ (ŷ − y)²`, `Σ |ŷ − y|`, `Σ y` and `Σ y²`.
    public var squaredError: Double, absoluteError: Double, sum: Double, sumOfSquares: Double

    /// Sums of nothing.
    public init() { count = 0; squaredError = 0; absoluteError = 0; sum = 0; sumOfSquares = 0 }

    /// The sums of one site's predictions.
    /// - Throws: ``FederatedLearningError`` when lengths differ or a value is not finite.
    public init(predicted: [Double], truth: [Double]) throws(FederatedLearningError) {
        guard predicted.count == truth.count else {
            throw FederatedLearningError(.lengthMismatch, "one prediction per outcome is needed", context: .init(expected: truth.count, found: predicted.count))
        }
        self.init()
        for (i, (p, y)) in zip(predicted, truth).enumerated() {
            guard p.isFinite, y.isFinite else { throw FederatedLearningError(.nonFinite, "a prediction or outcome is not finite", context: .init(index: i)) }
            count += 1; squaredError += (p - y) * (p - y); absoluteError += abs(p - y); sum += y; sumOfSquares += y * y
        }
    }

    /// Two sites' sums added.
    public static func + (a: RegressionSums, b: RegressionSums) -> RegressionSums {
        var out = a
        out.count += b.count; out.squaredError += b.squaredError; out.absoluteError += b.absoluteError
        out.sum += b.sum; out.sumOfSquares += b.sumOfSquares
        return out
    }

    /// The root mean squared error (`NaN` without rows).
    public var rmse: Double { count > 0 ? (squaredError / Double(count)).squareRoot() : .nan }
    /// The mean absolute error (`NaN` without rows).
    public var mae: Double { count > 0 ? absoluteError / Double(count) : .nan }
    /// `1 − SSE / SST` (`NaN` when the outcomes do not vary).
    public var r2: Double {
        let total = sumOfSquares - sum * sum / Double(max(1, count))
        return count > 1 && total > 0 ? 1 - squaredError / total : .nan
    }
}
