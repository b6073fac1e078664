import Foundation
import ConcordChem
import Testing
@testable import ConcordML

@Suite("Trained model files")
struct TrainedModelTests {
    /// A bundle whose header is `json` exactly, around an arbitrary inner file.
    static func bundle(header json: String) -> Data {
        var payload: [UInt8] = []
        let bytes = Array(json.utf8)
        payload.appendLittleEndian(UInt32(bytes.count))
        payload += bytes
        payload += Array(LogisticRegression(coefficients: [0.5, -0.5], intercept: 0).encoded())
        return ModelFile.encode(kind: TrainedModel.kind, formatVersion: TrainedModel.formatVersion, payload: payload)
    }

    static func header(radius: Int = 2, bits: Int = 2048, thresholds: String = "") -> String {
        """
        {"featurizer":{"radius":\(radius),"bits":\(bits),"features":true},"task":"classification","labelColumn":"pIC50",\
        \(thresholds)"modelKind":"logistic-regression","trainingRows":10,"seed":0}
        """
    }

    @Test("an active-above rule survives the round trip")
    func activeAbove() throws {
        let header = TrainedModel.Header(featurizer: .fcfp4, task: .classification, labelColumn: "pIC50", activeBelow: nil,
                                         activeAbove: 6, modelKind: LogisticRegression.modelKind, trainingRows: 10, seed: 1)
        let decoded = try TrainedModel(decoding: TrainedModel(header: header, inner: Data([1, 2, 3])).encoded())
        #expect(decoded.header == header)
        #expect(decoded.header.activeAbove == 6 && decoded.header.activeBelow == nil)
    }

    @Test("a header written before active-above existed still reads")
    func olderHeader() throws {
        let decoded = try TrainedModel(decoding: Self.bundle(header: Self.header(thresholds: "\"activeBelow\":100,")))
        #expect(decoded.header.activeBelow == 100 && decoded.header.activeAbove == nil)
    }

    @Test("a header naming an impossible fingerprint or two thresholds is refused, not trusted", arguments: [
        header(radius: -1), header(radius: 11), header(bits: 0), header(bits: -64), header(bits: 1 << 21),
        header(thresholds: "\"activeBelow\":100,\"activeAbove\":6,"),
    ])
    func refused(json: String) {
        #expect(throws: ModelFileError.self) { try TrainedModel(decoding: Self.bundle(header: json)) }
    }
}

@Suite("Trained model scorers")
struct TrainedModelScorerTests {
    static func header(bits: Int, kind: String = LogisticRegression.modelKind) -> TrainedModel.Header {
        TrainedModel.Header(featurizer: FeaturizerSpec(radius: 2, bits: bits, features: true), task: .classification, labelColumn: "y",
                            activeBelow: nil, modelKind: kind, trainingRows: 2, seed: 0)
    }

    @Test("the inner model scores fingerprints of the header's length")
    func scores() async throws {
        let model = LogisticRegression(coefficients: [Double](repeating: 0, count: 63) + [2], intercept: -1)
        let scorer = try TrainedModel(header: Self.header(bits: 64), inner: model.encoded()).scorer()
        #expect(scorer.inputBits == 64)
        var on = BitFingerprint(bitCount: 64)
        on.set(63)
        let p = await scorer(FingerprintMatrix(bitCount: 64, fingerprints: [on, BitFingerprint(bitCount: 64)]))
        #expect(p == (await model.predictProbability(FingerprintMatrix(bitCount: 64, fingerprints: [on, BitFingerprint(bitCount: 64)]))))
        #expect(p[0] > 0.7 && p[1] < 0.3)
    }

    @Test("a bundle whose inner model takes another fingerprint length, or of an unknown kind, is refused")
    func refused() {
        let model = LogisticRegression(coefficients: [1, -1], intercept: 0).encoded()
        #expect(throws: ModelFileError.self) { try TrainedModel(header: Self.header(bits: 2048), inner: model).scorer() }
        #expect(throws: ModelFileError.self) { try TrainedModel(header: Self.header(bits: 2, kind: "boosted-trees"), inner: model).scorer() }
        #expect(throws: ModelFileError.self) { try TrainedModel(header: Self.header(bits: 2, kind: MLP.modelKind), inner: model).scorer() }
    }
}
