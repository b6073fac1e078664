import Foundation

/// The privacy analysis of PATE's Confident-GNMax aggregator (Papernot et al., "Scalable Private
/// Learning with PATE", ICLR 2018): teachers trained on disjoint data vote on a public query, and
/// the aggregator answers only when they agree enough.
///
/// Each considered query runs a threshold check, `max_i n_i + N(0, σ₁²) ≥ T` on the vote
/// histogram `n`; a query that passes is answered with `argmax_i (n_i + N(0, σ₂²))`, and one that
/// fails is declined. One teacher's data moves the maximum count by at most 1 and the histogram by
/// √2 in L2, so:
///
/// - **Data-independent bound.** Each considered query costs `λ/(2σ₁²)` of Rényi DP at order λ
///   and each answered query `λ/σ₂²` more (dp-accounting's `GaussianDpEvent(σ₁)` and
///   `GaussianDpEvent(σ₂/√2)`); the costs add over the queries and ``RDPAccountant`` converts the
///   total into ε at δ. It depends only on the counts of considered and answered queries, so it is
///   a guarantee that may be published.
/// - **Data-dependent bound.** When the teachers agree, the noisy answers are nearly certain and
///   reveal less: the paper's Theorem 6 bounds each step's RDP from the probability `q` of its
///   less likely outcome (for GNMax, Proposition 7's union bound on missing the plurality class;
///   for the threshold, the smaller of `Pr[answered]` and `Pr[declined]`), and never above the
///   data-independent bound. This figure is computed from the teachers' votes, so it is itself a
///   function of the private data: publishing it leaks. PATE publishes it only after adding noise
///   calibrated to its smooth sensitivity, which this type does not do yet; use it to compare
///   settings and to understand a run, and publish the data-independent ε.
///
/// The threshold check's outcome is public (the student sees whether it got an answer), so an
/// answered query's GNMax cost is counted only when it is answered, as in the paper's analysis.
/// The paper's tables report the expectation instead (each GNMax cost weighted by the query's
/// probability of being answered): ``expectedAnswered`` and ``expectedDataDependentRDP`` give it.
///
/// ```swift
/// var analysis = try GNMaxAnalysis(thresholdSigma: 150, answerSigma: 40, threshold: 200)
/// try analysis.record(votes: [2, 240, 1, 0, 3, 0, 0, 4, 0, 0], answered: true)
/// let (published, dataDependent) = try analysis.epsilon(delta: 1e-5)
/// ```
public struct GNMaxAnalysis: Sendable, Hashable {
    /// σ₁, the noise of the threshold check.
    public let thresholdSigma: Double
    /// σ₂, the noise of the answer (GNMax).
    public let answerSigma: Double
    /// T, the threshold the noisy plurality count must reach.
    public let threshold: Double
    /// The queries considered (threshold checks run).
    public private(set) var considered = 0
    /// The queries answered.
    public private(set) var answered = 0
    /// The sum over the considered queries of their probability of being answered (the paper's
    /// "answered" column is this expectation).
    public private(set) var expectedAnswered = 0.0
    /// The composed data-independent RDP.
    public private(set) var dataIndependentRDP: RDPAccountant
    /// The composed data-dependent RDP, counting GNMax for the answered queries.
    public private(set) var dataDependentRDP: RDPAccountant
    /// The composed data-dependent RDP in expectation over the threshold check's noise, as the
    /// paper's analysis reports it: every considered query's threshold cost plus its GNMax cost
    /// times its probability of being answered.
    public private(set) var expectedDataDependentRDP: RDPAccountant

    /// The orders the analysis tracks.
    public var orders: [Double] { dataIndependentRDP.orders }

    /// An analysis with no query considered.
    /// - Parameters:
    ///   - thresholdSigma: σ₁ > 0, finite.
    ///   - answerSigma: σ₂ > 0, finite.
    ///   - threshold: T, finite.
    ///   - orders: The RDP orders (each above 1).
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a non-positive or non-finite σ, a
    ///   non-finite threshold, or invalid orders.
    public init(thresholdSigma: Double, answerSigma: Double, threshold: Double, orders: [Double] = RDPAccountant.defaultOrders) throws(PrivacyError) {
        try Self.validate(sigma: thresholdSigma, name: "threshold-sigma")
        try Self.validate(sigma: answerSigma, name: "answer-sigma")
        guard threshold.isFinite else { throw PrivacyError(.invalidParameter, "the threshold must be finite", context: .init(parameter: "threshold", value: threshold)) }
        self.thresholdSigma = thresholdSigma
        self.answerSigma = answerSigma
        self.threshold = threshold
        dataIndependentRDP = try RDPAccountant(orders: orders)
        dataDependentRDP = dataIndependentRDP
        expectedDataDependentRDP = dataIndependentRDP
    }

