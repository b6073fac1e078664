/// Order-preserving parallel map over index ranges with structured concurrency.
enum ParallelChunks {
    /// Splits `0 ..< count` into contiguous chunks of about `chunkSize`, runs `body` on them in
    /// at most `maxTasks` concurrent child tasks and concatenates the results in order.
    static func map<T: Sendable>(
        count: Int, chunkSize: Int, maxTasks: Int,
        _ body: @escaping @Sendable (Range<Int>) -> [T]
    ) async -> [T] {
        guard count > 0 else { return [] }
        let chunk = max(1, chunkSize)
        let chunks = (count + chunk - 1) / chunk
        if chunks == 1 || maxTasks <= 1 { return body(0..<count) }
        return await withTaskGroup(of: (Int, [T]).self) { group in
            var parts = [[T]](repeating: [], count: chunks)
            var nextChunk = 0
            func range(_ c: Int) -> Range<Int> { (c * chunk)..<min(count, (c + 1) * chunk) }
            while nextChunk < min(chunks, maxTasks) {
                let c = nextChunk, r = range(c)
                group.addTask { (c, body(r)) }
                nextChunk += 1
            }
            for await (c, values) in group {
                parts[c] = values
                if nextChunk < chunks {
                    let n = nextChunk, r = range(n)
                    group.addTask { (n, body(r)) }
                    nextChunk += 1
                }
            }
            var result: [T] = []
            result.reserveCapacity(count)
            for part in parts { result.append(contentsOf: part) }
            return result
        }
    }
}

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
        await ParallelChunks.map(count: molecules.count, chunkSize: chunkSize, maxTasks: maxTasks) { range in
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
        await ParallelChunks.map(count: smiles.count, chunkSize: chunkSize, maxTasks: maxTasks) { range in
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
        await ParallelChunks.map(count: molecules.count, chunkSize: chunkSize, maxTasks: maxTasks) { range in
            range.map { molecules[$0].identityKey(includeIsotopes: includeIsotopes) }
        }
    }
}
