import ArgumentParser
import ConcordChem
import ConcordData
import ConcordFederation
import ConcordML
import ConcordNetwork
import Foundation

/// Where the consortium's labelled molecules come from: a MoleculeACE set or the user's own file.
struct DatasetOptions: ParsableArguments {
    @Option(help: "A public labelled set, e.g. moleculeace:CHEMBL214_Ki (split from its 'split' column).")
    var dataset: String?

    @Option(help: "Your own labelled file (.csv, .tsv, .smi, .sdf, optionally .gz) instead of --dataset.")
    var data: String?

    @Option(help: "SMILES column of --data.")
    var smilesColumn: String = "smiles"

    @Option(help: "Identifier column of --data (default: row number).")
    var idColumn: String?

    @Option(help: "Label column of --data: 0/1, or a measured value with --active-below or --active-above (with --task regression: the value to regress, e.g. pKi).")
    var labelColumn: String?

    @Option(help: "classification (active/inactive, FLuID) or regression (teachers, consensus and student regress the measured value; MoleculeACE: pKi or pEC50).")
    var task: FederationTask = .classification

    @Option(help: "Column of --data marking the external test set ('test'; anything else is training). Without it a random 20% is the test set.")
    var splitColumn: String?

    @Option(parsing: .unconditional, help: "Active when the value ≤ this: for values where lower is more potent (K_i, IC50 in nM; for MoleculeACE: exp_mean in nM, e.g. 100).")
    var activeBelow: Double?

    @Option(parsing: .unconditional, help: "Active when the value ≥ this: for values where higher is more active (pIC50, pKi, e.g. 6; % inhibition, e.g. 50). Not for MoleculeACE's nM values.")
    var activeAbove: Double?

    @Option(help: "Cache directory for public data (default: $CONCORD_CACHE or ~/.cache/concord).")
    var cache: String?

    func validate() throws {
        switch (dataset, data) {
        case (nil, nil): throw ValidationError("give --dataset moleculeace:NAME or --data FILE")
        case (.some, .some): throw ValidationError("give either --dataset or --data, not both")
        case (.some(let name), nil):
            guard name.hasPrefix("moleculeace:"), name.count > "moleculeace:".count else {
                throw ValidationError("--dataset must look like moleculeace:CHEMBL214_Ki (see 'concord data list')")
            }
            guard activeAbove == nil else {
                throw ValidationError("MoleculeACE's exp_mean is in nM, where lower is more potent: use --active-below (e.g. --active-below 100 for ≤ 100 nM), not --active-above")
            }
            guard activeBelow != nil || task == .regression else {
                throw ValidationError("MoleculeACE activities are continuous (exp_mean in nM): give --active-below, e.g. --active-below 100, or regress them with --task regression")
            }
        case (nil, .some):
            guard labelColumn != nil else { throw ValidationError("--data needs --label-column") }
        }
        do { _ = try threshold() } catch { throw ValidationError(error.message) }
    }

    /// The rule of --active-below/--active-above, `nil` when neither is given.
    func threshold() throws(DataError) -> ActivityThreshold? {
        try ActivityThreshold.from(activeBelow: activeBelow, activeAbove: activeAbove)
    }

    /// How labels are made, for progress output: ", active when exp_mean [nM] ≤ 100" (empty for regression or 0/1 labels).
    var ruleNote: String {
        guard task == .classification, let rule = try? threshold() else { return "" }
        return ", " + rule.describe(valueName: moleculeACESet != nil ? "exp_mean [nM]" : labelColumn ?? "value")
    }

    /// The MoleculeACE set named by --dataset, if any.
    var moleculeACESet: String? { dataset.map { String($0.dropFirst("moleculeace:".count)) } }

    /// The dataset's name for reports.
    var name: String { dataset ?? data.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "?" }
}

/// A labelled set after parsing, with what had to be skipped.
struct LoadedDataset {
    var molecules: LabelledMolecules
    var skipped: [String]
    var seconds: Double
}

