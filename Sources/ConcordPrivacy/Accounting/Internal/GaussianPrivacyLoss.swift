import Foundation

/// The privacy loss of the Gaussian mechanism (sensitivity 1, noise of standard deviation σ),
/// optionally on a Poisson subsample at rate q, for one direction of the add-or-remove relation.
///
/// With μ = N(0, σ²): removing a record compares the upper distribution `(1 − q)·μ(x) + q·μ(x + 1)`
/// with the lower `μ(x)`; adding one compares `μ(x)` with `(1 − q)·μ(x) + q·μ(x − 1)`. The loss
/// `log(upper/lower)` decreases in x. Without subsampling (q = 1) both directions give the same
/// distribution. These are dp-accounting's `GaussianPrivacyLoss` definitions.
struct GaussianPrivacyLoss: Sendable {
    enum Direction: Sendable { case remove, add }

    /// The log of the noise mass left out of the discretised range (dp-accounting's default).
    static let logMassTruncationBound = -50.0

    let sigma: Double
    let samplingRate: Double
    let direction: Direction

    /// The privacy loss at x: for removal `log(1 − q + q·e^{ℓ(x)})` with the unsampled loss
    /// `ℓ(x) = (−½ − x)/σ²`; for addition minus the removal loss at −x.
    func loss(_ x: Double) -> Double {
        direction == .remove ? removeLoss(x) : -removeLoss(-x)
    }

    private func removeLoss(_ x: Double) -> Double {
        let unsampled = (-0.5 - x) / (sigma * sigma)
        if samplingRate == 1 { return unsampled }
        return LogSpace.add(unsampled + log(samplingRate), log(1 - samplingRate))
    }

    /// The range of x kept: each tail outside it holds at most `½ e^{−50}` of μ, the range
    /// widened by the sensitivity on the side the shift moves.
    var truncation: (lower: Double, upper: Double) {
        let lower = sigma * Normal.quantile(0.5 * exp(Self.logMassTruncationBound))
        return direction == .add ? (lower, -lower + 1) : (lower - 1, -lower)
    }

    /// The ε-hockey-stick divergence between the upper and lower distributions: the δ of the
    /// mechanism at ε in this direction.
    func delta(epsilon: Double) -> Double { divergence(epsilon).delta }

    /// δ(ε), and the residual `δ(ε) − (1 − e^ε)`, each computed without subtracting numbers near 1.
    ///
    /// dp-accounting subtracts the two CDFs at the cut-off, which loses up to 1e-16 absolute; the
    /// connect-the-dots masses are second differences of δ over 1e-4, and composition multiplies
    /// their errors by the number of steps. Here both come from the divergence `δ_G(t)` of the
    /// unsampled Gaussian at t ≥ 0. With `l` the unsampled loss matching ε, and
    /// `δ_G(−t) = 1 − e^{−t} + e^{−t}·δ_G(t)`:
    /// - remove: `e^l = 1 + (e^ε − 1)/q`; δ = `q·δ_G(l)` for l ≥ 0, else `1 − e^ε + (q − 1 + e^ε)·δ_G(−l)`;
    ///   δ = 1 − e^ε for ε ≤ log(1 − q);
    /// - add: `e^l = 1 + (e^{−ε} − 1)/q`; δ = `e^ε (q − 1 + e^{−ε})·δ_G(−l)` for ε ≥ 0, else
    ///   `1 − e^ε + q e^ε·δ_G(l)`; δ = 0 for ε ≥ −log(1 − q).
    func divergence(_ epsilon: Double) -> (delta: Double, residual: Double) {
        let q = samplingRate, expm1Epsilon = expm1(epsilon)
        var delta: Double, residual: Double?
        switch direction {
        case .remove:
            if q < 1 && epsilon <= log1p(-q) { return (-expm1Epsilon, 0) }
            let l = q == 1 ? epsilon : log1p(expm1Epsilon / q)
            if l >= 0 { delta = q * gaussianDelta(l) } else {
                residual = (q + expm1Epsilon) * gaussianDelta(-l)
                delta = -expm1Epsilon + (residual ?? 0)
            }
        case .add:
            if q < 1 && epsilon >= -log1p(-q) { return (0, expm1Epsilon) }
            let l = q == 1 ? -epsilon : log1p(expm1(-epsilon) / q)
            if epsilon >= 0 { delta = exp(epsilon) * (q + expm1(-epsilon)) * gaussianDelta(-l) } else {
                residual = q * exp(epsilon) * gaussianDelta(l)
                delta = -expm1Epsilon + (residual ?? 0)
            }
        }
        if !(delta >= 0 && delta <= 1) { delta = min(max(delta, 0), 1); residual = nil }
        return (delta, residual ?? delta + expm1Epsilon)
    }

    /// The divergence of the unsampled Gaussian mechanism at loss t ≥ 0:
    /// `Φ(a) − e^t·Φ(b)` with `a = 1/(2σ) − tσ`, `b = a − 1/σ`. When `a > 0` it is taken as
    /// `P(b < X < a) − (e^t − 1)·Φ(b)`, the interval's mass a sum of two `erf`s of either sign;
    /// otherwise both terms are lower tails, each accurate to an ulp.
    func gaussianDelta(_ t: Double) -> Double {
        if t == .infinity { return 0 }
        let a = 0.5 / sigma - t * sigma, b = -0.5 / sigma - t * sigma
        if a > 0 {
            let interval = 0.5 * (erf(a * 0.5.squareRoot()) - erf(b * 0.5.squareRoot()))
            return interval - expm1(t) * Normal.cdf(b)
        }
        let lower = Normal.cdf(b)
        if t < 700 && lower > 1e-290 { return Normal.cdf(a) - exp(t) * lower }
        return Normal.cdf(a) - exp(t + Normal.logCDF(b))
    }
}
