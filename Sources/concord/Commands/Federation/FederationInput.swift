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
    var task: ModelTask = .classification

    @Option(help: "Column of --data marking the external test set ('test'; anything else is training). Without it a random 20% is the test set.")
    var splitColumn: String?

    @Option(parsing: .unconditional, help: "Active when the value ≤ this: for values where lower is more potent (K_i, IC50 in nM; for MoleculeACE: exp_mean in nM, e.g. 100).")
    var activeBelow: Double?

    @Option(parsing: .unconditional, help: "Active when the value ≥ this: for values where higher is more active (pIC50, pKi, e.g. 6; % inhibition, e.g. 50). Not for MoleculeACE's nM values.")
    var activeAbove: Double?

    @Option(help: "Cache directory for public data (default: $CONCORD_CACHE or ~/.cache/concord).")
    var cache: String?

    @Option(help: "A clinical benchmark instead of a molecule set (consortium init only): heart-disease, FLamby's four hospitals, each given its own export, its mapping and the common schema.")
    var benchmark: String?

    func validate() throws {
        if benchmark != nil {
            guard dataset == nil, data == nil else { throw ValidationError("--benchmark replaces --dataset and --data; give one") }
            return
        }
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
    /// Loads and fingerprints the labelled set described by `options`, for its task.
    ///
    /// For regression every molecule keeps its measured value, and binary labels stratify the
    /// consortium plan (by --active-below or --active-above when given — exp_mean in nM for
    /// MoleculeACE — otherwise the upper half of the values at the median). MoleculeACE values are
    /// pKi (pEC50): 9 + `y`, where `y` is −log10 of the nM value.
    static func load(_ options: DatasetOptions, fingerprint: MorganOptions) async throws -> LoadedDataset {
        if let benchmark = options.benchmark {
            throw CLIError("--benchmark \(benchmark) is a clinical benchmark: simulate it with 'concord clinical simulate --benchmark \(benchmark)', or set up its consortium with 'concord consortium init --benchmark \(benchmark)'")
        }
        let clock = ContinuousClock(), start = clock.now
        let rule = try options.threshold()
        let labels: LabelledSet.Labels = options.task == .regression ? .values : .classes
        var set = LabelledSet()
        if let name = options.moleculeACESet {
            let source = LabelledSet.Source.moleculeACE(set: name, cache: CacheOption.cache(options.cache))
            do { set = try await LabelledSet.load(source, labels: labels, threshold: rule) } catch { throw refusal(error) }
        } else if let path = options.data, let labelColumn = options.labelColumn {
            let columns = MoleculeFile.Columns(smiles: options.smilesColumn, id: options.idColumn)
            set = try await LabelledSet.load(.file(path: path, columns: columns, labelColumn: labelColumn, splitColumn: options.splitColumn),
                                             labels: labels, threshold: rule)
        }
        // Keep the parsed molecules; report the others with their line and position.
        var skipped = set.skipped
        var keep: [Int] = [], molecules: [Molecule] = []
        for (i, result) in set.molecules.enumerated() {
            switch result {
            case .success(let m): keep.append(i); molecules.append(m)
            case .failure(let e): skipped.append("\(set.ids[i]): \(e)")
            }
        }
        let features = await MoleculeFeaturizer.featurize(molecules: molecules, options: fingerprint)
        let values = set.values.map { all in keep.map { all[$0] } }
        let classes = values != nil && rule == nil ? LabelledMolecules.medianSplit(values ?? []) : keep.map { set.classes[$0] }
        let data = LabelledMolecules(ids: keep.map { set.ids[$0] }, features: FingerprintMatrix(bitCount: fingerprint.fpSize, fingerprints: features.map(\.fingerprint)),
                                     labels: classes, identityKeys: features.map(\.key),
                                     isTest: set.isTest.map { isTest in keep.map { isTest[$0] } }, smiles: keep.map { set.smiles[$0] }, values: values)
        guard data.count > 0 else { throw CLIError("no usable molecules in \(options.name)") }
        return LoadedDataset(molecules: data, skipped: skipped, seconds: (clock.now - start).seconds)
    }

    /// An unknown MoleculeACE set as a command error (its message alone); any other error as it is.
    static func refusal(_ error: any Error) -> any Error {
        guard let data = error as? DataError, data.code == .notFound, data.message.hasPrefix("MoleculeACE has no set") else { return error }
        return CLIError(data.message)
    }

    /// The public pool: MOSES (the training split, 1.58 M ZINC molecules), the ChEMBL molecules of the other
    /// MoleculeACE sets (`chembl`, unlabelled; the set named by `excludingSet` is left out), a mixture
    /// (`chembl+moses`), or a user's file of SMILES. Held-out molecules are removed later by identity key.
    /// Returns the pool and how many of its leading molecules are drawn first (the ChEMBL part of a mixture).
    static func pool(transfer: String, smilesColumn: String, cache: String?, excludingSet: String? = nil) throws -> (smiles: [String], preferred: Int) {
        try PublicPool.load(transfer, smilesColumn: smilesColumn, cache: CacheOption.cache(cache), excludingSet: excludingSet)
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

    static func skippedSummary(_ skipped: [String]) -> String? {
        guard !skipped.isEmpty else { return nil }
        var text = "\(skipped.count) molecules skipped:\n"
        for line in skipped.prefix(5) { text += "  \(line)\n" }
        if skipped.count > 5 { text += "  … and \(skipped.count - 5) more\n" }
        return text
    }
}
