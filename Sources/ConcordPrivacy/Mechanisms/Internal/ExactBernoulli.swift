/// The integer-only coins of Canonne, Kamath and Steinke, "The Discrete Gaussian for Differential
/// Privacy" (NeurIPS 2020), Algorithms 1 and 2: every probability is a ratio of integers and every
/// draw a uniform integer from the generator, so no floating-point rounding enters the distribution.
enum ExactBernoulli {
    /// `true` with probability `numerator / denominator` (`numerator ≤ denominator`, `denominator > 0`).
    @inline(__always)
    static func ratio(_ numerator: UInt128, _ denominator: UInt128, using g: inout some RandomNumberGenerator) -> Bool {
        if numerator >= denominator { return true }
        if numerator == 0 { return false }
        return UInt128.random(in: 0..<denominator, using: &g) < numerator
    }

    /// `true` with probability `exp(−numerator / denominator)` (`denominator > 0`).
    static func exponential(_ numerator: UInt128, _ denominator: UInt128, using g: inout some RandomNumberGenerator) -> Bool {
        let whole = numerator / denominator, rest = numerator % denominator
        // exp(−γ) = exp(−1)^⌊γ⌋ · exp(−(γ − ⌊γ⌋)); each factor an independent coin (stops at the first tails).
        var k: UInt128 = 0
        while k < whole {
            if !unitExponential(1, 1, using: &g) { return false }
            k += 1
        }
        return unitExponential(rest, denominator, using: &g)
    }

    /// `exp(−γ)` for `γ = numerator / denominator ∈ [0, 1]`: count `K` while Bernoulli(γ/K) comes up
    /// heads; odd `K` is heads. Bernoulli(γ/K) is drawn as Bernoulli(γ) ∧ Bernoulli(1/K), so no
    /// product of integers can overflow.
    static func unitExponential(_ numerator: UInt128, _ denominator: UInt128, using g: inout some RandomNumberGenerator) -> Bool {
        var k: UInt128 = 1
        while ratio(numerator, denominator, using: &g) && ratio(1, k, using: &g) { k += 1 }
        return k % 2 == 1
    }

    /// A discrete Laplace draw of scale `t ≥ 1`: `P(x) ∝ exp(−|x|/t)` on the integers.
    static func laplace(scale t: UInt64, using g: inout some RandomNumberGenerator) -> (magnitude: UInt64, negative: Bool) {
        let scale = UInt128(t)
        while true {
            let u = UInt64.random(in: 0..<t, using: &g)
            guard exponential(UInt128(u), scale, using: &g) else { continue }
            var v: UInt64 = 0
            while exponential(1, 1, using: &g) { v &+= 1 }
            let (tv, overflow) = t.multipliedReportingOverflow(by: v)
            guard !overflow, tv <= UInt64.max - u else { continue }  // probability below exp(−2⁶⁴/t): never in practice
            let x = u + tv
            let negative = Bool.random(using: &g)
            if negative && x == 0 { continue }
            return (x, negative)
        }
    }
}
