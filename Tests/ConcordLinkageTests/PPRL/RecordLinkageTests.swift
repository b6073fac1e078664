import ConcordPrivacy
import Foundation
import Testing
@testable import ConcordLinkage

/// Two registries of 1,500 people sharing 1,000, the right one's copies with typos.
private func registries(seed: UInt64) -> (left: [SyntheticPeople.Person], right: [SyntheticPeople.Person], truth: Set<[Int]>) {
    var people = SyntheticPeople(seed: seed)
    let everyone = people.people(2000)
    let left = Array(everyone[0..<1500])
    var right: [SyntheticPeople.Person] = []
    var truth = Set<[Int]>()
    for (i, person) in everyone[500..<2000].enumerated() {
        let index = 500 + i
        right.append(index < 1500 ? people.recorded(person) : person)
        if index < 1500 { truth.insert([index, i]) }
    }
    return (left, right, truth)
}

private let fields = ["first", "surname", "born", "sex", "postcode"]
private func values(_ p: SyntheticPeople.Person) -> [String] { [p.first, p.surname, p.born, p.sex, p.postcode] }

@Suite("Privacy-preserving record linkage")
struct RecordLinkageTests {
    @Test("balanced Bloom-filter encodings link a registry with typos at precision ≥ 0.99 and recall ≥ 0.97")
    func linksWithTypos() async throws {
        let (left, right, truth) = registries(seed: 1)
        let encoder = try BloomEncoder(secret: .reproducible(from: 7, label: "test.pprl.secret"), fields: fields)
        let a = try left.map { try encoder.encode(values($0)) }
        let b = try right.map { try encoder.encode(values($0)) }
        let links = try await RecordLinkage.link(left: a, right: b, threshold: 0.85)
        let (precision, recall) = RecordLinkage.quality(of: links, truth: truth)
        print("PPRL balanced: precision \(precision), recall \(recall), links \(links.count) of \(truth.count)")
        #expect(precision >= 0.99)
        #expect(recall >= 0.97)
        // Exact identifiers would find only the copies without typos.
        let exact = Set(right.map(values)).intersection(left.map(values)).count
        #expect(Double(exact) / Double(truth.count) < 0.6)
    }

    @Test("plain (unbalanced) encodings link as well; their weight reveals the names' length, the balanced ones' does not")
    func balancingHidesTheWeight() async throws {
        let (left, right, truth) = registries(seed: 2)
        let secret = SecretSeed.reproducible(from: 8, label: "test.pprl.secret")
        let plain = try BloomEncoder(secret: secret, fields: fields, settings: .init(balanced: false))
        let balanced = try BloomEncoder(secret: secret, fields: fields)
        let links = try await RecordLinkage.link(left: try left.map { try plain.encode(values($0)) },
                                                 right: try right.map { try plain.encode(values($0)) }, threshold: 0.85)
        let (precision, recall) = RecordLinkage.quality(of: links, truth: truth)
        print("PPRL plain: precision \(precision), recall \(recall)")
        #expect(precision >= 0.97 && recall >= 0.9)
        // Weight against name length: strongly correlated for plain filters, constant when balanced.
        let lengths = left.map { Double($0.first.count + $0.surname.count) }
        let plainWeights = try left.map { Double(try plain.encode(values($0)).popcount) }
        let balancedWeights = try Set(left.map { try balanced.encode(values($0)).popcount })
        #expect(correlation(lengths, plainWeights) > 0.5)
        #expect(balancedWeights == [1024])
    }

    @Test("the encoding depends on the secret: another key's filters do not link")
    func encodingsNeedTheSecret() async throws {
        let (left, right, _) = registries(seed: 3)
        let one = try BloomEncoder(secret: .reproducible(from: 1, label: "a"), fields: fields)
        let other = try BloomEncoder(secret: .reproducible(from: 2, label: "a"), fields: fields)
        let links = try await RecordLinkage.link(left: try left.prefix(300).map { try one.encode(values($0)) },
                                                 right: try right.prefix(300).map { try other.encode(values($0)) }, threshold: 0.8)
        #expect(links.isEmpty)
        #expect(try one.encode(["ann", "lee", "1970-01-01", "f", "12345"]) == one.encode(["ann", "lee", "1970-01-01", "f", "12345"]))
        #expect(try one.encode(["ann", "lee", "1970-01-01", "f", "12345"], salt: "1970") != one.encode(["ann", "lee", "1970-01-01", "f", "12345"]))
    }

    @Test("LSH blocking sized for Dice 0.85 finds the same links as comparing every pair, with under 5% of the comparisons")
    func blockingKeepsTheLinks() async throws {
        let (left, right, truth) = registries(seed: 1)
        let encoder = try BloomEncoder(secret: .reproducible(from: 7, label: "test.pprl.secret"), fields: fields)
        let a = try left.map { try encoder.encode(values($0)) }, b = try right.map { try encoder.encode(values($0)) }
        let all = try await RecordLinkage.run(left: a, right: b, threshold: 0.85, blocking: nil)
        #expect(all.comparisons == 1500 * 1500)
        let blocking = try LSHBlocking.forThreshold(0.85, encodedBits: 2048, maximumPopcount: 1024, seed: 3)
        // 0.85¹⁶ per table: 90 tables keep a pair at the threshold with probability 0.999.
        #expect(blocking.bitsPerKey == 16 && blocking.tables == 90)
        let blocked = try await RecordLinkage.run(left: a, right: b, threshold: 0.85, blocking: blocking)
        print("PPRL blocked: \(blocked.comparisons) comparisons of \(all.comparisons); links \(blocked.links.count) vs \(all.links.count)")
        #expect(blocked.links == all.links)
        #expect(blocked.comparisons < all.comparisons / 20)
        #expect(RecordLinkage.quality(of: blocked.links, truth: truth).recall >= 0.97)
        // Blocking too coarse for the threshold (one table of 64 positions) loses links: the sizing matters.
        let coarse = try await RecordLinkage.run(left: a, right: b, threshold: 0.85, blocking: try LSHBlocking(tables: 1, bitsPerKey: 64, seed: 3))
        #expect(coarse.links.count < all.links.count / 2)
    }

