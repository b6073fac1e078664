import Foundation
import Testing
import ConcordChem

/// Compares perception against an RDKit oracle file (see scripts/rdkit_atoms_oracle.py).
/// Set `CONCORD_ATOMS_REFERENCE=/path/to/file.tsv` to run.
@Suite("RDKit agreement")
struct RDKitAgreementTests {
    static let referencePath = ProcessInfo.processInfo.environment["CONCORD_ATOMS_REFERENCE"]
    /// `CONCORD_REQUIRE_PARITY=1` (set by scripts/test) turns a missing reference into a failure.
    static let required = ProcessInfo.processInfo.environment["CONCORD_REQUIRE_PARITY"] == "1"

    @Test("per-atom and per-bond perception matches RDKit",
          .enabled(if: referencePath != nil || required, "CONCORD_ATOMS_REFERENCE not set"))
    func agreement() throws {
        let path = try #require(Self.referencePath, "CONCORD_ATOMS_REFERENCE is not set (CONCORD_REQUIRE_PARITY=1)")
        let report = try compareWithOracle(path: path)
        print("RDKit agreement: \(report.agreed)/\(report.total) molecules (\(report.rate * 100)%), "
              + "rejections \(report.rejectionAgreed)/\(report.rejectedByRDKit)")
        for m in report.mismatches { print("  " + m) }
        #expect(report.total > 0)
        #expect(report.rate >= 0.999, "molecule agreement \(report.rate)")
        #expect(report.rejectionRate >= 0.999, "rejection agreement \(report.rejectionRate)")
    }
}