    /// Records one considered query: the noiseless vote histogram (the number of teachers voting
    /// for each class) and whether the threshold check let it be answered.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for an empty histogram or a negative,
    ///   infinite or NaN count; nothing is recorded then.
    public mutating func record(votes: [Double], answered isAnswered: Bool) throws(PrivacyError) {
        guard !votes.isEmpty else { throw PrivacyError(.invalidParameter, "a vote histogram needs at least one class", context: .init(parameter: "votes")) }
        if let bad = votes.first(where: { !($0 >= 0 && $0.isFinite) }) {
            throw PrivacyError(.invalidParameter, "vote counts must be finite and non-negative", context: .init(parameter: "votes", value: bad))
        }
        let maxVote = votes.max() ?? 0
        let orders = self.orders
        let thresholdCurve = orders.map { PATEBounds.threshold(maxVote: maxVote, threshold: threshold, sigma: thresholdSigma, order: $0) }
        let logQ = PATEBounds.logNonPlurality(votes: votes, sigma: answerSigma)
        let answerCurve = orders.map { PATEBounds.dataDependent(logQ: logQ, variance: answerSigma * answerSigma, order: $0) }
        let pAnswered = exp(PATEBounds.logAnswerProbabilities(maxVote: maxVote, threshold: threshold, sigma: thresholdSigma).answered)
        try dataIndependentRDP.compose(rdp: Self.thresholdCurve(sigma: thresholdSigma, orders: orders))
        try dataDependentRDP.compose(rdp: thresholdCurve)
        try expectedDataDependentRDP.compose(rdp: zip(thresholdCurve, answerCurve).map { $0 + pAnswered * $1 })
        if isAnswered {
            try dataIndependentRDP.compose(rdp: Self.answerCurve(sigma: answerSigma, orders: orders))
            try dataDependentRDP.compose(rdp: answerCurve)
            answered += 1
        }
        considered += 1
        expectedAnswered += pAnswered
    }

    /// ε at δ by the data-independent bound, a guarantee that may be published, and by the
    /// data-dependent one (counting GNMax for the answered queries), which is computed from the
    /// teachers' votes and so is itself a function of the private data: it is not a differential
    /// privacy guarantee to publish as it stands (PATE releases it with smooth-sensitivity noise,
    /// which this type does not add yet). Both convert the composed RDP with ``RDPAccountant``.
    /// - Throws: ``PrivacyError`` `.invalidParameter` when δ is not in (0, 1).
    public func epsilon(delta: Double) throws(PrivacyError) -> (dataIndependent: Double, dataDependent: Double) {
        (try dataIndependentRDP.epsilon(delta: delta).epsilon, try dataDependentRDP.epsilon(delta: delta).epsilon)
    }

    /// The data-independent ε at δ after `considered` more queries of which `answered` are
    /// answered, for a budget check before answering.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a negative count, more answered than
    ///   considered, or δ not in (0, 1).
    public func dataIndependentEpsilon(addingConsidered considered: Int, answered: Int, delta: Double) throws(PrivacyError) -> Double {
        guard considered >= 0 else { throw PrivacyError(.invalidParameter, "a query count cannot be negative", context: .init(parameter: "considered", value: Double(considered))) }
        guard answered >= 0, answered <= considered else {
            throw PrivacyError(.invalidParameter, "the answered queries must be between 0 and the considered ones", context: .init(parameter: "answered", value: Double(answered)))
        }
        var accountant = dataIndependentRDP
        try accountant.compose(rdp: Self.thresholdCurve(sigma: thresholdSigma, orders: orders), count: considered)
        try accountant.compose(rdp: Self.answerCurve(sigma: answerSigma, orders: orders), count: answered)
        return try accountant.epsilon(delta: delta).epsilon
    }

    /// The data-independent RDP of `considered` threshold checks at σ₁ and `answered` answers at σ₂
    /// (`considered·λ/(2σ₁²) + answered·λ/σ₂²` at each order), on a fresh accountant.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a negative count, a σ that is not a
    ///   positive number, or invalid orders.
    public static func dataIndependentRDP(considered: Int, answered: Int, thresholdSigma: Double, answerSigma: Double,
                                          orders: [Double] = RDPAccountant.defaultOrders) throws(PrivacyError) -> RDPAccountant {
        try validate(sigma: thresholdSigma, name: "threshold-sigma")
        try validate(sigma: answerSigma, name: "answer-sigma")
        var accountant = try RDPAccountant(orders: orders)
        try accountant.compose(rdp: thresholdCurve(sigma: thresholdSigma, orders: orders), count: considered)
        try accountant.compose(rdp: answerCurve(sigma: answerSigma, orders: orders), count: answered)
        return accountant
    }

