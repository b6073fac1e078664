import ConcordChem
import Testing
@testable import ConcordML

@Suite("Fingerprint datasets")
struct FingerprintDatasetTests {
    static func matrix(rows: Int) -> FingerprintMatrix {
        FingerprintMatrix(bitCount: 64, fingerprints: (0..<rows).map { i in
            var fp = BitFingerprint(bitCount: 64)
            fp.set(i % 64)
            return fp
        })
    }

    @Test("labels and ids that do not match the rows are an error, not a crash", arguments: [
        (Labels.continuous([]), 3), (Labels.binary([1, 0]), 3), (Labels.continuous([1, 2, 3]), 2),
    ])
    func mismatch(labels: Labels, ids: Int) {
        #expect(throws: FingerprintDatasetError.self) {
            try FingerprintDataset(features: Self.matrix(rows: 3), labels: labels, ids: (0..<ids).map(String.init))
        }
    }

    @Test("matching labels and ids make a dataset")
    func matching() throws {
        let data = try FingerprintDataset(features: Self.matrix(rows: 3), labels: .binary([1, 0, 1]), ids: ["a", "b", "c"])
        #expect(data.count == 3)
        #expect(data.labels == .binary([1, 0, 1]))
        do {
            _ = try FingerprintDataset(features: Self.matrix(rows: 3), labels: .continuous([]), ids: ["a", "b", "c"])
        } catch {
            #expect(error.description == "0 labels for 3 fingerprints; a dataset needs one per row")
        }
    }
}
