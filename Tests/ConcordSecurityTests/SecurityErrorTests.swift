import ConcordTesting
import Foundation
import Testing

@testable import ConcordSecurity

@Suite("Security errors")
struct SecurityErrorTests {
    @Test("code and context survive; equality compares them, not only the message")
    func codeAndContext() {
        let error = SecurityError.fingerprintMismatch(party: "alice", presented: "ab12", enrolled: "cd34")
        #expect(error.code == .fingerprintMismatch)
        #expect(error.context == SecurityError.Context(party: "alice", presented: "ab12", expected: "cd34"))
        #expect(error.description.contains("SHA-256 ab12"))
        #expect(error.cause == nil)
        #expect(error == .fingerprintMismatch(party: "alice", presented: "ab12", enrolled: "cd34"))
        #expect(error != .notEnrolled(party: "alice"))
    }

    @Test("a malformed file keeps the parser's error as its cause, and names the file")
    func malformedCause() throws {
        let temporary = try TemporaryDirectory(prefix: "concord-security-error")
        defer { temporary.cleanUp() }
        let url = temporary.url.appending(path: "broken.crt")
        try "not a certificate\n".write(to: url, atomically: true, encoding: .utf8)
        let error = #expect(throws: SecurityError.self) { try loadCertificate(at: url) }
        #expect(error?.code == .malformedFile)
        #expect(error?.context.path == url.path(percentEncoded: false))
        let cause = try #require(error?.cause)
        #expect(error?.message.contains(String(describing: cause)) == false, "the cause is not flattened into the message")
        #expect(error?.description.contains(String(describing: cause)) == true, "people still see it")
        #expect(error?.description.hasPrefix("\(url.path(percentEncoded: false)): not a valid PEM certificate") == true)
    }

    @Test("a parse failure of a peer's DER certificate keeps its cause")
    func derCause() {
        let error = #expect(throws: SecurityError.self) { try PartyIdentity(derEncoded: [0x30, 0x03, 0x02]) }
        #expect(error?.code == .malformedFile)
        #expect(error?.context.path == "<peer certificate>")
        #expect(error?.cause != nil)
    }
}
