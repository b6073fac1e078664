import ConcordML

/// How the regression student's training molecules are chosen from the consensus-labelled transfer set.
public enum RegressionSelectionMode: String, Sendable, Hashable, CaseIterable {
    /// Molecules drawn at random among those with a consensus.
    case random
    /// The molecules the teachers agree on most: lowest consensus spread first (ties in a seeded random order).
    case best
}

/// The regression student's training selection.
public struct RegressionSelection: Sendable, Hashable {
    /// Rows of the transfer set.
    public var rows: [Int]
    /// Consensus values of those rows.
    public var values: [Double]
    /// Consensus spreads of those rows.
    public var spreads: [Double]
    /// The size asked for.
    public var requested: Int
    /// Why the selection is smaller than asked, when it is.
    public var shortfall: String?

    /// Mean consensus spread of the selection (0 when empty).
    public var meanSpread: Double { spreads.isEmpty ? 0 : spreads.reduce(0, +) / Double(spreads.count) }

    /// Selects up to `size` molecules that carry a consensus value, with `mode`, seeded.
    /// - Throws: ``FederationError/invalidSetting(_:field:cause:)`` for a size below 2.
    public static func select(_ consensus: RegressionConsensus, mode: RegressionSelectionMode, size: Int,
                              seed: UInt64) throws(FederationError) -> RegressionSelection {
        guard size >= 2 else { throw .invalidSetting("the student size must be at least 2, not \(size)") }
        var rng = SeededRandom(seed: seed)
        let eligible = consensus.covered
        let order = Splits.shuffled(eligible, &rng)
        let rows: [Int]
        switch mode {
        case .random:
            rows = Array(order.prefix(size))
        case .best:
            let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
            let s = consensus.spreads
            rows = Array(order.sorted { a, b in s[a] != s[b] ? s[a] < s[b] : (rank[a] ?? 0) < (rank[b] ?? 0) }.prefix(size))
        }
        var shortfall: String?
        if rows.count < size {
            shortfall = "asked for \(size) molecules but only \(eligible.count) of \(consensus.values.count) transfer molecules "
                + "carry a consensus value (the others were abstained on by every partner); selected \(rows.count)"
        }
        return RegressionSelection(rows: rows, values: rows.map { consensus.values[$0] }, spreads: rows.map { consensus.spreads[$0] },
                                   requested: size, shortfall: shortfall)
    }
}
