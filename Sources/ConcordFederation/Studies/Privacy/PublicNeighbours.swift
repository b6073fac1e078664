public import ConcordChem
import ConcordML

/// Each target molecule's nearest public molecules (Tanimoto), the target itself left out.
///
/// An attacker who holds what was released about the public set reads it at the public
/// molecules nearest the target. A public molecule identical to the target (same identity key)
/// is never one of them: the simulation keeps held-out molecules out of the public set, so an
/// exact match would mark a member by construction, not by anything a partner released.
public struct PublicNeighbours: Sendable, Hashable {
    /// Per target: rows of the public set, nearest first (at most `k`).
    public var rows: [[Int]]
    /// Per target: the Tanimoto similarities matching ``rows``.
    public var similarities: [[Double]]

    public init(rows: [[Int]], similarities: [[Double]]) {
        self.rows = rows; self.similarities = similarities
    }

    /// The `k` nearest public molecules of every target.
    /// - Parameters:
    ///   - targetKeys: the targets' identity keys (empty: no molecule is left out).
    ///   - publicKeys: the public molecules' identity keys (empty: no molecule is left out).
    /// - Throws: ``FederationError/invalidData(_:cause:)`` when the fingerprint lengths differ or `k` is not positive.
    public static func find(targets: FingerprintMatrix, targetKeys: [MoleculeIdentityKey], public references: FingerprintMatrix,
                            publicKeys: [MoleculeIdentityKey], k: Int,
                            parallelism: Int = defaultParallelism) async throws(FederationError) -> PublicNeighbours {
        guard k >= 1 else { throw .invalidData("the attack needs at least one public neighbour per target, not \(k)") }
        let exclude = targetKeys.count == targets.rowCount && publicKeys.count == references.rowCount
        let wanted = min(references.rowCount, k + (exclude ? 1 : 0))
        let list: NeighborList
        do {
            list = try await NeighborSearch.kNearest(queries: targets, references: references, k: wanted, metric: .tanimoto,
                                                     parallelism: parallelism)
        } catch { throw .invalidData("cannot search the public molecules nearest the targets", cause: error) }
        var rows: [[Int]] = [], similarities: [[Double]] = []
        rows.reserveCapacity(targets.rowCount); similarities.reserveCapacity(targets.rowCount)
        for q in 0..<targets.rowCount {
            var r: [Int] = [], s: [Double] = []
            for (row, value) in list.neighbors(of: q) where r.count < k {
                if exclude && publicKeys[row] == targetKeys[q] { continue }
                r.append(row); s.append(value)
            }
            rows.append(r); similarities.append(s)
        }
        return PublicNeighbours(rows: rows, similarities: similarities)
    }

    /// The neighbours of `targets` only (positions into this list), in that order.
    public func subset(_ targets: [Int]) -> PublicNeighbours {
        PublicNeighbours(rows: targets.map { rows[$0] }, similarities: targets.map { similarities[$0] })
    }
}
