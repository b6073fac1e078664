public import ConcordChem
import ConcordML

/// How the student's training molecules are chosen from the consensus-labelled transfer set (FLuID's modes).
public enum SelectionMode: String, Sendable, Hashable, CaseIterable {
    /// Half actives, half inactives by consensus label, in a seeded random order (FLuID's default).
    case balanced
    /// Molecules drawn at random regardless of label (FLuID's code ends up drawing half the size; Concord draws the size asked).
    case random
    /// Per class, the molecules the consensus is most confident about.
    case best
    /// Per class, the molecules the consensus is least confident about (probability near 0.5).
    case worst
    /// FLuID's described (unimplemented) mode: a random batch is clustered and each class takes
    /// the most confident molecules cluster by cluster in turn, so the selection is both confident and diverse.
    case mixed
    /// Class-aware: the top half by consensus probability is labelled active and the bottom half
    /// inactive, so the student sees both classes even when the consensus finds few actives
    /// (the labels are ranks, not the arg-max; soft-label students use the probabilities).
    case ranked
}

/// The student's training selection.
public struct StudentSelection: Sendable, Hashable {
    /// Rows of the transfer set.
    public var rows: [Int]
    /// Consensus labels of those rows.
    public var labels: [UInt8]
    /// The size asked for.
    public var requested: Int
    /// Why the selection is smaller than asked, when it is.
    public var shortfall: String?

    /// Actives in the selection.
    public var actives: Int { labels.reduce(0) { $0 + Int($1) } }

    /// Selects up to `size` molecules from a consensus with `mode`, seeded.
    ///
    /// For the per-class modes each class gets `size / 2` (the active half rounded up); when a
    /// class has fewer, all of it is taken, nothing is topped up, and ``shortfall`` says so —
    /// exactly as FLuID does.
    /// - Parameter features: the transfer set's fingerprints (used by `.mixed` only).
    /// - Throws: ``FederationError/invalidSetting(_:field:cause:)`` for a size below 2.
    public static func select(_ consensus: Consensus, mode: SelectionMode, size: Int, seed: UInt64,
                              features: FingerprintMatrix? = nil) async throws(FederationError) -> StudentSelection {
        guard size >= 2 else { throw .invalidSetting("the student size must be at least 2, not \(size)") }
        let p = consensus.probabilities
        let labels = consensus.labels
        let eligible = consensus.covered
        var rng = SeededRandom(seed: seed)
        let activeHalf = (size + 1) / 2, inactiveHalf = size / 2
        var rows: [Int]
        var rankLabels: [UInt8]?
        switch mode {
        case .random:
            rows = Array(Splits.shuffled(eligible, &rng).prefix(size))
        case .balanced:
            let order = Splits.shuffled(eligible, &rng)
            rows = Self.perClass(order, labels: labels, actives: activeHalf, inactives: inactiveHalf)
        case .ranked:
            let order = eligible.sorted { a, b in p[a] != p[b] ? p[a] > p[b] : a < b }
            let top = order.count >= size ? activeHalf : (order.count + 1) / 2
            let bottom = min(order.count - top, order.count >= size ? inactiveHalf : order.count / 2)
            rows = Array(order.prefix(top)) + Array(order.suffix(bottom))
            rankLabels = [UInt8](repeating: 1, count: top) + [UInt8](repeating: 0, count: bottom)
        case .best, .worst:
            let order = eligible.sorted { a, b in
                let ca = max(p[a], 1 - p[a]), cb = max(p[b], 1 - p[b])
                if ca != cb { return mode == .best ? ca > cb : ca < cb }
                return a < b
            }
            rows = Self.perClass(order, labels: labels, actives: activeHalf, inactives: inactiveHalf)
        case .mixed:
            guard let features, features.rowCount == p.count else {
                throw .invalidSetting("mixed selection needs the transfer set's fingerprints")
            }
            rows = try await Self.mixed(p, eligible: eligible, labels: labels, features: features, size: size, rng: &rng)
        }
        let chosen = rankLabels ?? rows.map { labels[$0] }
        let actives = chosen.reduce(0) { $0 + Int($1) }
        var shortfall: String?
        if rows.count < size {
            let available = eligible.reduce(0) { $0 + Int(labels[$1]) }
            shortfall = "asked for \(size) molecules (\(mode == .random ? "any label" : "\(activeHalf) active, \(inactiveHalf) inactive")) "
                + "but the consensus labels only \(available) of \(eligible.count) annotated transfer molecules active and \(eligible.count - available) inactive; "
                + "selected \(rows.count) (\(actives) active, \(rows.count - actives) inactive)"
        }
        return StudentSelection(rows: rows, labels: chosen, requested: size, shortfall: shortfall)
    }

    /// The first `actives` rows labelled 1 and the first `inactives` labelled 0 in `order`: actives first, then inactives.
    static func perClass(_ order: [Int], labels: [UInt8], actives: Int, inactives: Int) -> [Int] {
        var a: [Int] = [], i: [Int] = []
        a.reserveCapacity(actives); i.reserveCapacity(inactives)
        for r in order {
            if labels[r] == 1 { if a.count < actives { a.append(r) } } else if i.count < inactives { i.append(r) }
            if a.count == actives && i.count == inactives { break }
        }
        return a + i
    }

    static func mixed(_ p: [Double], eligible: [Int], labels: [UInt8], features: FingerprintMatrix, size: Int,
                      rng: inout SeededRandom) async throws(FederationError) -> [Int] {
        let batch = Array(Splits.shuffled(eligible, &rng).prefix(min(eligible.count, 2 * size)))
        let clusterCount = max(2, min(100, size / 100, batch.count))
        let kmeans: KMeans
        do {
            kmeans = try await KMeans.fit(features.rows(batch), options: .init(clusters: clusterCount, restarts: 1, seed: rng.next()))
        } catch { throw .invalidSetting("mixed selection could not cluster the batch", field: "selection", cause: error) }
        var result: [Int] = []
        for (cls, quota) in [(UInt8(1), (size + 1) / 2), (UInt8(0), size / 2)] {
            var queues = [[Int]](repeating: [], count: clusterCount)
            for (j, r) in batch.enumerated() where labels[r] == cls { queues[kmeans.assignments[j]].append(r) }
            for c in queues.indices {
                queues[c].sort { a, b in
                    let ca = max(p[a], 1 - p[a]), cb = max(p[b], 1 - p[b])
                    return ca != cb ? ca > cb : a < b
                }
            }
            var taken = 0, depth = 0, progressed = true
            while taken < quota && progressed {
                progressed = false
                for c in queues.indices where depth < queues[c].count && taken < quota {
                    result.append(queues[c][depth]); taken += 1; progressed = true
                }
                depth += 1
            }
        }
        return result
    }
}
