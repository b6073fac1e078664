import Foundation
import Testing

@testable import ConcordML

@Suite("Model file errors")
struct ModelFileErrorTests {
    @Test("code and context survive; the messages users saw are kept", arguments: [
        (ModelFileError.notAModel, ModelFileError.Code.notAModel, "not a Concord model file"),
        (.truncated, .truncated, "the model file is truncated"),
        (.checksumMismatch, .checksumMismatch, "the model file is corrupt (SHA-256 mismatch)"),
        (.wrongKind(found: "mlp", expected: "knn"), .wrongKind, "the file holds a mlp model, not a knn"),
        (.unsupportedVersion(found: 9, supported: 1), .unsupportedVersion,
         "model file version 9 is newer than this Concord supports (1); upgrade Concord"),
        (.corruptPayload("no trees"), .corruptPayload, "the model file is corrupt: no trees"),
    ])
    func codes(error: ModelFileError, code: ModelFileError.Code, text: String) {
        #expect(error.code == code)
        #expect(error.description == text)
    }

    @Test("found and expected are kept as context")
    func context() {
        #expect(ModelFileError.wrongKind(found: "mlp", expected: "knn").context == .init(found: "mlp", expected: "knn"))
        #expect(ModelFileError.unsupportedVersion(found: 9, supported: 1).context == .init(found: "9", expected: "1"))
    }

    @Test("a header that is not JSON keeps the decoder's error as the cause")
    func decoderCause() throws {
        var payload: [UInt8] = []
        let header = Array("{not json".utf8)
        payload.appendLittleEndian(UInt32(header.count))
        payload.append(contentsOf: header)
        let file = ModelFile.encode(kind: TrainedModel.kind, formatVersion: TrainedModel.formatVersion, payload: payload)
        let error = #expect(throws: ModelFileError.self) { try TrainedModel(decoding: file) }
        #expect(error?.code == .corruptPayload)
        let cause = try #require(error?.cause)
        #expect(cause is DecodingError)
        #expect(error?.message == "the model file is corrupt: model header is not valid JSON")
        #expect(error?.description.contains(String(describing: cause)) == true)
    }
}
