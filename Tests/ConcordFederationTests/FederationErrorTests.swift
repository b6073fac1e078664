import ConcordChem
import ConcordFederation
import ConcordML
import Testing

@Suite("Federation errors")
struct FederationErrorTests {
    struct Underlying: Error, CustomStringConvertible {
        var description: String { "the forest has no trees" }
    }

    @Test("code, context and cause survive a throw, and the description shows all three")
    func survives() {
        let thrown: FederationError = .training("the model could not be fitted", partner: "P2", model: "rf", cause: Underlying())
        do throws(FederationError) {
            throw thrown
        } catch {
            #expect(error.code == .training)
            #expect(error.message == "the model could not be fitted")
            #expect(error.context == FederationError.Context(partner: "P2", model: "rf"))
            #expect(error.cause is Underlying)
            #expect(error.description == "training failed: the model could not be fitted (partner P2, model rf): the forest has no trees")
        }
    }

    @Test("the factories keep the messages users saw before", arguments: [
        (FederationError.invalidData("too few molecules"), "invalid data: too few molecules"),
        (.invalidSetting("transfer size must be positive"), "invalid setting: transfer size must be positive"),
        (.training("no trees"), "training failed: no trees"),
        (.inconsistentAnnotations("lengths differ"), "inconsistent annotations: lengths differ"),
    ])
    func messages(error: FederationError, text: String) {
        #expect(error.description == text)
        #expect(error.cause == nil)
    }

    @Test("a cause with the same code is merged; equality ignores the cause")
    func merging() {
        let inner = FederationError.invalidSetting("size below 2", field: "studentSize", cause: Underlying())
        let outer = FederationError(code: .invalidSetting, message: "student", context: .init(job: "j1"), cause: inner)
        #expect(outer.message == "student: size below 2")
        #expect(outer.context == FederationError.Context(job: "j1", field: "studentSize"))
        #expect(outer.cause is Underlying)
        #expect(FederationError.training("x", cause: Underlying()) == .training("x"))
        #expect(FederationError.training("x") != .invalidSetting("x"))
    }

    @Test("a model's own error is kept as the cause, not flattened into the message")
    func modelCause() async throws {
        let rows = (0..<4).map { BitFingerprint(bitCount: 64, onBits: [$0, $0 + 8]) }
        let matrix = FingerprintMatrix(bitCount: 64, fingerprints: rows)
        let error = await #expect(throws: FederationError.self) {
            _ = try await ModelSpec.randomForest(ForestOptions(treeCount: 0)).fitClassifier(matrix, labels: [0, 1, 0, 1], seed: 1)
        }
        #expect(error?.code == .training)
        #expect(error?.context.model == "rf")
        let cause = try #require(error?.cause as? ForestError)
        #expect(error?.message.contains(cause.description) == false)
        #expect(error?.description.contains(cause.description) == true)
    }
}
