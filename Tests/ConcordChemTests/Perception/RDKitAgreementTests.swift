import Foundation
import Testing
import ConcordChem

/// Compares perception against an RDKit oracle file (see scripts/rdkit_atoms_oracle.py).
/// Set `CONCORD_ATOMS_REFERENCE=/path/to/file.tsv` to run.
@Suite("RDKit agreement")
struct RDKitAgreementTests {
    static let referencePath = ProcessInfo.processInfo.environment["CONCORD_ATOMS_REFERENCE"]

    @Test("per-atom and per-bond perception matches RDKit",
          .enabled(if: referencePath != nil, "CONCORD_ATOMS_REFERENCE not set"))
    func agreement() throws {
        let path = try #require(Self.referencePath)
        let report = try compareWithOracle(path: path)
        print("RDKit agreement: \(report.agreed)/\(report.total) molecules (\(report.rate * 100)%), "
              + "rejections \(report.rejectionAgreed)/\(report.rejectedByRDKit)")
        for m in report.mismatches { print("  " + m) }
        #expect(report.total > 0)
        #expect(report.rate >= 0.999, "molecule agreement \(report.rate)")
        #expect(report.rejectionRate >= 0.999, "rejection agreement \(report.rejectionRate)")
    }
}
