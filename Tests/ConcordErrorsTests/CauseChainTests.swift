import ConcordErrors
import ConcordFederation
import ConcordML
import ConcordNetwork
import Testing

@Suite("Cause chains")
struct CauseChainTests {
    /// A class-based error that can be made its own cause.
    final class Loop: ConcordError, @unchecked Sendable {
        var next: Loop?
        var codeName: String { "loop" }
        var message: String { "again" }
        var cause: (any Error)? { next }
    }

    @Test("the chain runs from the outer error to the root, nearest cause first")
    func chain() {
        let forest = ForestError.emptyTrainingSet
        let federation = FederationError.training("the model could not be fitted", model: "rf", cause: forest)
        let node = NodeError("job j-1", code: .failed, cause: federation)
        #expect(node.underlyingErrors.count == 2)
        #expect(node.underlyingErrors.first is FederationError && node.underlyingErrors.last is ForestError)
        #expect(node.rootCause as? ForestError == forest)
        #expect(node.underlyingError(ofType: ForestError.self) == forest)
        #expect(node.underlyingError(ofType: FederationError.self)?.code == .training)
        #expect(node.underlyingError(ofType: MetricError.self) == nil)
        #expect(causeChain(of: node).count == 3)
        #expect(node.description == "job j-1: training failed: the model could not be fitted (model rf): the training set is empty")
    }

    @Test("an error without a cause is its own root; the walk stops at an error that is not a ConcordError")
    func ends() {
        let leaf = MetricError.empty
        #expect(leaf.underlyingErrors.isEmpty)
        #expect(leaf.rootCause as? MetricError == leaf)
        let refusal = CoordinatorRefusal(.internalError, "reading the job", cause: CancellationError())
        #expect(refusal.rootCause is CancellationError)
        #expect(causeChain(of: CancellationError()).count == 1)
    }

    @Test("a class-based error that is its own cause does not make the walk run forever")
    func loop() {
        let loop = Loop()
        loop.next = loop
        #expect(causeChain(of: loop).count == 64)
        #expect(loop.rootCause is Loop)
        loop.next = nil
    }
}
