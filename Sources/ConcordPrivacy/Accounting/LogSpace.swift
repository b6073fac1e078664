import Foundation

/// Arithmetic on logarithms, for sums of terms too large or small for a `Double`.
enum LogSpace {
    /// `log(exp(a) + exp(b))`.
    @inlinable static func add(_ a: Double, _ b: Double) -> Double {
        let low = min(a, b), high = max(a, b)
        if low == -.infinity { return high }
        return log1p(exp(low - high)) + high
    }

    /// The logarithm of the binomial coefficient `n choose k` for real `n` and `k`, from
    /// `log |Γ|` (so a fractional `n` below `k` gives the log of the coefficient's magnitude).
    @inlinable static func binomial(_ n: Double, _ k: Double) -> Double {
        lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)
    }

    /// `log(erfc(x))`, accurate in the far tail where `erfc` underflows: there, the asymptotic
    /// expansion `log erfc(x) = −x² − log x − ½ log π − 1/(2x²) + 5/(8x⁴) − 37/(24x⁶) + 353/(64x⁸) − …`.
    @inlinable static func erfc(_ x: Double) -> Double {
        if x < 25 {
            let value = Foundation.erfc(x)
            if value > 0 { return log(value) }
        }
        let x2 = x * x
        return -log(Double.pi) / 2 - log(x) - x2 - 0.5 / x2 + 0.625 / (x2 * x2) - 37.0 / 24.0 / (x2 * x2 * x2) + 353.0 / 64.0 / (x2 * x2 * x2 * x2)
    }
}
