import ConcordChem
import Testing

@testable import ConcordML

@Suite("Input error codes")
struct InputErrorCodeTests {
    static let matrix = FingerprintMatrix(bitCount: 64, fingerprints: (0..<4).map { BitFingerprint(bitCount: 64, onBits: [$0, $0 + 9]) })

    @Test("a logistic regression's error keeps its code and the message users saw")
    func linear() {
        let error = #expect(throws: LinearModelError.self) { try LogisticRegression.fit(Self.matrix, labels: [0, 1, 3, 0]) }
        #expect(error?.code == .invalidLabel)
        #expect(error?.description == "label 3 at row 2 is not 0 or 1")
    }

    @Test("k-means with more clusters than rows is an invalid option")
    func clustering() async {
        let error = await #expect(throws: ClusteringError.self) { try await KMeans.fit(Self.matrix, options: .init(clusters: 9)) }
        #expect(error?.code == .invalidOption)
        #expect(error?.message.contains("9 clusters for 4 rows") == true)
    }

    @Test("codes, messages and contexts make equality; the code prints its name")
    func equality() {
        let a = MLPError(.bitCountMismatch, "the model takes 64-bit fingerprints, got 32 bits", context: ErrorContext(expected: 64, found: 32))
        #expect(a.context.expected == 64 && a.context.found == 32)
        #expect(a != MLPError(.invalidOption, a.message, context: a.context))
        #expect(a == MLPError(.bitCountMismatch, a.message, context: a.context))
        #expect(InputErrorCode.bitCountMismatch.description == "bit-count mismatch")
        #expect(NeighborSearchError(.invalidOption, "k").code == .invalidOption)
        #expect(FingerprintDatasetError(.lengthMismatch, "2 labels for 4 fingerprints").code == .lengthMismatch)
    }
}
