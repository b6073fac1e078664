import Testing
@testable import ConcordPrivacy

@Suite("Keystreams and secret seeds")
struct KeyStreamTests {
    /// RFC 8439 §2.3.2: key 00 01 … 1f, nonce 00 00 00 09 00 00 00 4a 00 00 00 00, block counter 1.
    @Test("ChaCha20 block matches RFC 8439's test vector")
    func rfcVector() throws {
        let seed = try SecretSeed(bytes: (0..<32).map { UInt8($0) })
        let stream = KeyStream(seed: seed, stream: 0x4a00_0000_0900_0000)
        let words = try stream.words(2, fromWord: KeyStream.wordsPerBlock)
        #expect(words == [0x1559_3bd1_e4e7_f110, 0xc471_20a3_1fdd_0f50])
    }

    @Test("Any cut of the stream reads the same words", arguments: [0, 1, 7, 8, 9, 2047, 2048, 2049, 5000])
    func cuts(offset: Int) throws {
        let stream = KeyStream(seed: .reproducible(from: 42, label: "test"))
        let whole = try stream.words(offset + 3000)
        let piece = try stream.words(3000, fromWord: offset)
        #expect(Array(whole[offset...]) == piece)
    }

    @Test("Streams, labels and fresh seeds are independent; reproducible seeds repeat")
    func independence() throws {
        let seed = SecretSeed.reproducible(from: 7, label: "a")
        #expect(seed == SecretSeed.reproducible(from: 7, label: "a"))
        #expect(seed != SecretSeed.reproducible(from: 7, label: "b"))
        #expect(seed != SecretSeed.reproducible(from: 8, label: "a"))
        #expect(seed.derived("x") != seed.derived("y"))
        #expect(SecretSeed.random() != SecretSeed.random())
        #expect(try KeyStream(seed: seed, stream: 0).words(4) != KeyStream(seed: seed, stream: 1).words(4))
        #expect(!seed.description.contains(String(seed.bytes[0])) || seed.description == "SecretSeed(redacted)")
    }

    @Test("A wrong seed length and a read past the stream's end are refused")
    func refusals() {
        #expect(throws: PrivacyError.self) { try SecretSeed(bytes: [UInt8](repeating: 1, count: 31)) }
        let stream = KeyStream(seed: .reproducible(from: 1, label: "end"))
        #expect(throws: PrivacyError.self) { try stream.words(2, fromWord: KeyStream.maximumWords - 1) }
        #expect(throws: PrivacyError.self) { try stream.words(1, fromWord: -1) }
    }

    @Test("The generator's bits are balanced (monobit over 2²⁰ bits)")
    func monobit() {
        var generator = CryptographicGenerator(seed: .reproducible(from: 3, label: "bits"))
        var ones = 0
        for _ in 0..<(1 << 14) { ones += generator.next().nonzeroBitCount }
        let n = Double(1 << 20), z = (Double(ones) - n / 2) / (n.squareRoot() / 2)
        #expect(abs(z) < 5)
        var a = CryptographicGenerator(seed: .reproducible(from: 3, label: "bits")), b = a
        #expect((0..<5000).map { _ in a.next() } == (0..<5000).map { _ in b.next() })
    }
}
