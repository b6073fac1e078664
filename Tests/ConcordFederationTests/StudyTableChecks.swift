import Foundation
import Testing

/// Checks an options study's table: one row per variant, every row with T0, T-mean and the
/// student in `metric`, and each closure equal to (S − T-mean) / (T0 − T-mean) recomputed from
/// them. Returns how many rows carry a closure.
///
/// The table rounds each figure to 4 decimals (±5·10⁻⁵), so the recomputed closure may differ by
/// at most the bound that rounding allows.
@discardableResult
func checkOptionsTable(_ table: [[String: String]], variants: [String], metric: String,
                       sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
    #expect(table.compactMap { $0["variant"] } == variants, "one row per variant, in order", sourceLocation: sourceLocation)
    var closures = 0
    for row in table {
        let s = try #require(row["student_\(metric)"].flatMap(Double.init), sourceLocation: sourceLocation)
        let t0 = try #require(row["t0_\(metric)"].flatMap(Double.init), sourceLocation: sourceLocation)
        let tMean = try #require(row["t_mean_\(metric)"].flatMap(Double.init), sourceLocation: sourceLocation)
        guard let closure = row["closure"].flatMap(Double.init) else { continue }
        closures += 1
        let gap = t0 - tMean, rounding = 5e-5
        #expect(metric == "rmse" ? gap < 0 : gap > 0, "a closure exists only when T0 is better than T-mean", sourceLocation: sourceLocation)
        let bound = (2 * rounding + abs(closure) * 2 * rounding) / abs(gap) + rounding
        #expect(abs(closure - (s - tMean) / gap) <= bound, "closure is (S − T-mean) / (T0 − T-mean)", sourceLocation: sourceLocation)
    }
    return closures
}
