import ArgumentParser
import ConcordChem
import ConcordData
import ConcordFederation
import ConcordML
import Foundation

extension FederationInput {
    /// Loads a labelled set for regression: every molecule's measured value, and binary labels for
    /// stratifying the consortium plan (by --active-below or --active-above when given — exp_mean in nM
    /// for MoleculeACE — otherwise the upper half of the values at the median).
    ///
    /// MoleculeACE values are pKi (pEC50): 9 + `y`, where `y` is −log10 of the nM value.
    static func loadRegression(_ options: DatasetOptions, fingerprint: MorganOptions) async throws -> LoadedDataset {
        let clock = ContinuousClock(), start = clock.now
        var ids: [String] = [], values: [Double] = [], thresholdLabels: [UInt8] = [], isTest: [Bool] = [], smiles: [String] = []
        var parsed: [Result<Molecule, RecordError>] = []
        var skipped: [String] = []
        var hasSplit = true
        let rule = try options.threshold()
        if let name = options.moleculeACESet {
            let url = try WheelFetcher(cache: CacheOption.cache(options.cache)).fetch(.moleculeACE).url
            let ace = try MoleculeACE(wheelAt: url)
            guard ace.setNames.contains(name) else {
                throw CLIError("MoleculeACE has no set '\(name)'; sets: \(ace.setNames.joined(separator: ", "))")
            }
            let records = try ace.load(name)
            let results = await Parallel.mapChunks(records, minimumChunk: 64) { chunk in
                chunk.map { r in Result { () throws(RecordError) -> Molecule in
                    try MoleculeRecord(id: "\(r.line)", line: r.line, structure: .smiles(r.smiles)).molecule()
                } }
            }
            for (r, result) in zip(records, results) {
                ids.append("\(name):\(r.line)"); smiles.append(r.smiles); values.append(9 + r.y)
                thresholdLabels.append(rule?.label(r.experimentalNM) ?? 0)
                isTest.append(r.isTest); parsed.append(result)
            }
        } else if let path = options.data, let labelColumn = options.labelColumn {
            let columns = MoleculeFile.Columns(smiles: options.smilesColumn, id: options.idColumn)
            let records = try MoleculeFile.read(URL(fileURLWithPath: path), columns: columns)
            hasSplit = options.splitColumn != nil
            let raws = try LabelColumn.values(of: records, column: labelColumn, columns: columns, file: path)
            let splits = try options.splitColumn.map { column throws(DataError) in try LabelColumn.values(of: records, column: column, columns: columns, file: path) }
            let results = await Parallel.mapChunks(records, minimumChunk: 64) { chunk in
                chunk.map { r in Result { () throws(RecordError) -> Molecule in try r.molecule() } }
            }
            for (k, (r, result)) in zip(records, results).enumerated() {
                let raw = raws[k]
                guard let value = Double(raw.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                    skipped.append("line \(r.line): value '\(raw)' is not a number"); continue
                }
                isTest.append(splits.map { $0[k].trimmingCharacters(in: .whitespaces).lowercased() == "test" } ?? false)
                ids.append(r.id); values.append(value); parsed.append(result)
                thresholdLabels.append(rule?.label(value) ?? 0)
                if case .smiles(let s) = r.structure { smiles.append(s) } else { smiles.append("") }
            }
        }
        var keep: [Int] = [], molecules: [Molecule] = []
        for (i, result) in parsed.enumerated() {
            switch result {
            case .success(let m): keep.append(i); molecules.append(m)
            case .failure(let e): skipped.append("\(ids[i]): \(e)")
            }
        }
        let features = await MoleculeFeaturizer.featurize(molecules: molecules, options: fingerprint)
        let kept = keep.map { values[$0] }
        let labels = rule == nil ? LabelledMolecules.medianSplit(kept) : keep.map { thresholdLabels[$0] }
        let data = LabelledMolecules(ids: keep.map { ids[$0] }, features: FingerprintMatrix(bitCount: fingerprint.fpSize, fingerprints: features.map(\.fingerprint)),
                                     labels: labels, identityKeys: features.map(\.key), isTest: hasSplit ? keep.map { isTest[$0] } : nil,
                                     smiles: keep.map { smiles[$0] }, values: kept)
        guard data.count > 0 else { throw CLIError("no usable molecules in \(options.name)") }
        return LoadedDataset(molecules: data, skipped: skipped, seconds: (clock.now - start).seconds)
    }

    /// What the regressed values are called in reports: pKi or pEC50 for MoleculeACE sets, the label column for a file.
    static func valueName(_ options: DatasetOptions) -> String {
        if let set = options.moleculeACESet {
            if set.hasSuffix("_Ki") { return "pKi" }
            if set.hasSuffix("_EC50") { return "pEC50" }
            return "pActivity"
        }
        return options.labelColumn ?? "value"
    }
}
