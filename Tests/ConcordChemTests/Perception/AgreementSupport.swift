// Comparison of ConcordChem perception against an RDKit oracle TSV written by
// scripts/rdkit_atoms_oracle.py. Shared by RDKitAgreementTests and ad-hoc drivers.
#if canImport(ConcordChem)
import ConcordChem
#endif
import Foundation

struct AgreementReport {
    var total = 0
    var agreed = 0
    var acceptedByRDKit = 0
    var rejectedByRDKit = 0
    var rejectionAgreed = 0
    var mismatches: [String] = []

    var rate: Double { total == 0 ? 1 : Double(agreed) / Double(total) }
    var rejectionRate: Double { rejectedByRDKit == 0 ? 1 : Double(rejectionAgreed) / Double(rejectedByRDKit) }
}

/// One molecule as `atoms` / `bonds` strings in the oracle's format.
func describeForOracle(_ m: Molecule) -> (String, String) {
    var atoms: [String] = []
    atoms.reserveCapacity(m.atomCount)
    for (i, a) in m.atoms.enumerated() {
        atoms.append("\(a.atomicNumber),\(a.formalCharge),\(a.totalHydrogens),\(a.explicitHydrogens),\(a.isAromatic ? 1 : 0),\(a.isInRing ? 1 : 0),\(m.totalDegree(of: i))")
    }
    var bonds: [String] = []
    for b in m.bonds {
        bonds.append("\(b.begin),\(b.end),\(b.order.rawValue),\(b.isAromatic ? 1 : 0),\(b.isInRing ? 1 : 0)")
    }
    return (atoms.joined(separator: ";"), bonds.joined(separator: ";"))
}

func compareWithOracle(path: String, maxMismatches: Int = 25) throws -> AgreementReport {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    var report = AgreementReport()
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
        let cols = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard cols.count >= 2 else { continue }
        let smiles = String(cols[0])
        let accepted = cols[1] == "yes"
        report.total += 1
        if accepted { report.acceptedByRDKit += 1 } else { report.rejectedByRDKit += 1 }
        let result: Result<Molecule, ChemError>
        do { result = .success(try SMILES.parse(smiles)) } catch { result = .failure(error) }
        switch (accepted, result) {
        case (false, .failure):
            report.agreed += 1
            report.rejectionAgreed += 1
        case (false, .success):
            if report.mismatches.count < maxMismatches { report.mismatches.append("accepted but RDKit rejects: \(smiles)") }
        case (true, .failure(let e)):
            if report.mismatches.count < maxMismatches { report.mismatches.append("rejected (\(e)) but RDKit accepts: \(smiles)") }
        case (true, .success(let m)):
            let (a, b) = describeForOracle(m)
            let ra = cols.count > 2 ? String(cols[2]) : ""
            let rb = cols.count > 3 ? String(cols[3]) : ""
            if a == ra && b == rb {
                report.agreed += 1
            } else if report.mismatches.count < maxMismatches {
                var detail = ""
                let xa = a.split(separator: ";"), ya = ra.split(separator: ";")
                if xa.count != ya.count { detail += " atoms \(xa.count) vs \(ya.count)" }
                for k in 0..<min(xa.count, ya.count) where xa[k] != ya[k] { detail += " atom\(k): \(xa[k]) vs rdkit \(ya[k])"; break }
                let xb = b.split(separator: ";"), yb = rb.split(separator: ";")
                if xb.count != yb.count { detail += " bonds \(xb.count) vs \(yb.count)" }
                for k in 0..<min(xb.count, yb.count) where xb[k] != yb[k] { detail += " bond\(k): \(xb[k]) vs rdkit \(yb[k])"; break }
                report.mismatches.append("differs: \(smiles) \(detail)")
            }
        }
    }
    return report
}
