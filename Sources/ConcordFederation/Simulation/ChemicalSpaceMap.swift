public import ConcordChem
import ConcordML

/// A 2-D map of fingerprints by principal component analysis (power iteration on the centred bits).
public enum ChemicalSpaceMap {
    /// The first two principal-component coordinates of each row of `x`, seeded.
    ///
    /// - Complexity: O(iterations · (on-bits + rows + bits)); no dense covariance is formed.
    public static func project(_ x: FingerprintMatrix, iterations: Int = 60, seed: UInt64 = 0) -> [(x: Double, y: Double)] {
        let n = x.rowCount, d = x.bitCount
        guard n > 0 else { return [] }
        let onBits: [[Int]] = (0..<n).map { x[$0].onBits }
        var mean = [Double](repeating: 0, count: d)
        for bits in onBits { for b in bits { mean[b] += 1 } }
        for j in 0..<d { mean[j] /= Double(n) }
        var rng = SeededRandom(seed: seed)
        var components: [[Double]] = []
        var scores: [[Double]] = []
        for _ in 0..<2 {
            var v = (0..<d).map { _ in rng.nextUnit() - 0.5 }
            var projected = [Double](repeating: 0, count: n)
            for _ in 0..<iterations {
                for c in components {  // Gram–Schmidt against earlier components
                    let dot = zip(v, c).reduce(0) { $0 + $1.0 * $1.1 }
                    for j in 0..<d { v[j] -= dot * c[j] }
                }
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 0 else { break }
                for j in 0..<d { v[j] /= norm }
                // t = (X − 1μᵀ) v ; v ← (X − 1μᵀ)ᵀ t
                let muV = zip(mean, v).reduce(0) { $0 + $1.0 * $1.1 }
                for i in 0..<n { projected[i] = onBits[i].reduce(0) { $0 + v[$1] } - muV }
                var next = [Double](repeating: 0, count: d)
                var tSum = 0.0
                for i in 0..<n { tSum += projected[i]; for b in onBits[i] { next[b] += projected[i] } }
                for j in 0..<d { next[j] -= mean[j] * tSum }
                v = next
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm > 0 { for j in 0..<d { v[j] /= norm } }
            let muV = zip(mean, v).reduce(0) { $0 + $1.0 * $1.1 }
            for i in 0..<n { projected[i] = onBits[i].reduce(0) { $0 + v[$1] } - muV }
            components.append(v)
            scores.append(projected)
        }
        return (0..<n).map { (scores[0][$0], scores[1][$0]) }
    }
}
