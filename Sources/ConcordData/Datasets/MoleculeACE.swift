public import Foundation

/// One row of a MoleculeACE benchmark set.
public struct MoleculeACERecord: Sendable, Hashable {
    /// The molecule.
    public var smiles: String
    /// Mean experimental value in nM (`exp_mean [nM]`).
    public var experimentalNM: Double
    /// `y` as the file gives it: −log10 of the nM value, so pKi (pEC50) = 9 + `y`.
    public var y: Double
    /// Whether the molecule takes part in an activity cliff (`cliff_mol`).
    public var isCliffMolecule: Bool
    /// `true` for the authors' test split, `false` for train.
    public var isTest: Bool
    /// 1-based line in the CSV.
    public var line: Int
}

/// The 30 ChEMBL bioactivity sets of MoleculeACE 3.0.0, read in place from the wheel.
public struct MoleculeACE: Sendable {
    /// The opened wheel.
    public let wheel: WheelArchive
    static let prefix = "MoleculeACE/Data/benchmark_data/"

    /// Opens the MoleculeACE wheel at `url` (see ``WheelFetcher``).
    public init(wheelAt url: URL) throws(DataError) {
        wheel = try WheelArchive(url: url)
    }

    /// The set names, e.g. `CHEMBL214_Ki`, sorted.
    public var setNames: [String] { wheel.memberNames(in: Self.prefix, suffix: ".csv") }

    /// Loads one set by name.
    /// - Throws: ``DataError`` `.notFound` listing the available names when `name` is unknown.
    public func load(_ name: String) throws(DataError) -> [MoleculeACERecord] {
        let table = try self.table(name)
        let path = table.name
        let s = try table.column("smiles"), e = try table.column("exp_mean [nM]"), y = try table.column("y")
        let c = try table.column("cliff_mol"), split = try table.column("split")
        var out: [MoleculeACERecord] = []
        out.reserveCapacity(table.rows.count)
        for (k, row) in table.rows.enumerated() {
            guard let exp = Double(row[e]), let yv = Double(row[y]) else {
                throw DataError(.malformed, "non-numeric exp_mean or y", file: path, line: table.lines[k])
            }
            out.append(MoleculeACERecord(smiles: row[s], experimentalNM: exp, y: yv,
                                         isCliffMolecule: row[c] == "1", isTest: row[split] == "test",
                                         line: table.lines[k]))
        }
        return out
    }
}