    @Test("encoding many records on every core gives each record's own filter, in order; a bad record is refused")
    func encodesInParallel() async throws {
        let (left, _, _) = registries(seed: 4)
        let encoder = try BloomEncoder(secret: .reproducible(from: 9, label: "test.pprl.secret"), fields: fields)
        let batch = try await encoder.encode(records: left.map(values))
        #expect(batch == (try left.map { try encoder.encode(values($0)) }))
        let salted = try await encoder.encode(records: left.prefix(10).map(values), salts: left.prefix(10).map { String($0.born.prefix(4)) })
        #expect(salted == (try left.prefix(10).map { try encoder.encode(values($0), salt: String($0.born.prefix(4))) }))
        await #expect(throws: LinkageError.self) { try await encoder.encode(records: left.map(values) + [["only one"]]) }
        // Salts, when given, are one per record: fewer are refused, not read past their end.
        let refused = await #expect(throws: LinkageError.self) { try await encoder.encode(records: left.prefix(10).map(values), salts: ["1970"]) }
        #expect(refused?.context.field == "salts")
    }

    @Test("plain encodings size the tables from the heaviest filter's weight; the sampled positions follow the seed")
    func blockingPlainEncodings() async throws {
        let (left, right, _) = registries(seed: 2)
        let plain = try BloomEncoder(secret: .reproducible(from: 8, label: "test.pprl.secret"), fields: fields, settings: .init(balanced: false))
        let a = try left.map { try plain.encode(values($0)) }, b = try right.map { try plain.encode(values($0)) }
        let heaviest = (a + b).map(\.popcount).max() ?? 0
        let blocking = try LSHBlocking.forThreshold(0.85, encodedBits: 1024, maximumPopcount: heaviest, seed: 4)
        let all = try await RecordLinkage.run(left: a, right: b, threshold: 0.85, blocking: nil)
        let blocked = try await RecordLinkage.run(left: a, right: b, threshold: 0.85, blocking: blocking)
        #expect(blocked.links == all.links && blocked.comparisons < all.comparisons / 10, "\(blocked.comparisons)")
        let other = try LSHBlocking(tables: 2, bitsPerKey: 8, seed: 5), same = try LSHBlocking(tables: 2, bitsPerKey: 8, seed: 5)
        #expect(other.positions(encodedBits: 2048) == same.positions(encodedBits: 2048))
        #expect(other.positions(encodedBits: 2048) != (try LSHBlocking(tables: 2, bitsPerKey: 8, seed: 6)).positions(encodedBits: 2048))
        #expect(other.positions(encodedBits: 2048).allSatisfy { Set($0).count == 8 && $0.allSatisfy { (0..<2048).contains($0) } })
    }

    @Test("bad settings and records are refused with reasons")
    func refusals() async throws {
        let secret = SecretSeed.reproducible(from: 1, label: "a")
        #expect(throws: LinkageError.self) { try BloomEncoder(secret: secret, fields: []) }
        #expect(throws: LinkageError.self) { try BloomEncoder(secret: secret, fields: ["a", "a"]) }
        #expect(throws: LinkageError.self) { try BloomEncoder(secret: secret, fields: ["a"], settings: .init(bits: 100)) }
        #expect(throws: LinkageError.self) { try BloomEncoder(secret: secret, fields: ["a"], settings: .init(hashesPerGram: 33)) }
        let encoder = try BloomEncoder(secret: secret, fields: ["a", "b"])
        #expect(throws: LinkageError.self) { try encoder.encode(["x"]) }
        let small = try BloomEncoder(secret: secret, fields: ["a"], settings: .init(bits: 64))
        await #expect(throws: LinkageError.self) {
            try await RecordLinkage.link(left: [try encoder.encode(["x", "y"])], right: [try small.encode(["x"])], threshold: 0.8)
        }
        await #expect(throws: LinkageError.self) { try await RecordLinkage.link(left: [], right: [], threshold: 0) }
        // 70,000 × 70,000 comparisons exceed the limit: refused before any is made.
        let many = [BloomFilter](repeating: BloomFilter(words: []), count: 70_000)
        do {
            _ = try await RecordLinkage.link(left: many, right: many, threshold: 0.8)
            Issue.record("4.9 billion comparisons were accepted")
        } catch {
            #expect(error.code == .tooLarge)
        }
        #expect(encoder.grams("smith") == ["_s", "sm", "mi", "it", "th", "h_"])
        #expect(throws: LinkageError.self) { try LSHBlocking(tables: 0, bitsPerKey: 16) }
        #expect(throws: LinkageError.self) { try LSHBlocking(tables: 10, bitsPerKey: 65) }
        #expect(throws: LinkageError.self) { try LSHBlocking.forThreshold(0.2, encodedBits: 1024, maximumPopcount: 1024) }
        #expect(throws: LinkageError.self) { try LSHBlocking.forThreshold(0.85, encodedBits: 1024, maximumPopcount: 1024, recall: 1) }
    }
}

private func correlation(_ x: [Double], _ y: [Double]) -> Double {
    let n = Double(x.count), mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for i in 0..<x.count { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); syy += (y[i] - my) * (y[i] - my) }
    return sxy / (sxx * syy).squareRoot()
}