enum FederationInput {
    /// Loads and fingerprints the labelled set described by `options`.
    static func load(_ options: DatasetOptions, fingerprint: MorganOptions) async throws -> LoadedDataset {
        if options.task == .regression { return try await loadRegression(options, fingerprint: fingerprint) }
        let clock = ContinuousClock(), start = clock.now
        var ids: [String] = [], labels: [UInt8] = [], isTest: [Bool] = [], smiles: [String] = []
        var parsed: [Result<Molecule, RecordError>] = []
        var skipped: [String] = []
        var hasSplit = true
        let rule = try options.threshold()
        if let name = options.dataset, let threshold = rule {
            let setName = String(name.dropFirst("moleculeace:".count))
            let url = try WheelFetcher(cache: CacheOption.cache(options.cache)).fetch(.moleculeACE).url
            let ace = try MoleculeACE(wheelAt: url)
            guard ace.setNames.contains(setName) else {
                throw CLIError("MoleculeACE has no set '\(setName)'; sets: \(ace.setNames.joined(separator: ", "))")
            }
            let records = try ace.load(setName)
            let results = await Parallel.mapChunks(records, minimumChunk: 64) { chunk in
                chunk.map { r in Result { () throws(RecordError) -> Molecule in
                    try MoleculeRecord(id: "\(r.line)", line: r.line, structure: .smiles(r.smiles)).molecule()
                } }
            }
            for (r, result) in zip(records, results) {
                ids.append("\(setName):\(r.line)"); smiles.append(r.smiles); labels.append(threshold.label(r.experimentalNM))
                isTest.append(r.isTest); parsed.append(result)
            }
        } else if let path = options.data, let labelColumn = options.labelColumn {
            let columns = MoleculeFile.Columns(smiles: options.smilesColumn, id: options.idColumn)
            let records = try MoleculeFile.read(URL(fileURLWithPath: path), columns: columns)
            hasSplit = options.splitColumn != nil
            let raws = try LabelColumn.values(of: records, column: labelColumn, columns: columns, file: path)
            if rule == nil { try LabelColumn.requireClasses(raws, column: labelColumn, file: path) }
            let splits = try options.splitColumn.map { column throws(DataError) in try LabelColumn.values(of: records, column: column, columns: columns, file: path) }
            let results = await Parallel.mapChunks(records, minimumChunk: 64) { chunk in
                chunk.map { r in Result { () throws(RecordError) -> Molecule in try r.molecule() } }
            }
            for (k, (r, result)) in zip(records, results).enumerated() {
                let raw = raws[k]
                let label: UInt8
                switch BinaryLabel(parsing: raw, threshold: rule) {
                case .label(let value): label = value
                case .notANumber: skipped.append("line \(r.line): label '\(raw)' is not a number"); continue
                case .notBinary: skipped.append("line \(r.line): label \(raw) is not 0 or 1 (use --active-below or --active-above to threshold)"); continue
                }
                isTest.append(splits.map { $0[k].trimmingCharacters(in: .whitespaces).lowercased() == "test" } ?? false)
                ids.append(r.id); labels.append(label); parsed.append(result)
                if case .smiles(let s) = r.structure { smiles.append(s) } else { smiles.append("") }
            }
        }
        // Keep the parsed molecules; report the others with their line and position.
        var keep: [Int] = [], molecules: [Molecule] = []
        for (i, result) in parsed.enumerated() {
            switch result {
            case .success(let m): keep.append(i); molecules.append(m)
            case .failure(let e): skipped.append("\(ids[i]): \(e)")
            }
        }
        let features = await MoleculeFeaturizer.featurize(molecules: molecules, options: fingerprint)
        let data = LabelledMolecules(ids: keep.map { ids[$0] }, features: FingerprintMatrix(bitCount: fingerprint.fpSize, fingerprints: features.map(\.fingerprint)),
                                     labels: keep.map { labels[$0] }, identityKeys: features.map(\.key),
                                     isTest: hasSplit ? keep.map { isTest[$0] } : nil, smiles: keep.map { smiles[$0] })
        guard data.count > 0 else { throw CLIError("no usable molecules in \(options.name)") }
        return LoadedDataset(molecules: data, skipped: skipped, seconds: (clock.now - start).seconds)
    }

    /// The public pool: MOSES (the training split, 1.58 M ZINC molecules), the ChEMBL molecules of the other
    /// MoleculeACE sets (`chembl`, unlabelled; the set named by `excludingSet` is left out), a mixture
    /// (`chembl+moses`), or a user's file of SMILES. Held-out molecules are removed later by identity key.
    /// Returns the pool and how many of its leading molecules are drawn first (the ChEMBL part of a mixture).
    static func pool(transfer: String, smilesColumn: String, cache: String?, excludingSet: String? = nil) throws -> (smiles: [String], preferred: Int) {
        try PublicPool.load(transfer, smilesColumn: smilesColumn, cache: CacheOption.cache(cache), excludingSet: excludingSet)
    }

    static func skippedSummary(_ skipped: [String]) -> String? {
        guard !skipped.isEmpty else { return nil }
        var text = "\(skipped.count) molecules skipped:\n"
        for line in skipped.prefix(5) { text += "  \(line)\n" }
        if skipped.count > 5 { text += "  … and \(skipped.count - 5) more\n" }
        return text
    }
}
