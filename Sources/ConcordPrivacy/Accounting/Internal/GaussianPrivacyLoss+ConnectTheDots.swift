import Foundation

extension GaussianPrivacyLoss {
    /// The pessimistic connect-the-dots discretisation (Doroshenko, Ghazi, Kamath, Kumar and
    /// Manurangsi 2022, Algorithm 1) on the grid `k·d` for every k from `⌊ε_min/d⌋` to `⌈ε_max/d⌉`,
    /// where ε_max and ε_min are the losses at the ends of the truncated range.
    ///
    /// With δ_k the divergence at `k·d`, the mass at the first point is
    /// `1 − δ₀ + (δ₁ − δ₀)/(e^d − 1)`, at an inner point `((δ_{k+1} − δ_k) − e^d (δ_k − δ_{k−1}))/(e^d − 1)`,
    /// at the last `(δ_n − δ_{n−1})/(e^{−d} − 1)` (each clipped at 0), and δ_n goes to +∞. Its
    /// hockey-stick curve lies above the mechanism's, so every ε and δ read off it is an upper bound.
    /// The stencils give 0 for δ = 1 − e^ε, so at ε ≤ 0, where δ is close to 1 and its rounding
    /// (divided by `e^d − 1 ≈ d`) would leave noise that clipping at 0 turns into spurious mass,
    /// they run on the residual `δ − (1 − e^ε)` (the last point then gains `e^{ε_n}`).
    /// - Throws: ``PrivacyError`` `.invalidParameter` when the grid would exceed `maximumPoints`.
    /// - Complexity: O(n) for n grid points.
    func connectTheDots(discretization d: Double, maximumPoints: Int) throws(PrivacyError) -> PrivacyLossPMF {
        let range = truncation
        let upperLoss = loss(range.lower) / d, lowerLoss = loss(range.upper) / d
        guard upperLoss.isFinite, lowerLoss.isFinite, (ceil(upperLoss) - floor(lowerLoss)) < Double(maximumPoints) else {
            throw PrivacyError(.invalidParameter,
                               "the privacy loss distribution would need more than \(maximumPoints) points (noise too small for the discretisation interval)",
                               context: .init(parameter: "noise-multiplier", value: sigma))
        }
        let first = Int(floor(lowerLoss)), last = Int(ceil(upperLoss))
        let count = last - first + 1
        var deltas = [Double](repeating: 0, count: count), residuals = deltas, negative = [Bool](repeating: false, count: count)
        for k in 0..<count {
            let epsilon = Double(first + k) * d
            (deltas[k], residuals[k]) = divergence(epsilon)
            negative[k] = epsilon <= 0
        }
        if count == 1 {
            return PrivacyLossPMF(discretization: d, lowerIndex: first, probabilities: [1 - deltas[0]], infinityMass: deltas[0])
        }
        // The stencils annihilate 1 − e^ε, so at ε ≤ 0 (where δ is near 1) they run on the residual.
        var probabilities = [Double](repeating: 0, count: count)
        let growth = exp(d), gap = expm1(d)
        probabilities[0] = negative[0] ? -residuals[0] + (residuals[1] - residuals[0]) / gap : 1 - deltas[0] + (deltas[1] - deltas[0]) / gap
        for k in 1..<(count - 1) {
            let v = negative[k] ? residuals : deltas
            probabilities[k] = ((v[k + 1] - v[k]) - (v[k] - v[k - 1]) * growth) / gap
        }
        let end = count - 1
        probabilities[end] = negative[end] ? exp(Double(last) * d) + (residuals[end] - residuals[end - 1]) / expm1(-d) : (deltas[end] - deltas[end - 1]) / expm1(-d)
        for k in 0..<count { probabilities[k] = max(0, probabilities[k]) }
        return PrivacyLossPMF(discretization: d, lowerIndex: first, probabilities: probabilities, infinityMass: deltas[count - 1])
    }
}
