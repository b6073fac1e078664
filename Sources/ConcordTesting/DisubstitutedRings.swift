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
        var out: [(String, UInt8)] = []
        for core in cores {
            for x in substituents {
                for y in substituents {
                    let s = core.replacingOccurrences(of: "X", with: x).replacingOccurrences(of: "Y", with: y)
                    out.append((s, x.contains("N") || y.contains("N") ? 1 : 0))
                }
            }
        }
        return out
    }

    /// Three partners' private sets (`alpha`, `beta`, `gamma`: every seventh molecule from offsets
    /// 0, 1, 2) and the public pool (everything else).
    public static func split() -> (partners: [String: [(smiles: String, label: UInt8)]], pool: [String]) {
        var partners: [String: [(smiles: String, label: UInt8)]] = ["alpha": [], "beta": [], "gamma": []]
        var pool: [String] = []
        for (i, m) in molecules.enumerated() {
            switch i % 7 {
            case 0: partners["alpha"]?.append(m)
            case 1: partners["beta"]?.append(m)
            case 2: partners["gamma"]?.append(m)
            default: pool.append(m.smiles)
            }
        }
        return (partners, pool)
    }
}
