import Foundation

/// Axis ticks: "nice" round numbers (1, 2 or 5 × 10ⁿ steps) for linear axes, and 1–2–5 or decade ticks for log axes.
enum Ticks {
    /// A round number near `value`: 1, 2, 5 or 10 × 10ⁿ. With `round`, the nearest; otherwise the smallest not below it.
    static func niceNumber(_ value: Double, round: Bool) -> Double {
        guard value.isFinite, value > 0 else { return 1 }
        let exponent = floor(log10(value))
        let power = pow(10, exponent)
        let fraction = value / power
        let nice: Double
        if round {
            nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return nice * power
    }

    /// The step of about `count` nice ticks covering [`lower`, `upper`]: the round number nearest to the range / (count − 1).
    static func step(_ lower: Double, _ upper: Double, count: Int = 5) -> Double {
        let (lo, hi) = widened(lower, upper)
        return niceNumber((hi - lo) / Double(max(count - 1, 1)), round: true)
    }

    /// Evenly spaced nice ticks whose first is ≤ `lower` and last ≥ `upper` (after Heckbert's "nice numbers").
    ///
    /// A degenerate range (equal ends) is widened around its value; non-finite ends give `[0, 1]`'s ticks.
    static func nice(_ lower: Double, _ upper: Double, count: Int = 5) -> [Double] {
        let (lo, hi) = widened(lower, upper)
        let step = step(lo, hi, count: count)
        let digits = decimals(step: step)
        let scale = pow(10, Double(digits))
        let first = Int(floor(lo / step + 1e-9)), last = Int(ceil(hi / step - 1e-9))
        return (first...max(first, last)).map { i in
            let v = (Double(i) * step * scale).rounded() / scale
            return v == 0 ? 0 : v
        }
    }

    /// Ticks of a log axis covering [`lower`, `upper`] (both > 0): whole decades, with 2 and 5 between
    /// them when the range spans at most two decades; the first tick is ≤ `lower` and the last ≥ `upper`.
    static func log(_ lower: Double, _ upper: Double) -> [Double] {
        var lo = min(lower, upper), hi = max(lower, upper)
        guard lo.isFinite, hi.isFinite, hi > 0 else { return [1, 10] }
        if lo <= 0 { lo = hi / 10 }
        if hi / lo < 1.000_001 { lo /= 2; hi *= 2 }
        let firstDecade = Int(floor(log10(lo) + 1e-9)), lastDecade = Int(ceil(log10(hi) - 1e-9))
        let multiples: [Double] = log10(hi / lo) <= 2 + 1e-9 ? [1, 2, 5] : [1]
        var all: [Double] = []
        for decade in firstDecade...max(firstDecade, lastDecade) {
            for m in multiples { all.append(m * pow(10, Double(decade))) }
        }
        let start = all.lastIndex { $0 <= lo * (1 + 1e-9) } ?? 0
        let end = all.firstIndex { $0 >= hi * (1 - 1e-9) } ?? (all.count - 1)
        return Array(all[start...max(start, end)])
    }

    /// A tick's label with as many decimals as `step` needs (0.2 → "0.4", 20 → "40", 2.5 → "2.5").
    static func label(_ value: Double, step: Double) -> String {
        if abs(value) >= 10_000, value == value.rounded() { return Format.integer(Int(value)) }
        return Format.fixed(value, decimals(step: step))
    }

    /// The label of a log-axis tick: integers for values ≥ 1, otherwise enough decimals.
    static func logLabel(_ value: Double) -> String {
        if value >= 1 { return Format.integer(Int(value.rounded())) }
        return Format.fixed(value, max(0, Int(ceil(-log10(value) - 1e-9))))
    }

    /// Decimals needed to show multiples of `step` exactly (up to 10).
    static func decimals(step: Double) -> Int {
        guard step.isFinite, step > 0 else { return 0 }
        for d in 0...10 {
            let scaled = step * pow(10, Double(d))
            if abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled) { return d }
        }
        return 10
    }

    private static func widened(_ lower: Double, _ upper: Double) -> (Double, Double) {
        guard lower.isFinite, upper.isFinite else { return (0, 1) }
        var lo = min(lower, upper), hi = max(lower, upper)
        if hi - lo < 1e-12 * max(1, abs(lo)) {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad; hi += pad
        }
        return (lo, hi)
    }
}
