public import ConcordChem
import ConcordML

/// A labelled molecule set ready for a federation: fingerprints, binary labels, identity keys
/// and (optionally) which molecules form the external test set.
///
/// Built once from SMILES by ``MoleculeFeaturizer``; every later step works on row indices.
public struct LabelledMolecules: Sendable {
    /// Row identifiers (the input's id column, or the line number).
    public var ids: [String]
    /// The model features of each row.
    public var features: FingerprintMatrix
    /// 1 = active, 0 = inactive.
    public var labels: [UInt8]
    /// Identity keys (isotopes ignored, stereochemistry never included), for keeping held-out molecules out of public data.
    public var identityKeys: [MoleculeIdentityKey]
    /// `true` for rows of the external test set; `nil` when the input has no split.
    public var isTest: [Bool]?
    /// The SMILES of each row (kept for the feature-dictionary domain study and the report).
    public var smiles: [String]
    /// The measured value of each row for regression (e.g. pKi); `nil` for a classification set.
    /// ``labels`` still hold a binary split of the values (for stratification and the consortium plan).
    public var values: [Double]?

    public init(ids: [String], features: FingerprintMatrix, labels: [UInt8], identityKeys: [MoleculeIdentityKey],
                isTest: [Bool]?, smiles: [String], values: [Double]? = nil) {
        self.ids = ids; self.features = features; self.labels = labels; self.identityKeys = identityKeys
        self.isTest = isTest; self.smiles = smiles; self.values = values
    }

    /// Number of rows.
    public var count: Int { labels.count }

    /// Number of actives among `rows`.
    public func actives(_ rows: [Int]) -> Int { rows.reduce(0) { $0 + Int(labels[$1]) } }
}

/// Parses and fingerprints molecules on all cores, with identity keys, keeping input order.
public enum MoleculeFeaturizer {
    /// One parsed molecule: its fingerprint and identity key, or the parser's error.
    public typealias Outcome = Result<(fingerprint: BitFingerprint, key: MoleculeIdentityKey), ChemError>

    /// Parses every SMILES, computes its fingerprint with `options` and its identity key (isotopes ignored).
    public static func featurize(_ smiles: [String], options: MorganOptions,
                                 parallelism: Int = defaultParallelism) async -> [Outcome] {
        await Parallel.mapChunks(smiles, parallelism: parallelism, minimumChunk: 64) { chunk -> [Outcome] in
            var generator = MorganGenerator(options: options)
            return chunk.map { s -> Outcome in
                do throws(ChemError) {
                    let molecule = try SMILES.parse(s)
                    return .success((generator.fingerprint(molecule), molecule.identityKeyIgnoringIsotopes))
                } catch {
                    return .failure(error)
                }
            }
        }
    }

    /// Fingerprints and identity keys of already parsed molecules, in input order.
    public static func featurize(molecules: [Molecule], options: MorganOptions,
                                 parallelism: Int = defaultParallelism) async -> [(fingerprint: BitFingerprint, key: MoleculeIdentityKey)] {
        await Parallel.mapChunks(molecules, parallelism: parallelism, minimumChunk: 64) { chunk in
            var generator = MorganGenerator(options: options)
            return chunk.map { (generator.fingerprint($0), $0.identityKeyIgnoringIsotopes) }
        }
    }
}