    /// The most queries answerable in any budget: 2⁵².
    public static let queryBudgetLimit = 1 << 52

    /// The largest number of queries that can be considered and answered (the worst case: every
    /// query answered) within a data-independent budget ε at δ, at most ``queryBudgetLimit``.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a negative or non-finite ε, δ not in
    ///   (0, 1), a non-positive or non-finite σ, or invalid orders.
    public static func queryBudget(epsilon: Double, delta: Double, thresholdSigma: Double, answerSigma: Double, orders: [Double] = RDPAccountant.defaultOrders) throws(PrivacyError) -> Int {
        guard epsilon >= 0, epsilon.isFinite else { throw PrivacyError(.invalidParameter, "the ε budget must be finite and non-negative", context: .init(parameter: "epsilon", value: epsilon)) }
        guard delta > 0, delta < 1 else { throw PrivacyError(.invalidParameter, "δ must lie in (0, 1)", context: .init(parameter: "delta", value: delta)) }
        try validate(sigma: thresholdSigma, name: "threshold-sigma")
        try validate(sigma: answerSigma, name: "answer-sigma")
        let empty = try RDPAccountant(orders: orders)
        let perQuery = zip(thresholdCurve(sigma: thresholdSigma, orders: orders), answerCurve(sigma: answerSigma, orders: orders)).map { $0 + $1 }
        func fits(_ count: Int) throws(PrivacyError) -> Bool {
            var accountant = empty
            try accountant.compose(rdp: perQuery, count: count)
            return try accountant.epsilon(delta: delta).epsilon <= epsilon
        }
        // ε grows with the count: double until it no longer fits, then bisect.
        guard try fits(1) else { return 0 }
        var low = 1, high = 2
        while high <= queryBudgetLimit, try fits(high) { low = high; high *= 2 }
        if high > queryBudgetLimit { return queryBudgetLimit }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if try fits(middle) { low = middle } else { high = middle }
        }
        return low
    }

    static func validate(sigma: Double, name: String) throws(PrivacyError) {
        guard sigma > 0, sigma.isFinite else { throw PrivacyError(.invalidParameter, "a noise standard deviation must be finite and positive", context: .init(parameter: name, value: sigma)) }
    }

    /// The threshold check's data-independent RDP, `λ/(2σ₁²)`, at each order.
    static func thresholdCurve(sigma: Double, orders: [Double]) -> [Double] {
        orders.map { PATEBounds.dataIndependent(variance: 2 * sigma * sigma, order: $0) }
    }

    /// GNMax's data-independent RDP, `λ/σ₂²`, at each order.
    static func answerCurve(sigma: Double, orders: [Double]) -> [Double] {
        orders.map { PATEBounds.dataIndependent(variance: sigma * sigma, order: $0) }
    }

    /// The data-dependent RDP of one GNMax answer with noise `sigma` on the noiseless histogram
    /// `votes`, at each order (Theorem 6 with Proposition 7's q̃; never above `λ/σ²`), for a
    /// mechanism whose threshold step differs from ``record(votes:answered:)``'s and is accounted apart.
    /// Like ``epsilon(delta:)``'s data-dependent figure, it is a function of the private votes.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for an empty histogram, a negative or
    ///   non-finite count, or a σ that is not a positive number.
    public static func answerRDP(votes: [Double], sigma: Double, orders: [Double] = RDPAccountant.defaultOrders) throws(PrivacyError) -> [Double] {
        guard !votes.isEmpty else { throw PrivacyError(.invalidParameter, "a vote histogram needs at least one class", context: .init(parameter: "votes")) }
        if let bad = votes.first(where: { !($0 >= 0 && $0.isFinite) }) {
            throw PrivacyError(.invalidParameter, "vote counts must be finite and non-negative", context: .init(parameter: "votes", value: bad))
        }
        guard sigma > 0, sigma.isFinite else { throw PrivacyError(.invalidParameter, "σ must be a positive number", context: .init(parameter: "sigma", value: sigma)) }
        let logQ = PATEBounds.logNonPlurality(votes: votes, sigma: sigma)
        return orders.map { PATEBounds.dataDependent(logQ: logQ, variance: sigma * sigma, order: $0) }
    }
}
