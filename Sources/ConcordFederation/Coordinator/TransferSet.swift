public import ConcordChem
import ConcordML

/// The public, unlabelled molecules every partner annotates.
public struct TransferSet: Sendable {
    /// SMILES as in the pool.
    public var smiles: [String]
    /// Model features.
    public var features: FingerprintMatrix
    /// Identity keys (isotopes ignored).
    public var keys: [MoleculeIdentityKey]
    /// Pool molecules examined to build it.
    public var examined: Int
    /// Pool molecules that did not parse.
    public var unparsable: Int
    /// Pool molecules dropped as repeats of an earlier one.
    public var duplicates: Int
    /// Pool molecules dropped because they are test or validation molecules.
    public var removedAsHeldOut: Int

    /// Number of molecules.
    public var count: Int { smiles.count }

    /// Re-reads a transfer set drawn earlier (e.g. after a restart), in the given order.
    /// - Returns: nil when a molecule no longer parses (the set would not be the same).
    public static func restoring(_ smiles: [String], options: MorganOptions, parallelism: Int = defaultParallelism) async -> TransferSet? {
        let outcomes = await MoleculeFeaturizer.featurize(smiles, options: options, parallelism: parallelism)
        var features = FingerprintMatrix(bitCount: options.fpSize, reservingRows: smiles.count)
        var keys: [MoleculeIdentityKey] = []
        keys.reserveCapacity(smiles.count)
        for outcome in outcomes {
            guard case .success(let value) = outcome else { return nil }
            features.append(value.fingerprint)
            keys.append(value.key)
        }
        return TransferSet(smiles: smiles, features: features, keys: keys, examined: smiles.count, unparsable: 0, duplicates: 0, removedAsHeldOut: 0)
    }

    /// Draws `size` distinct molecules from `pool` in a seeded random order, skipping any that do
    /// not parse, repeat an earlier molecule, or whose identity key is in `excluding`.
    ///
    /// Only as many pool molecules as needed are parsed (in parallel batches), so a pool of
    /// millions costs little more than the sample.
    /// - Parameter preferred: the first `preferred` pool molecules are drawn before any other (each part in a seeded random order), for mixtures such as "all ChEMBL molecules, then MOSES".
    /// - Parameter cache: molecules featurised by earlier draws from the same pool (it learns this draw's); the result is the same with or without it.
    public static func sample(pool: [String], size: Int, excluding: Set<MoleculeIdentityKey>, options: MorganOptions,
                              seed: UInt64, preferred: Int = 0, cache: PoolFeatureCache? = nil,
                              parallelism: Int = defaultParallelism) async -> TransferSet {
        let cache = cache.flatMap { $0.fits(pool: pool, options: options) ? $0 : nil }
        var rng = SeededRandom(seed: seed)
        let head = min(max(preferred, 0), pool.count)
        let order = Splits.shuffled(Array(0..<head), &rng) + Splits.shuffled(Array(head..<pool.count), &rng)
        var set = TransferSet(smiles: [], features: FingerprintMatrix(bitCount: options.fpSize, reservingRows: min(size, pool.count)),
                              keys: [], examined: 0, unparsable: 0, duplicates: 0, removedAsHeldOut: 0)
        var seen = Set<MoleculeIdentityKey>()
        var next = 0
        while set.count < size && next < order.count {
            let want = size - set.count
            let batch = Array(order[next..<min(order.count, next + want + want / 16 + 64)])
            next += batch.count
            let smiles = batch.map { pool[$0] }
            var outcomes: [MoleculeFeaturizer.Outcome]
            if let cache {
                let known = cache.lookup(batch)
                let missing = batch.indices.filter { known[$0] == nil }
                let computed = await MoleculeFeaturizer.featurize(missing.map { smiles[$0] }, options: options, parallelism: parallelism)
                cache.store(missing.map { batch[$0] }, computed)
                var fresh = computed.makeIterator()
                outcomes = []
                outcomes.reserveCapacity(batch.count)
                for k in known {
                    if let k { outcomes.append(k) } else if let c = fresh.next() { outcomes.append(c) }
                }
            } else {
                outcomes = await MoleculeFeaturizer.featurize(smiles, options: options, parallelism: parallelism)
            }
            for (s, outcome) in zip(smiles, outcomes) {
                if set.count == size { break }
                set.examined += 1
                guard case .success(let parsed) = outcome else { set.unparsable += 1; continue }
                if excluding.contains(parsed.key) { set.removedAsHeldOut += 1; continue }
                guard seen.insert(parsed.key).inserted else { set.duplicates += 1; continue }
                set.smiles.append(s); set.features.append(parsed.fingerprint); set.keys.append(parsed.key)
            }
        }
        return set
    }
}
