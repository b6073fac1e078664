import Foundation

/// A Rényi differential privacy accountant: it composes the RDP of every release over a grid of
/// orders and converts the total into (ε, δ)-differential privacy.
///
/// Composition adds RDP order by order (Mironov 2017). The conversion takes, over the orders, the
/// smallest ε of the bound of Balle et al. 2020 (Proposition 12; Canonne, Kamath and Steinke 2020,
/// equation 20): `ε = RDP(α) + log(1 − 1/α) − log(δ·α) / (α − 1)` for α > 1.01, and ε = 0 where
/// the KL bound `δ ≥ √(1 − exp(−RDP))` already holds. The default orders are 1.1, 1.2, …, 10.9,
/// 11, 12, …, 63, 128, 256, 512 and 1024, so figures agree with Google's dp-accounting, which
/// the tests check to 1e-6 relative.
///
/// ```swift
/// var accountant = RDPAccountant()
/// try accountant.composeGaussian(noiseMultiplier: 1.1, samplingRate: 256.0 / 60_000, count: 14_062)
/// let (epsilon, _) = try accountant.epsilon(delta: 1e-5)   // 2.597
/// ```
public struct RDPAccountant: Sendable, Hashable, Codable {
    /// The default orders.
    public static let defaultOrders: [Double] = {
        let fractional: [Double] = (1..<100).map { (x: Int) -> Double in 1 + Double(x) / 10 }
        let integral: [Double] = (11..<64).map { (x: Int) -> Double in Double(x) }
        let large: [Double] = [128, 256, 512, 1024]
        return fractional + integral + large
    }()

    /// The orders the accountant tracks.
    public let orders: [Double]
    /// The composed RDP at each order.
    public private(set) var rdp: [Double]

    /// An accountant with nothing spent.
    /// - Throws: ``PrivacyError`` `.invalidParameter` when there are no orders or one is not above 1.
    public init(orders: [Double] = RDPAccountant.defaultOrders) throws(PrivacyError) {
        guard !orders.isEmpty else { throw PrivacyError(.invalidParameter, "an accountant needs at least one order") }
        if let bad = orders.first(where: { !($0 > 1) }) { throw PrivacyError(.invalidParameter, "RDP orders must be above 1", context: .init(parameter: "order", value: bad)) }
        self.orders = orders
        rdp = [Double](repeating: 0, count: orders.count)
    }

    /// An accountant over the default orders, with nothing spent.
    public init() {
        orders = Self.defaultOrders
        rdp = [Double](repeating: 0, count: orders.count)
    }

    /// Composes `count` releases of the Gaussian mechanism with noise multiplier `z`, each on a
    /// Poisson subsample at `samplingRate` (1: no subsampling).
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a negative count or an invalid rate or multiplier.
    public mutating func composeGaussian(noiseMultiplier z: Double, samplingRate q: Double = 1, count: Int = 1) throws(PrivacyError) {
        guard count >= 0 else { throw PrivacyError(.invalidParameter, "a release count cannot be negative", context: .init(parameter: "steps", value: Double(count))) }
        for (k, alpha) in orders.enumerated() {
            rdp[k] += Double(count) * (try SubsampledGaussian.rdp(samplingRate: q, noiseMultiplier: z, order: alpha))
        }
    }

    /// Composes `count` releases of any mechanism whose RDP at each of the accountant's ``orders``
    /// is given (in the same order), for mechanisms this type has no method of its own for.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a negative count, a curve whose length is
    ///   not the number of orders, or a negative or NaN value in it (an infinite one is allowed: the
    ///   order then never gives the smallest ε).
    public mutating func compose(rdp curve: [Double], count: Int = 1) throws(PrivacyError) {
        guard count >= 0 else { throw PrivacyError(.invalidParameter, "a release count cannot be negative", context: .init(parameter: "count", value: Double(count))) }
        guard curve.count == orders.count else {
            throw PrivacyError(.invalidParameter, "an RDP curve needs one value per order of the accountant (\(orders.count))", context: .init(parameter: "rdp", value: Double(curve.count)))
        }
        if let bad = curve.first(where: { !($0 >= 0) }) {
            throw PrivacyError(.invalidParameter, "an RDP value must be non-negative", context: .init(parameter: "rdp", value: bad))
        }
        if count == 0 { return }
        for k in rdp.indices { rdp[k] += Double(count) * curve[k] }
    }

    /// The smallest ε over the orders for which the composed releases are (ε, δ)-DP, and its order.
    /// - Throws: ``PrivacyError`` `.invalidParameter` when δ is not in (0, 1).
    public func epsilon(delta: Double) throws(PrivacyError) -> (epsilon: Double, order: Double) {
        guard delta > 0, delta < 1 else { throw PrivacyError(.invalidParameter, "δ must lie in (0, 1)", context: .init(parameter: "delta", value: delta)) }
        var best = Double.infinity, bestOrder = orders[0]
        for (alpha, r) in zip(orders, rdp) {
            let epsilon: Double
            if r < 0 { epsilon = 0 }  // only from numerical noise in an extreme composition
            else if delta * delta + expm1(-r) > 0 { epsilon = 0 }
            else if alpha > 1.01 { epsilon = r + log1p(-1 / alpha) - log(delta * alpha) / (alpha - 1) }
            else { epsilon = .infinity }
            if epsilon < best { best = epsilon; bestOrder = alpha }
        }
        return (max(0, best), bestOrder)
    }

    /// The smallest δ over the orders for which the composed releases are (ε, δ)-DP, and its order.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a negative ε.
    public func delta(epsilon: Double) throws(PrivacyError) -> (delta: Double, order: Double) {
        guard epsilon >= 0 else { throw PrivacyError(.invalidParameter, "ε cannot be negative", context: .init(parameter: "epsilon", value: epsilon)) }
        var best = Double.infinity, bestOrder = orders[0]
        for (alpha, r) in zip(orders, rdp) {
            var logDelta: Double
            if r <= 0 { logDelta = -.infinity } else { logDelta = 0.5 * log1p(-exp(-r)) }
            if r > 0, alpha > 1.01 {
                logDelta = min(logDelta, (alpha - 1) * (r - epsilon + log1p(-1 / alpha)) - log(alpha))
            }
            if logDelta < best { best = logDelta; bestOrder = alpha }
        }
        return (min(exp(best), 1), bestOrder)
    }
}
