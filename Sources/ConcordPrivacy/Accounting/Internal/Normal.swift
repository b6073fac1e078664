import Foundation

/// The standard normal distribution's CDF Φ, its logarithm and its inverse, accurate to a few
/// ulps in both tails (the privacy-loss distribution of the Gaussian mechanism is read off them).
enum Normal {
    private static let sqrtHalf = 0.5.squareRoot()

    /// Φ(x) = ½ erfc(−x/√2), from `erf` near 0 and `erfc` elsewhere (so neither tail loses digits).
    static func cdf(_ x: Double) -> Double {
        let t = x * sqrtHalf
        if abs(t) < sqrtHalf { return 0.5 + 0.5 * erf(t) }
        let tail = 0.5 * Foundation.erfc(abs(t))
        return t > 0 ? 1 - tail : tail
    }

    /// log Φ(x): `log1p(−½ erfc(x/√2))` above −1, and in the lower tail `log erfc(−x/√2) − log 2`
    /// (with erfc's asymptotic expansion where it underflows).
    static func logCDF(_ x: Double) -> Double {
        let t = x * sqrtHalf
        if x < -1 { return LogSpace.erfc(-t) - M_LN2 }
        return log1p(-Foundation.erfc(t) / 2)
    }

    /// log φ(x), the log density.
    static func logPDF(_ x: Double) -> Double {
        -0.5 * x * x - 0.5 * log(2 * Double.pi)
    }

    /// Φ⁻¹(p) for p in (0, 1): a rational start (Abramowitz and Stegun 26.2.23, error below
    /// 4.5e-4) refined by Newton's method on log Φ, which converges in the far tails too.
    static func quantile(_ p: Double) -> Double {
        if !(p > 0) { return -.infinity }
        if !(p < 1) { return .infinity }
        if p > 0.5 { return -quantile(1 - p) }
        let t = (-2 * log(p)).squareRoot()
        var x = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t))
        let target = log(p)
        for _ in 0..<50 {
            let logCDF = logCDF(x)
            // d log Φ / dx = φ/Φ.
            let step = (logCDF - target) * exp(logCDF - logPDF(x))
            x -= step
            if abs(step) <= 1e-16 * max(1, abs(x)) { break }
        }
        return x
    }
}
