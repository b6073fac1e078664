import Foundation
import Testing
@testable import ConcordChem

/// The RDKit parity acceptance test: every SMILES of the oracle's reference file goes through
/// `SMILES.parse` (parse + sanitise) and the Morgan generator, and must agree with RDKit.
///
/// Enabled when `CONCORD_PARITY_REFERENCE` names the TSV written by `scripts/rdkit_oracle.py`;
/// with `CONCORD_REQUIRE_PARITY=1` a missing reference is a failure instead of a skip.
@Suite("RDKit parity (SMILES → fingerprints)", .enabled(if: ParityReference.shouldRun))
struct RDKitParityTests {
    /// Minimum share of RDKit-accepted molecules whose fingerprint must be bit-identical.
    static let requiredIdentity = 0.999

    @Test("acceptance, ECFP4, FCFP4 and counts agree with RDKit")
    func smilesParity() throws {
        let rows = try ParityReference.load()
        var acceptAgree = 0
        var acceptMismatches: [String] = []
        var ecfp = ParityTally(name: "ECFP4"), fcfp = ParityTally(name: "FCFP4")
        var counts = ParityTally(name: "ECFP4 counts")
        var perception: [String] = []
        var ecfpGen = MorganGenerator(options: .ecfp4)
        var fcfpGen = MorganGenerator(options: .fcfp4)
        for row in rows {
            let parsed: Molecule?
            var error = ""
            do { parsed = try SMILES.parse(row.smiles) } catch let e {
                parsed = nil
                error = "\(e)"
            }
            if (parsed != nil) == row.accepted {
                acceptAgree += 1
            } else if acceptMismatches.count < 20 {
                acceptMismatches.append("\(row.source) \(row.smiles): RDKit \(row.accepted ? "accepts" : "rejects"), ours \(parsed == nil ? "rejects (\(error))" : "accepts")")
            }
            guard row.accepted else { continue }
            guard let mol = parsed else {
                ecfp.record(smiles: row.smiles, expected: row.ecfp4, actual: [-1])
                fcfp.record(smiles: row.smiles, expected: row.fcfp4, actual: [-1])
                continue
            }
            let e = ecfpGen.fingerprint(mol).onBits
            let f = fcfpGen.fingerprint(mol).onBits
            ecfp.record(smiles: row.smiles, expected: row.ecfp4, actual: e)
            fcfp.record(smiles: row.smiles, expected: row.fcfp4, actual: f)
            if let expected = row.ecfp4Counts {
                let c = ecfpGen.countFingerprint(mol)
                counts.record(
                    smiles: row.smiles, expected: expected.flatMap { [$0.bit, $0.count] },
                    actual: zip(c.keys, c.counts).flatMap { [Int($0), Int($1)] })
            }
            if (e != row.ecfp4 || f != row.fcfp4) && perception.count < 20,
               let reference = ParityReference.molecule(fromGraph: row.graph) {
                perception.append("\(row.smiles)\n" + Self.perceptionDiff(ours: mol, rdkit: reference))
            }
        }
        let acceptRate = Double(acceptAgree) / Double(max(1, rows.count))
        print("[parity] rows \(rows.count); acceptance agrees on \(acceptAgree)/\(rows.count) (\(String(format: "%.4f", acceptRate * 100))%)")
        print("[parity] \(ecfp.summary); \(fcfp.summary); \(counts.summary)")
        for m in acceptMismatches { print("[parity] acceptance: " + m) }
        for m in (ecfp.mismatches + fcfp.mismatches).prefix(20) { print("[parity] " + m) }
        for m in perception { print("[parity] perception differs: " + m) }
        #expect(acceptAgree == rows.count, "acceptance disagrees with RDKit on \(rows.count - acceptAgree) rows")
        #expect(ecfp.rate >= Self.requiredIdentity, "\(ecfp.summary)")
        #expect(fcfp.rate >= Self.requiredIdentity, "\(fcfp.summary)")
        #expect(counts.rate >= Self.requiredIdentity, "\(counts.summary)")
    }

