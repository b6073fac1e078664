import ConcordChem
public import ConcordFederation
import Foundation

/// A small combinatorial library of drug-like molecules: eight ring templates, each with two of
/// twelve substituents; a molecule is active when its first substituent carries nitrogen.
///
/// Every molecule parses, the labels are learnable from FCFP4 fingerprints, and the library is the
/// same on every run, so federation tests can train real models in seconds.
public enum CombinatorialLibrary {
    /// Ring templates; `{A}` and `{B}` mark the substituents.
    public static let templates = ["{A}c1ccc({B})cc1", "{A}c1ccnc({B})c1", "{A}C1CCC({B})CC1", "{A}c1ccc2cc({B})ccc2c1",
                                   "{A}N1CCN({B})CC1", "{A}c1cc({B})on1", "{A}c1ccc({B})s1", "{A}C(=O)NC{B}"]
    /// The substituents.
    public static let groups = ["C", "CC", "O", "N", "Cl", "F", "C(=O)O", "C1CC1", "OC", "CN", "NC(C)=O", "C(F)(F)F"]
    /// Substituents that are not in ``groups``, for public molecules outside the labelled set.
    public static let extraGroups = ["Br", "I", "S", "C(=O)C", "CCC", "OCC"]

    /// Every template with every pair of substituents (`a` for `{A}`, `b` for `{B}`), template by template.
    public static func smiles(templates: ArraySlice<String>, groups a: [String], _ b: [String]) -> [String] {
        var out: [String] = []
        for t in templates { for x in a { for y in b {
            out.append(t.replacingOccurrences(of: "{A}", with: x).replacingOccurrences(of: "{B}", with: y))
        } } }
        return out
    }

    /// The labelled library with FCFP4 fingerprints; every fifth molecule is marked as a test molecule.
    public static func labelled() async -> LabelledMolecules {
        let all = smiles(templates: templates[...], groups: groups, groups)
        let outcomes = await MoleculeFeaturizer.featurize(all, options: .fcfp4)
        var features = FingerprintMatrix(bitCount: 2048), keys: [MoleculeIdentityKey] = [], labels: [UInt8] = []
        var kept: [String] = [], isTest: [Bool] = []
        for (i, (s, o)) in zip(all, outcomes).enumerated() {
            guard case .success(let r) = o else { continue }
            features.append(r.fingerprint); keys.append(r.key); kept.append(s); isTest.append(i % 5 == 0)
            let first = groups[(i / groups.count) % groups.count]
            labels.append(first.contains("N") ? 1 : 0)
        }
        return LabelledMolecules(ids: kept.indices.map(String.init), features: features, labels: labels, identityKeys: keys,
                                 isTest: isTest, smiles: kept)
    }

    /// The library with a measured value: each substituent and template adds its own amount, so the
    /// value is learnable; labels are the median split of the values.
    public static func labelledWithValues() async -> LabelledMolecules {
        var data = await labelled()
        var values: [Double] = []
        let n = groups.count
        // Rebuild each kept molecule's substituents from its SMILES position in the full library.
        let all = smiles(templates: templates[...], groups: groups, groups)
        let position = Dictionary(all.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        for s in data.smiles {
            let i = position[s] ?? 0
            let a = (i / n) % n, b = i % n, t = i / (n * n)
            values.append(5 + 0.35 * Double(a) - 0.2 * Double(b % 5) + 0.3 * Double(t % 3))
        }
        data.values = values
        data.labels = LabelledMolecules.medianSplit(values)
        return data
    }

    /// Public molecules: other substituent pairs, plus every test molecule of `data` again, one
    /// string that is not SMILES and one duplicate (so that pools are cleaned as real ones must be).
    public static func pool(_ data: LabelledMolecules) -> [String] {
        var pool = smiles(templates: templates[...], groups: extraGroups, groups) + smiles(templates: templates[...], groups: groups, extraGroups)
        for (i, s) in data.smiles.enumerated() where data.isTest?[i] == true { pool.append(s) }
        pool.append("this is not SMILES")
        pool.append(pool[0])
        return pool
    }
}
