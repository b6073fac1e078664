extension MorganGenerator {
    /// Parses (``SMILES/parse(_:)``, which sanitises) and fingerprints one SMILES string;
    /// `nil` when the SMILES is rejected.
    public mutating func fingerprint(smiles: String) -> BitFingerprint? {
        guard let mol = try? SMILES.parse(smiles) else { return nil }
        return fingerprint(mol)
    }

    /// Fingerprints `molecules` across up to `maxTasks` child tasks (one generator per
    /// task), returning results in input order.
    public static func fingerprints(
        _ molecules: [Molecule], options: MorganOptions = .ecfp4,
        maxTasks: Int = defaultParallelism, chunkSize: Int = 512
    ) async -> [BitFingerprint] {
        await Parallel.map(count: molecules.count, chunkSize: chunkSize, maxTasks: maxTasks) { range in
            var generator = MorganGenerator(options: options)
            var out: [BitFingerprint] = []
            out.reserveCapacity(range.count)
            for i in range { out.append(generator.fingerprint(molecules[i])) }
            return out
        }
    }

    /// Parses and fingerprints `smiles` across up to `maxTasks` child tasks, in input order;
    /// `nil` for SMILES the parser rejects.
    public static func fingerprints(
        smiles: [String], options: MorganOptions = .ecfp4,
        maxTasks: Int = defaultParallelism, chunkSize: Int = 512
    ) async -> [BitFingerprint?] {
        await Parallel.map(count: smiles.count, chunkSize: chunkSize, maxTasks: maxTasks) { range in
            var generator = MorganGenerator(options: options)
            var out: [BitFingerprint?] = []
            out.reserveCapacity(range.count)
            for i in range { out.append(generator.fingerprint(smiles: smiles[i])) }
            return out
        }
    }
}

extension Molecule {
    /// Identity keys of many molecules computed across up to `maxTasks` child tasks, in
    /// input order.
    public static func identityKeys(
        _ molecules: [Molecule], includeIsotopes: Bool = true,
        maxTasks: Int = defaultParallelism, chunkSize: Int = 1024
    ) async -> [MoleculeIdentityKey] {
        await Parallel.map(count: molecules.count, chunkSize: chunkSize, maxTasks: maxTasks) { range in
            range.map { molecules[$0].identityKey(includeIsotopes: includeIsotopes) }
        }
    }
}
