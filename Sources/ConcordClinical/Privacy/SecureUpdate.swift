public import ConcordML
public import ConcordPrivacy

/// What a site puts into a secure sum in a round of federated averaging, and how the coordinator
/// reads the sum: the coordinator learns `Σ wᵢ·θᵢ` over the sites it includes (and Scaffold's
/// `Σ Δcᵢ`, and the previous model's loss summed over the sites' validation rows), never one
/// site's model.
///
/// The layout of one site's vector: its weight times its locally trained parameters (`wᵢ·θᵢ`, one
/// value per parameter); with control variates, its control-variate change `Δcᵢ` (one value per
/// parameter); its weight `wᵢ`; the previous model's loss summed over its validation rows and
/// the number of those rows, both divided by the round's total training rows `T` (a public scale,
/// so every value stays well inside the encoding's bound).
///
/// The weights are public (the coordinator computes them from the sites' training-row counts in
/// their feature summaries, which it already holds): `nᵢ / Σ nⱼ` over the round's participants,
/// or `1 / m` for uniform weighting. A site that drops out leaves the included weights short of
/// 1; ``FederatedServer/aggregate(secureSum:included:participants:weights:strategy:)`` divides
/// by the included weights' sum, so the aggregate is the weighted mean of the included sites.
///
/// Values are fixed-point encoded (``encoding(partyCount:)``): exact sums, with each value rounded
/// to a multiple of 2⁻ᶠ (f = 40 for up to 2 parties, one bit less per doubling); the simulation
/// rounds exactly as the network does, so the same seed gives the same model in both.
public struct SecureUpdate: Sendable, Hashable {
    /// The model's parameter count.
    public let parameterCount: Int
    /// Whether the strategy sends control-variate changes (Scaffold).
    public let controls: Bool

    /// The layout for a model of `parameterCount` parameters.
    public init(parameterCount: Int, controls: Bool) {
        self.parameterCount = parameterCount; self.controls = controls
    }

    /// The length of one site's vector.
    public var length: Int { parameterCount * (controls ? 2 : 1) + 3 }

    /// The largest magnitude any value may have (2²⁰); a site whose model exceeds it cannot be summed securely.
    public static let bound: Double = 1_048_576

    /// The fixed-point encoding of a round with `partyCount` parties: 2²⁰ bound, as many
    /// fractional bits as keep `partyCount` values at the bound inside the signed 64-bit sum (at most 40).
    public static func encoding(partyCount: Int) -> FixedPointEncoding {
        let headroom = max(1, partyCount).bitWidth - max(1, partyCount).leadingZeroBitCount
        return FixedPointEncoding(bound: bound, fractionalBits: max(0, min(40, 62 - 20 - headroom)))
    }

    /// The public weights of a round's participants (in the order given), from their training-row
    /// counts: proportional to the rows for sample-count weighting, equal for uniform weighting.
    /// - Throws: ``FederatedLearningError`` `.invalidOption` for another weighting (it needs each
    ///   site's update), `.zeroWeight` when the rows sum to zero.
    public static func weights(rows: [Int], weighting: Strategy.Weighting) throws(FederatedLearningError) -> [Double] {
        switch weighting {
        case .uniform:
            return [Double](repeating: 1 / Double(max(1, rows.count)), count: rows.count)
        case .sampleCount:
            let total = rows.reduce(0) { $0 + Double($1) }
            guard total > 0 else { throw FederatedLearningError(.zeroWeight, "the participants' training rows sum to zero") }
            return rows.map { Double($0) / total }
        case .validationLoss, .updateSimilarity:
            throw FederatedLearningError(.invalidOption, "secure aggregation needs public weights (sample-count or uniform): this weighting needs each site's update")
        }
    }

    /// Checks that `strategy` can aggregate from a sum.
    /// - Throws: ``FederatedLearningError`` `.invalidOption` naming what needs one site's update.
    public static func check(_ strategy: Strategy) throws(FederatedLearningError) {
        _ = try weights(rows: [1], weighting: strategy.weighting)
        guard strategy.aggregation == .weightedMean else {
            throw FederatedLearningError(.invalidOption, "secure aggregation sums the sites' updates: the median, trimmed mean and Krum need each site's update")
        }
    }

    /// One site's vector.
    /// - Throws: ``FederatedLearningError`` `.lengthMismatch` when the update does not fit the layout.
    public func vector(_ update: ClientUpdate, weight: Double, globalLoss: DenseLossSum, scale: Double) throws(FederatedLearningError) -> [Double] {
        guard update.parameters.count == parameterCount, !controls || update.controlDelta?.count == parameterCount else {
            throw FederatedLearningError(.lengthMismatch, "the update does not fit the secure sum's layout", context: .init(site: update.site, expected: parameterCount, found: update.parameters.count))
        }
        var out = [Double](repeating: 0, count: length)
        for k in 0..<parameterCount { out[k] = weight * update.parameters[k] }
        if controls, let delta = update.controlDelta { for k in 0..<parameterCount { out[parameterCount + k] = delta[k] } }
        let tail = length - 3, t = scale > 0 ? scale : 1
        out[tail] = weight
        out[tail + 1] = globalLoss.sum / t
        out[tail + 2] = Double(globalLoss.rows) / t
        return out
    }

    /// The parts of a decoded sum.
    public struct Sum: Sendable, Hashable {
        /// `Σ wᵢ·θᵢ`.
        public var weightedParameters: [Double]
        /// `Σ Δcᵢ` (nil without control variates).
        public var controlDelta: [Double]?
        /// `Σ wᵢ` (fixed-point).
        public var weight: Double
        /// The previous model's loss summed over the included sites' validation rows.
        public var loss: DenseLossSum
    }

    /// Reads a decoded sum.
    /// - Throws: ``FederatedLearningError`` `.lengthMismatch` for a sum of another length.
    public func read(_ sum: [Double], scale: Double) throws(FederatedLearningError) -> Sum {
        guard sum.count == length else { throw FederatedLearningError(.lengthMismatch, "the secure sum does not fit its layout", context: .init(expected: length, found: sum.count)) }
        let tail = length - 3, t = scale > 0 ? scale : 1
        let rows = (sum[tail + 2] * t).rounded()
        return Sum(weightedParameters: Array(sum[0..<parameterCount]),
                   controlDelta: controls ? Array(sum[parameterCount..<(2 * parameterCount)]) : nil,
                   weight: sum[tail], loss: DenseLossSum(sum: sum[tail + 1] * t, rows: rows.isFinite && rows > 0 ? Int(rows) : 0))
    }

    /// The sum of `vectors` as a secure aggregation computes it: each encoded, added modulo 2⁶⁴, decoded.
    /// - Throws: ``PrivacyError`` `.overflow` for a value beyond the bound.
    public static func plainSum(_ vectors: [[Double]], encoding: FixedPointEncoding) throws(PrivacyError) -> [Double] {
        guard var total = try vectors.first.map({ v throws(PrivacyError) in try encoding.encode(v) }) else { return [] }
        for v in vectors.dropFirst() {
            let words = try encoding.encode(v)
            for k in total.indices where k < words.count { total[k] &+= words[k] }
        }
        return encoding.decode(total)
    }
}
