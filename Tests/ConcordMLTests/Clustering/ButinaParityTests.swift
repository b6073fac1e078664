import ConcordChem
import Foundation
import Testing
@testable import ConcordML

/// The reference written by `scripts/rdkit_butina_oracle.py --out FILE`, named by
/// `CONCORD_RDKIT_BUTINA_REFERENCE`; `CONCORD_REQUIRE_PARITY=1` makes its absence a failure.
enum ButinaReference {
    static var path: String? {
        let v = ProcessInfo.processInfo.environment["CONCORD_RDKIT_BUTINA_REFERENCE"]
        return v?.isEmpty == false ? v : nil
    }
    static var shouldRun: Bool { path != nil || ProcessInfo.processInfo.environment["CONCORD_REQUIRE_PARITY"] == "1" }
}

@Suite("RDKit Butina parity", .enabled(if: ButinaReference.shouldRun))
struct ButinaParityTests {
    @Test("clusters, centroids and member order equal RDKit's at several thresholds")
    func parity() async throws {
        guard let path = ButinaReference.path else {
            Issue.record("CONCORD_RDKIT_BUTINA_REFERENCE is not set (CONCORD_REQUIRE_PARITY=1); run scripts/rdkit_butina_oracle.py --out FILE")
            return
        }
        let data = try #require(FileManager.default.contents(atPath: path))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let bits = try #require(json["bits"] as? Int)
        let rows = try #require(json["rows"] as? [[Int]])
        let m = FingerprintMatrix(bitCount: bits, fingerprints: rows.map { BitFingerprint(bitCount: bits, onBits: $0) })
        let clusterings = try #require(json["clusterings"] as? [[String: Any]])
        #expect(clusterings.count == 4)
        for c in clusterings {
            let threshold = try #require(c["threshold"] as? Double)
            let expected = try #require(c["clusters"] as? [[Int]])
            let got = try await Butina.cluster(m, distanceThreshold: threshold)
            #expect(got == expected, "threshold \(threshold): \(got.count) clusters, RDKit \(expected.count)")
        }
    }
}
