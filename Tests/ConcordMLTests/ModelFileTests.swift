import Foundation
import Testing
@testable import ConcordML

@Suite("Model file container")
struct ModelFileTests {
    let file = ModelFile.encode(kind: "test-model", formatVersion: 3, payload: [1, 2, 3, 4])

    @Test("round trip")
    func roundTrip() throws {
        let (kind, version, payload) = try ModelFile.decode(file, expectedKind: "test-model")
        #expect(kind == "test-model")
        #expect(version == 3)
        #expect(payload == [1, 2, 3, 4])
    }

    @Test("every single-byte corruption is refused")
    func corruption() {
        for i in 0..<file.count {
            var bad = file
            bad[i] ^= 0x40
            #expect(throws: ModelFileError.self) { try ModelFile.decode(bad) }
        }
    }

    @Test("truncation, foreign files and wrong kinds are refused with a reason")
    func refusals() {
        #expect(throws: ModelFileError.truncated) { try ModelFile.decode(file.dropLast(1)) }
        #expect(throws: ModelFileError.notAModel) { try ModelFile.decode(Data("PK\u{3}\u{4} a zip file, not a model at all, sorry".utf8)) }
        #expect(throws: ModelFileError.wrongKind(found: "test-model", expected: "other")) {
            try ModelFile.decode(file, expectedKind: "other")
        }
    }

    @Test("the same seed gives the same stream; split streams differ")
    func random() {
        var a = SeededRandom(seed: 42), b = SeededRandom(seed: 42)
        let xs = (0..<100).map { _ in a.next() }
        #expect(xs == (0..<100).map { _ in b.next() })
        var c = SeededRandom(seed: 42).split(1), d = SeededRandom(seed: 42).split(2)
        #expect(c.next() != d.next())
        var e = SeededRandom(seed: 7)
        for _ in 0..<1000 { let u = e.nextUnit(); #expect(u >= 0 && u < 1) }
    }
}
