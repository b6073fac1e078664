public import ConcordChem
import Synchronization

/// Featurised pool molecules kept between seeds, so a multi-seed run or study parses each
/// public molecule once.
///
/// A cache belongs to one pool (the same array, in the same order) and one fingerprint
/// definition; ``TransferSet/sample(pool:size:excluding:options:seed:preferred:cache:parallelism:)``
/// ignores a cache made for other options or for a pool of another size. Parse failures are
/// kept too, so a bad SMILES is counted the same way in every seed.
public final class PoolFeatureCache: Sendable {
    /// The fingerprint definition the entries were computed with.
    public let options: MorganOptions
    /// The size of the pool the entries index into.
    public let poolCount: Int
    private let entries: Mutex<[Int: MoleculeFeaturizer.Outcome]>

    /// Creates an empty cache for `pool` featurised with `options`.
    public convenience init(pool: [String], options: MorganOptions) {
        self.init(poolCount: pool.count, options: options)
    }

    /// Creates an empty cache for a pool of `poolCount` molecules featurised with `options`.
    public init(poolCount: Int, options: MorganOptions) {
        self.options = options
        self.poolCount = poolCount
        entries = Mutex([:])
    }

    /// Molecules held.
    public var count: Int { entries.withLock { $0.count } }

    /// Whether the cache may serve a draw from `pool` with `options`.
    func fits(pool: [String], options: MorganOptions) -> Bool { pool.count == poolCount && options == self.options }

    /// The outcomes for `indices` (nil where not yet computed).
    func lookup(_ indices: [Int]) -> [MoleculeFeaturizer.Outcome?] {
        entries.withLock { table in indices.map { table[$0] } }
    }

    /// Stores outcomes for pool indices.
    func store(_ indices: [Int], _ outcomes: [MoleculeFeaturizer.Outcome]) {
        entries.withLock { table in for (i, o) in zip(indices, outcomes) { table[i] = o } }
    }
}
