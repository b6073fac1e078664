import Foundation

/// The per-query Rényi-DP bounds of Confident-GNMax (Papernot, Song, Mironov, Raghunathan, Talwar
/// and Erlingsson, "Scalable Private Learning with PATE", ICLR 2018), each at one order λ.
///
/// Two noisy steps answer a query whose teachers voted `n_1 … n_k`:
/// - the threshold check releases whether `max n_i + N(0, σ₁²)` reaches `T`; one teacher moves the
///   maximum by at most 1, so it is a Gaussian mechanism of sensitivity 1 (RDP `λ/(2σ₁²)`);
/// - GNMax releases `argmax (n_i + N(0, σ₂²))`; one teacher moves two counts by 1 each, an L2
///   move of √2 (RDP `λ/σ₂²`).
///
/// The data-dependent bound (the paper's Theorem 6) is tighter when the released outcome is nearly
/// certain: if a mechanism is (μ₁, ε₁)- and (μ₂, ε₂)-RDP and its most likely outcome on a data
/// set has probability `1 − q` with `q` small enough, its Rényi divergence of order λ < μ₁ to
/// any neighbour is at most
/// `log((1 − q)·A^{λ−1} + q·B^{λ−1}) / (λ − 1)`, with `A = (1 − q) / (1 − (q·e^{ε₂})^{1 − 1/μ₂})`
/// and `B = e^{ε₁} / q^{1/(μ₁−1)}`. The higher orders are the paper's choice,
/// `μ₂ = σ·√log(1/q)` and `μ₁ = μ₂ + 1` (σ the noise for a sensitivity of √2), and `q` must
/// satisfy `q·e^{ε₂} < 1` and `q ≤ e^{(μ₂−1)ε₂} / (μ₁/(μ₁−1) · μ₂/(μ₂−1))^{μ₂}`. Where a
/// condition fails the data-independent bound stands; the result is never above it.
///
/// All of it runs on `log q`, so a `q` far below the smallest `Double` still gives a finite bound.
enum PATEBounds {
    /// `log(1 − eˣ)` for `x ≤ 0`, accurate near both ends (−∞ at 0).
    static func log1mexp(_ x: Double) -> Double {
        if x < -M_LN2 { return log1p(-exp(x)) }
        return log(-expm1(x))
    }

    /// `log q̃`, the paper's bound (its Proposition 7) on the log-probability that GNMax with noise
    /// `sigma` does not return the plurality class of `votes`: the union over the other classes of
    /// `Pr[N(0, 2σ²) ≥ n* − n_i]` (`n*` the plurality count), capped at `log(1 − 1/k)` for `k`
    /// classes (−∞ for a single class, whose outcome is certain). The first largest count is the
    /// plurality class when several tie.
    static func logNonPlurality(votes: [Double], sigma: Double) -> Double {
        guard let top = votes.indices.max(by: { votes[$0] < votes[$1] }) else { return -.infinity }
        let scale = 2.0.squareRoot() * sigma
        var total = -Double.infinity
        for (i, n) in votes.enumerated() where i != top {
            total = LogSpace.add(total, Normal.logCDF(-(votes[top] - n) / scale))
        }
        return min(total, log1p(-1 / Double(votes.count)))
    }

    /// `log Pr[answered]` and `log Pr[declined]` for a plurality count `maxVote`: the probability
    /// that `maxVote + N(0, σ₁²)` reaches `threshold`, and its complement, each from its own tail.
    static func logAnswerProbabilities(maxVote: Double, threshold: Double, sigma: Double) -> (answered: Double, declined: Double) {
        let z = (maxVote - threshold) / sigma
        return (Normal.logCDF(z), Normal.logCDF(-z))
    }

    /// The data-independent RDP at `order` of a Gaussian mechanism with noise variance `variance`
    /// for an L2 sensitivity of √2: `λ / variance`.
    static func dataIndependent(variance: Double, order: Double) -> Double {
        order / variance
    }

    /// The data-dependent RDP at `order` (Theorem 6) of a Gaussian mechanism with noise variance
    /// `variance` (sensitivity √2) whose outcome differs from its most likely one with probability
    /// at most `exp(logQ)`; the data-independent bound where the theorem's conditions fail.
    static func dataDependent(logQ: Double, variance: Double, order: Double) -> Double {
        let independent = dataIndependent(variance: variance, order: order)
        if logQ == -.infinity { return 0 }  // the outcome is certain: nothing is learnt
        guard logQ < 0 else { return independent }
        let mu2 = (variance * -logQ).squareRoot(), mu1 = mu2 + 1
        guard mu2 > 1, order < mu1 else { return independent }
        let epsilon1 = mu1 / variance, epsilon2 = mu2 / variance
        // q·e^{ε₂} < 1 keeps A positive, and the second condition keeps q where the bound grows with q.
        let largestQ = (mu2 - 1) * epsilon2 - mu2 * (log1p(1 / (mu1 - 1)) + log1p(1 / (mu2 - 1)))
        guard -logQ > epsilon2, logQ <= largestQ else { return independent }
        let log1mQ = log1mexp(logQ)
        let logA = log1mQ - log1mexp((logQ + epsilon2) * (1 - 1 / mu2))
        let logB = epsilon1 - logQ / (mu1 - 1)
        let bound = LogSpace.add(log1mQ + (order - 1) * logA, logQ + (order - 1) * logB) / (order - 1)
        guard !bound.isNaN else { return independent }
        return max(0, min(independent, bound))
    }

    /// The data-dependent RDP at `order` of GNMax with noise `sigma` on `votes`.
    static func gnmax(votes: [Double], sigma: Double, order: Double) -> Double {
        dataDependent(logQ: logNonPlurality(votes: votes, sigma: sigma), variance: sigma * sigma, order: order)
    }

    /// The data-dependent RDP at `order` of the threshold check with noise `sigma` on a plurality
    /// count `maxVote`: Theorem 6 with `q` the less likely of answering and declining, and the
    /// noise variance doubled (sensitivity 1 instead of √2), so its data-independent bound is `λ/(2σ₁²)`.
    static func threshold(maxVote: Double, threshold: Double, sigma: Double, order: Double) -> Double {
        let (answered, declined) = logAnswerProbabilities(maxVote: maxVote, threshold: threshold, sigma: sigma)
        return dataDependent(logQ: min(answered, declined), variance: 2 * sigma * sigma, order: order)
    }
}
