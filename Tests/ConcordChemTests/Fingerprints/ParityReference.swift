import Foundation
@testable import ConcordChem

/// One row of the TSV written by `scripts/rdkit_oracle.py`.
struct ParityRow: Sendable {
    var source: String
    var group: Int
    var smiles: String
    var accepted: Bool
    var ecfp4: [Int]
    var fcfp4: [Int]
    /// `nil` when the oracle did not compute counts for the row.
    var ecfp4Counts: [(bit: Int, count: Int)]?
    var canonical: String
    /// Canonical SMILES without stereo (isotopes kept).
    var canonicalNoStereo: String
    /// Canonical SMILES without stereo or isotopes.
    var canonicalFlat: String
    /// RDKit's perceived graph (see the oracle's docstring); empty for rejected rows.
    var graph: String
}

/// Loading of the RDKit parity reference named by `CONCORD_PARITY_REFERENCE`.
enum ParityReference {
    /// Path of the reference TSV, if the environment names one.
    static var path: String? {
        let value = ProcessInfo.processInfo.environment["CONCORD_PARITY_REFERENCE"]
        return value?.isEmpty == false ? value : nil
    }

    /// `true` when `CONCORD_REQUIRE_PARITY=1`: a missing reference is then a failure.
    static var required: Bool {
        ProcessInfo.processInfo.environment["CONCORD_REQUIRE_PARITY"] == "1"
    }

    /// Whether the parity tests should run at all.
    static var shouldRun: Bool { path != nil || required }

    enum LoadError: Error, CustomStringConvertible {
        case missing(String)
        case malformed(line: Int, reason: String)
        var description: String {
            switch self {
            case .missing(let s): "parity reference missing: \(s)"
            case .malformed(let line, let reason): "parity reference line \(line): \(reason)"
            }
        }
    }

    static func load() throws -> [ParityRow] {
        guard let path else {
            throw LoadError.missing("CONCORD_PARITY_REFERENCE is not set (CONCORD_REQUIRE_PARITY=1)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError.missing(path)
        }
        let text = String(decoding: data, as: UTF8.self)
        var rows: [ParityRow] = []
        var header: [String: Int] = [:]
        for (lineNumber, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if lineNumber == 0 {
                for (k, name) in fields.enumerated() { header[name] = k }
                for name in ["source", "smiles", "accepted", "ecfp4", "fcfp4"] where header[name] == nil {
                    throw LoadError.malformed(line: 1, reason: "missing column \(name)")
                }
                continue
            }
            func field(_ name: String) -> String {
                guard let k = header[name], k < fields.count else { return "" }
                return fields[k]
            }
            func bits(_ s: String) -> [Int] { s.split(separator: " ").compactMap { Int($0) } }
            let countsField = field("ecfp4_counts")
            let counts: [(bit: Int, count: Int)]? = countsField.isEmpty ? nil : countsField.split(separator: " ").map {
                let parts = $0.split(separator: ":")
                return (Int(parts[0]) ?? -1, Int(parts[1]) ?? -1)
            }
            rows.append(ParityRow(
                source: field("source"), group: Int(field("group")) ?? -1, smiles: field("smiles"),
                accepted: field("accepted") == "1", ecfp4: bits(field("ecfp4")), fcfp4: bits(field("fcfp4")),
                ecfp4Counts: counts, canonical: field("canonical"),
                canonicalNoStereo: field("canonical_nostereo"), canonicalFlat: field("canonical_flat"), graph: field("graph")))
        }
        return rows
    }

    /// Rebuilds RDKit's perceived molecule from the oracle's `graph` column.
    static func molecule(fromGraph graph: String) -> Molecule? {
        let halves = graph.split(separator: "|", omittingEmptySubsequences: false)
        guard halves.count == 2 else { return nil }
        var atoms: [Atom] = []
        for spec in halves[0].split(separator: ";") {
            let f = spec.split(separator: ",").compactMap { Int($0) }
            guard f.count == 9 else { return nil }
            atoms.append(Atom(
                atomicNumber: UInt8(f[0]), isotope: UInt16(f[1]), formalCharge: Int8(f[2]),
                explicitHydrogens: UInt8(f[3]), implicitHydrogens: UInt8(f[4]), noImplicit: f[5] != 0,
                isAromatic: f[6] != 0, radicalElectrons: UInt8(f[8]), isInRing: f[7] != 0))
        }
        var bonds: [Bond] = []
        for spec in halves[1].split(separator: ";") {
            let f = spec.split(separator: ",").compactMap { Int($0) }
            guard f.count == 5 else { return nil }
            let order: BondOrder = switch f[2] {
            case 1: .single
            case 2: .double
            case 3: .triple
            case 4: .quadruple
            case 12: .aromatic
            case 17: .dative
            default: .zero
            }
            bonds.append(Bond(begin: Int32(f[0]), end: Int32(f[1]), order: order, isAromatic: f[3] != 0, isInRing: f[4] != 0))
        }
        return Molecule(atoms: atoms, bonds: bonds)
    }
}

/// Agreement bookkeeping for one fingerprint kind.
struct ParityTally {
    var name: String
    var compared = 0
    var identical = 0
    var mismatches: [String] = []

    mutating func record(smiles: String, expected: [Int], actual: [Int]) {
        compared += 1
        if expected == actual {
            identical += 1
            return
        }
        if mismatches.count < 20 {
            let e = Set(expected), a = Set(actual)
            let missing = e.subtracting(a).sorted(), extra = a.subtracting(e).sorted()
            mismatches.append("\(name) \(smiles)\n    missing (RDKit only): \(missing)\n    extra (ours only):    \(extra)")
        }
    }

    var rate: Double { compared == 0 ? 1 : Double(identical) / Double(compared) }

    var summary: String {
        "\(name): \(identical)/\(compared) identical (\(String(format: "%.4f", rate * 100))%)"
    }
}
