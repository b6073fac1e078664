public import Foundation

/// Public, unlabelled molecules a simulation or a coordinator draws a transfer set from.
public enum PublicPool {
    /// Loads a pool: `moses` (MOSES's training split, 1.58 M ZINC molecules), `chembl` (the ChEMBL
    /// molecules of the MoleculeACE sets, unlabelled; `excludingSet` is left out), a mixture
    /// (`chembl+moses`, ChEMBL first), or a file of SMILES (.smi, .csv with `smilesColumn`, …).
    /// A relative file path is read against `base` (default: the working directory).
    /// - Returns: the SMILES and how many leading ones are drawn before the rest.
    public static func load(_ source: String, smilesColumn: String = "smiles", cache: DataCache = .standard(),
                            excludingSet: String? = nil, relativeTo base: URL? = nil) throws -> (smiles: [String], preferred: Int) {
        let sources = source.split(separator: "+").map(String.init)
        if !sources.isEmpty, sources.allSatisfy({ $0 == "moses" || $0 == "chembl" }) {
            var pool: [String] = []
            var preferred = 0
            let fetcher = WheelFetcher(cache: cache)
            if sources.contains("chembl") {
                let ace = try MoleculeACE(wheelAt: try fetcher.fetch(.moleculeACE).url)
                for name in ace.setNames where name != excludingSet { pool += try ace.load(name).map(\.smiles) }
                preferred = sources.count > 1 ? pool.count : 0
            }
            if sources.contains("moses") { pool += try MOSES(wheelAt: try fetcher.fetch(.moses).url).smiles(.train) }
            return (pool, preferred)
        }
        let url = base.map { resolve(source, against: $0) } ?? URL(fileURLWithPath: source)
        let records = try MoleculeFile.read(url, columns: .init(smiles: smilesColumn, id: nil))
        return (records.compactMap { if case .smiles(let s) = $0.structure { s } else { nil } }, 0)
    }

    /// `path` with `~` expanded, read against `base` unless it is absolute.
    static func resolve(_ path: String, against base: URL) -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        return expanded.hasPrefix("/") ? URL(fileURLWithPath: expanded) : base.appendingPathComponent(expanded)
    }
}
