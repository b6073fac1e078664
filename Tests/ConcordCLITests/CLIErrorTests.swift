import ConcordErrors
import Foundation
import Testing

@testable import concord

@Suite("CLI errors")
struct CLIErrorTests {
    struct Underlying: Error, CustomStringConvertible {
        var description: String { "the model file is corrupt: no trees" }
    }

    @Test("file, message and cause survive; the description names all three")
    func survives() {
        let error = CLIError("cannot load the model", file: "m.concord", cause: Underlying())
        #expect(error.message == "cannot load the model")
        #expect(error.file == "m.concord")
        #expect(error.cause is Underlying)
        #expect(error.description == "m.concord: cannot load the model: the model file is corrupt: no trees")
        #expect(CLIError("plain").description == "plain")
    }

    @Test("a Foundation cause is shown by its localized description")
    func foundationCause() {
        let cause = CocoaError(.fileReadNoSuchFile)
        let error = CLIError("cannot read the model file", file: "m.concord", cause: cause)
        #expect(error.description == "m.concord: cannot read the model file: \(cause.localizedDescription)")
    }
}
