import ConcordErrors
import Foundation
import Testing

@Suite("Error layouts")
struct ErrorLayoutTests {
    struct Inner: Error, CustomStringConvertible { var description: String { "disk on fire" } }

    static let context = [ErrorContextItem("job", "j-1"), ErrorContextItem("partner", "alpha"), .unprinted("column", "age")]

    @Test("each layout arranges code, message, context and cause", arguments: [
        (ErrorLayout.standard, "bad value (job j-1, partner alpha): disk on fire"),
        (.codeFirst, "invalid data: bad value (job j-1, partner alpha): disk on fire"),
        (.placeFirst, "job j-1, partner alpha: bad value: disk on fire"),
        (.messageOnly, "bad value: disk on fire"),
        (ErrorLayout(context: .omitted, cause: .inParentheses), "bad value (disk on fire)"),
        (ErrorLayout(context: .omitted, cause: .labelled), "bad value (cause: disk on fire)"),
        (ErrorLayout(showsCode: true, cause: .labelledQuoted), "invalid data: bad value (job j-1, partner alpha) (cause: \"disk on fire\")"),
        (ErrorLayout(context: .beforeMessage, cause: .omitted), "job j-1, partner alpha: bad value"),
    ])
    func layouts(layout: ErrorLayout, expected: String) {
        #expect(layout.describe(codeName: "invalid data", message: "bad value", context: Self.context, cause: Inner()) == expected)
    }

    @Test("without a cause, context or message, the description leaves their separators out")
    func emptyParts() {
        #expect(ErrorLayout.standard.describe(codeName: "c", message: "bad value", context: [], cause: nil) == "bad value")
        #expect(ErrorLayout.codeFirst.describe(codeName: "c", message: "bad value", context: [], cause: nil) == "c: bad value")
        #expect(ErrorLayout.messageOnly.describe(codeName: "c", message: "", context: Self.context, cause: Inner()) == "disk on fire")
        #expect(ErrorLayout.placeFirst.describe(codeName: "c", message: "", context: [ErrorContextItem("path", "n.yaml", text: "n.yaml")],
                                                cause: Inner()) == "n.yaml: disk on fire")
        #expect(ErrorLayout.standard.describe(codeName: "c", message: "bad", context: [.unprinted("line", "3")], cause: nil) == "bad")
    }

    @Test("a Foundation cause reads as its localized description, not a dump of its user info")
    func foundationCause() {
        let cause = CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: "/nowhere/x.csv"])
        #expect(readableDescription(of: cause) == cause.localizedDescription)
        #expect(readableDescription(of: Inner()) == "disk on fire")
        let text = ErrorLayout.standard.describe(codeName: "io", message: "cannot read", context: [], cause: cause)
        #expect(text == "cannot read: \(cause.localizedDescription)")
        #expect(!text.contains("UserInfo"))
    }
}
