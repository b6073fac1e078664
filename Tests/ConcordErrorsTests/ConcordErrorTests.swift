import ConcordErrors
import Testing

@Suite("ConcordError defaults")
struct ConcordErrorTests {
    struct Inner: Error, CustomStringConvertible { var description: String { "the forest has no trees" } }

    /// A conforming type that writes only its parts.
    struct Failure: ConcordError, Hashable {
        var codeName: String
        var message: String
        var job: String?
        var cause: (any Error)?
        var contextItems: [ErrorContextItem] { .labelled(["job": job]) }
    }

    struct Leaf: ConcordError {
        var codeName: String { "empty" }
        var message: String { "no rows" }
    }

    @Test("the default description is the standard layout: message (context): cause")
    func description() {
        let error = Failure(codeName: "training", message: "the model could not be fitted", job: "j-1", cause: Inner())
        #expect(error.description == "the model could not be fitted (job j-1): the forest has no trees")
        #expect("\(error)" == error.description)
        #expect(Leaf().description == "no rows")
        #expect(Leaf().cause == nil && Leaf().contextItems.isEmpty)
    }

    @Test("equality and hashing compare code, message and context, not the cause")
    func equality() {
        let a = Failure(codeName: "training", message: "m", job: "j-1", cause: Inner())
        let b = Failure(codeName: "training", message: "m", job: "j-1", cause: nil)
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(a != Failure(codeName: "training", message: "m", job: "j-2"))
        #expect(a != Failure(codeName: "other", message: "m", job: "j-1"))
        #expect(a != Failure(codeName: "training", message: "n", job: "j-1"))
        #expect(Set([a, b]).count == 1)
    }
}