    @Test("identity keys: equal across rewrites, distinct across molecules")
    func identityKeys() throws {
        let rows = try ParityReference.load().filter(\.accepted)
        for source in ["SMILES.parse", "RDKit graph"] {
            var groupKeys: [Int: (MoleculeIdentityKey, String)] = [:]
            var splitGroups: [String] = []
            var rewritesChecked = 0
            var byKey: [MoleculeIdentityKey: String] = [:]
            var byFlatKey: [MoleculeIdentityKey: String] = [:]
            var collisions: [String] = []
            for row in rows {
                let mol: Molecule? = source == "RDKit graph"
                    ? ParityReference.molecule(fromGraph: row.graph)
                    : try? SMILES.parse(row.smiles)
                guard let mol else { continue }
                let key = mol.identityKey
                if row.group >= 0 {
                    if let (first, firstSmiles) = groupKeys[row.group] {
                        rewritesChecked += 1
                        if first != key && splitGroups.count < 20 {
                            splitGroups.append("\(firstSmiles)  vs  \(row.smiles) (\(row.source))")
                        }
                    } else {
                        groupKeys[row.group] = (key, row.smiles)
                    }
                }
                if let other = byKey[key], other != row.canonicalNoStereo, collisions.count < 20 {
                    collisions.append("\(other)  ==  \(row.canonicalNoStereo)")
                }
                byKey[key] = row.canonicalNoStereo
                let flat = mol.identityKeyIgnoringIsotopes
                if let other = byFlatKey[flat], other != row.canonicalFlat, collisions.count < 20 {
                    collisions.append("(ignoring isotopes) \(other)  ==  \(row.canonicalFlat)")
                }
                byFlatKey[flat] = row.canonicalFlat
            }
            let distinctCanonical = Set(rows.map(\.canonicalNoStereo)).count
            print("[parity/identity \(source)] \(rewritesChecked) rewrites checked, \(splitGroups.count) keys differ; \(byKey.count) keys for \(distinctCanonical) distinct stereo-free canonical SMILES; \(collisions.count) collisions")
            for s in splitGroups { print("[parity/identity \(source)] rewrite changed key: " + s) }
            for c in collisions { print("[parity/identity \(source)] collision: " + c) }
            #expect(splitGroups.isEmpty, "\(source): identity key changed across rewrites")
            #expect(collisions.isEmpty, "\(source): identity key collided")
        }
    }

    /// Per-atom and per-bond differences between our perceived molecule and RDKit's.
    static func perceptionDiff(ours: Molecule, rdkit: Molecule) -> String {
        guard ours.atomCount == rdkit.atomCount, ours.bondCount == rdkit.bondCount else {
            return "    atom/bond counts differ: ours \(ours.atomCount)/\(ours.bondCount), RDKit \(rdkit.atomCount)/\(rdkit.bondCount)"
        }
        var lines: [String] = []
        for i in 0..<ours.atomCount {
            let a = ours.atoms[i], b = rdkit.atoms[i]
            let da = "Z\(a.atomicNumber) chg\(a.formalCharge) H\(ours.totalHydrogensIncludingNeighbors(of: i)) arom\(a.isAromatic ? 1 : 0) ring\(a.isInRing ? 1 : 0)"
            let db = "Z\(b.atomicNumber) chg\(b.formalCharge) H\(rdkit.totalHydrogensIncludingNeighbors(of: i)) arom\(b.isAromatic ? 1 : 0) ring\(b.isInRing ? 1 : 0)"
            if da != db { lines.append("    atom \(i): ours \(da); RDKit \(db)") }
        }
        for k in 0..<ours.bondCount {
            let a = ours.bonds[k], b = rdkit.bonds[k]
            if a.begin != b.begin || a.end != b.end || a.order != b.order || a.isInRing != b.isInRing {
                lines.append("    bond \(k): ours \(a.begin)-\(a.end) \(a.order) ring\(a.isInRing); RDKit \(b.begin)-\(b.end) \(b.order) ring\(b.isInRing)")
            }
        }
        return lines.isEmpty ? "    (same atoms and bonds)" : lines.prefix(12).joined(separator: "\n")
    }
}
