import ConcordChem
import Testing

@testable import ConcordML

@Suite("Forest errors")
struct ForestErrorTests {
    @Test("code and context survive a throw; the message is the one users saw")
    func survives() async {
        let matrix = FingerprintMatrix(bitCount: 64, fingerprints: (0..<3).map { BitFingerprint(bitCount: 64, onBits: [$0]) })
        let error = await #expect(throws: ForestError.self) { try await RandomForestClassifier.fit(matrix, labels: [0, 1]) }
        #expect(error?.code == .labelCountMismatch)
        #expect(error?.context == ErrorContext(expected: 3, found: 2))
        #expect(error?.description == "the training set has 3 fingerprints but 2 labels")
        #expect(ForestError.invalidOption("treeCount must be at least 1, not 0").code == .invalidOption)
        #expect(ForestError.bitCountMismatch(model: 256, input: 64).context == ErrorContext(expected: 256, found: 64))
    }
}
