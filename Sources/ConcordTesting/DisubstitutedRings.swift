import Foundation

/// Small, deterministic chemistry for coordinator and node tests: para-disubstituted rings; a
/// molecule is active when a substituent carries nitrogen.
public enum DisubstitutedRings {
    /// The substituents.
    public static let substituents = ["C", "O", "N", "Cl", "F", "CC", "OC", "NC", "C(=O)O", "C#N", "CN", "CCO", "S", "Br"]
    /// The cores; `X` and `Y` mark the substituents.
    public static let cores = ["c1ccc(X)cc1Y", "c1cnc(X)cc1Y", "C1CCC(X)CC1Y", "c1cc(X)sc1Y"]

    /// Every core with every pair of substituents, with its label.
    public static var molecules: [(smiles: String, label: UInt8)] {
        every { _, x, y -> UInt8 in x.contains("N") || y.contains("N") ? 1 : 0 }.map { (smiles: $0.0, label: $0.1) }
    }

    /// Every core (by index) with every pair of substituents, in order, with `value` of each.
    static func every<Value>(_ value: (_ core: Int, _ x: String, _ y: String) -> Value) -> [(String, Value)] {
        var out: [(String, Value)] = []
        for (c, core) in cores.enumerated() {
            for x in substituents {
                for y in substituents {
                    out.append((core.replacingOccurrences(of: "X", with: x).replacingOccurrences(of: "Y", with: y), value(c, x, y)))
                }
            }
        }
        return out
    }

    /// Three partners' private sets (`alpha`, `beta`, `gamma`: every seventh molecule from offsets
    /// 0, 1, 2) and the public pool (everything else).
    public static func split() -> (partners: [String: [(smiles: String, label: UInt8)]], pool: [String]) {
        deal(molecules) { $0.smiles }
    }

    /// Every seventh item from offsets 0, 1, 2 to `alpha`, `beta`, `gamma`; the others' SMILES to the pool.
    static func deal<Item>(_ items: [Item], smiles: (Item) -> String) -> (partners: [String: [Item]], pool: [String]) {
        var partners: [String: [Item]] = ["alpha": [], "beta": [], "gamma": []]
        var pool: [String] = []
        for (i, m) in items.enumerated() {
            switch i % 7 {
            case 0: partners["alpha"]?.append(m)
            case 1: partners["beta"]?.append(m)
            case 2: partners["gamma"]?.append(m)
            default: pool.append(smiles(m))
            }
        }
        return (partners, pool)
    }

    // MARK: Regression

    /// Each substituent's contribution to the measured value (nitrogen raises it, halogens lower it a little).
    static let contributions: [String: Double] = [
        "C": 0.1, "O": 0.3, "N": 1.2, "Cl": -0.4, "F": -0.2, "CC": 0.2, "OC": 0.4, "NC": 1.0, "C(=O)O": 0.6, "C#N": 0.8,
        "CN": 0.9, "CCO": 0.5, "S": -0.1, "Br": -0.5,
    ]

    /// Every core with every pair of substituents, with a measured value (a pKi-like number from
    /// 4 to about 9: 5 plus the core's offset plus both substituents' contributions), in the order of ``molecules``.
    public static var measured: [(smiles: String, value: Double)] {
        every { c, x, y in 5 + 0.5 * Double(c) + (contributions[x] ?? 0) + (contributions[y] ?? 0) }.map { (smiles: $0.0, value: $0.1) }
    }

    /// ``split()`` with measured values: the same three partners' molecules (every seventh from
    /// offsets 0, 1, 2) with their values, and the same public pool.
    public static func regressionSplit() -> (partners: [String: [(smiles: String, value: Double)]], pool: [String]) {
        deal(measured) { $0.smiles }
    }
}
