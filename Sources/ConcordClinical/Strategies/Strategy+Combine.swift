import ConcordML

extension Strategy {
    /// Combines the kept updates; returns the combined vector and the weight each update got.
    func combine(_ updates: [ClientUpdate], weights: [Double], round: Int) throws(FederatedLearningError) -> ([Double], [Double]) {
        let n = updates.count, dimension = updates[0].parameters.count
        switch aggregation {
        case .weightedMean:
            return (Self.weightedMean(updates.map(\.parameters), weights), weights)
        case .median:
            return (Self.coordinateWise(updates, dimension) { Self.median($0) }, [Double](repeating: 1 / Double(n), count: n))
        case .trimmedMean(let beta):
            let cut = Int((beta * Double(n)).rounded(.down))
            guard n - 2 * cut >= 1 else {
                throw FederatedLearningError(.insufficientUpdates, "the trimmed mean drops every update", context: .init(round: round, expected: 2 * cut + 1, found: n))
            }
            let combined = Self.coordinateWise(updates, dimension) { sorted in
                sorted[cut..<(n - cut)].reduce(0, +) / Double(n - 2 * cut)
            }
            return (combined, [Double](repeating: 1 / Double(n), count: n))
        case .krum(let f, let m):
            guard n >= 2 * f + 3, m <= n else {
                throw FederatedLearningError(.insufficientUpdates, "Krum with f = \(f) and m = \(m) needs at least \(max(2 * f + 3, m)) updates",
                                             context: .init(round: round, expected: max(2 * f + 3, m), found: n))
            }
            let chosen = Self.krumSelection(updates.map(\.parameters), byzantine: f, selected: m)
            var used = [Double](repeating: 0, count: n)
            let total = chosen.reduce(0) { $0 + weights[$1] }
            for i in chosen { used[i] = total > 0 ? weights[i] / total : 1 / Double(m) }
            return (Self.weightedMean(updates.map(\.parameters), used), used)
        }
    }

    /// `Σ w_i v_i`.
    static func weightedMean(_ vectors: [[Double]], _ weights: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: vectors.first?.count ?? 0)
        for (v, w) in zip(vectors, weights) where w != 0 { for k in out.indices { out[k] += w * v[k] } }
        return out
    }

    /// Applies `reduce` to each coordinate's values, sorted ascending.
    static func coordinateWise(_ updates: [ClientUpdate], _ dimension: Int, _ reduce: ([Double]) -> Double) -> [Double] {
        var column = [Double](repeating: 0, count: updates.count)
        return (0..<dimension).map { k in
            for (i, u) in updates.enumerated() { column[i] = u.parameters[k] }
            column.sort()
            return reduce(column)
        }
    }

    /// The median of sorted values (the mean of the middle two for an even count).
    static func median(_ sorted: [Double]) -> Double {
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    /// The indices of the `selected` vectors with the lowest Krum scores (the sum of squared
    /// distances to their `n − f − 2` nearest others), ties broken by index.
    static func krumSelection(_ vectors: [[Double]], byzantine f: Int, selected m: Int) -> [Int] {
        let n = vectors.count, neighbours = n - f - 2
        var distance = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) {
            let d = ParameterVector.squaredDistance(vectors[i], vectors[j])
            distance[i][j] = d; distance[j][i] = d
        } }
        let scores = (0..<n).map { i in
            (0..<n).filter { $0 != i }.map { distance[i][$0] }.sorted().prefix(neighbours).reduce(0, +)
        }
        return (0..<n).sorted { (scores[$0], $0) < (scores[$1], $1) }.prefix(m).sorted()
    }
}
