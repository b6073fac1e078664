import ConcordChem
import Testing
@testable import ConcordML

@Suite("Splits")
struct SplitsTests {
    @Test("random and stratified: sizes, disjoint cover, seeded")
    func randomAndStratified() throws {
        let s = try Splits.random(count: 101, testFraction: 0.2, seed: 1)
        #expect(s.test.count == 21 && s.train.count == 80)
        #expect(Set(s.train + s.test) == Set(0..<101))
        #expect(try Splits.random(count: 101, testFraction: 0.2, seed: 1) == s)
        #expect(try Splits.random(count: 101, testFraction: 0.2, seed: 2) != s)
        let labels: [UInt8] = (0..<200).map { $0 % 4 == 0 ? 1 : 0 }  // 50 positives
        let t = try Splits.stratified(labels: labels, testFraction: 0.3, seed: 3)
        #expect(t.test.count == 60)
        #expect(t.test.filter { labels[$0] == 1 }.count == 15)
        #expect(Set(t.train + t.test).count == 200)
        #expect(throws: SplitError.invalidFraction(1.0)) { try Splits.random(count: 5, testFraction: 1, seed: 0) }
        #expect(throws: SplitError.empty) { try Splits.random(count: 0, testFraction: 0.2, seed: 0) }
    }

    @Test("scaffold split keeps groups together, largest groups in train")
    func scaffold() throws {
        // Groups: a×5, b×3, c×1, d×1 (10 rows, 20% test → train cap 8).
        let keys = ["a", "b", "a", "c", "a", "b", "d", "a", "b", "a"]
        let s = try Splits.scaffold(keys: keys, testFraction: 0.2)
        #expect(s.train == [0, 1, 2, 4, 5, 7, 8, 9])
        #expect(s.test == [3, 6])
        let balanced = try Splits.scaffold(keys: keys, testFraction: 0.2, seed: 4)
        for group in ["a", "b", "c", "d"] {
            let rows = keys.indices.filter { keys[$0] == group }
            #expect(rows.allSatisfy(balanced.train.contains) || rows.allSatisfy(balanced.test.contains))
        }
    }

    @Test("scaffold split of molecules groups by Bemis–Murcko scaffold")
    func scaffoldMolecules() throws {
        let smiles = ["Cc1ccccc1", "CCc1ccccc1", "c1ccccc1O", "C1CCNCC1", "CN1CCCCC1", "CCO", "c1ccncc1", "OCCc1ccncc1"]
        let molecules = try smiles.map { try SMILES.parse($0) }
        let s = try Splits.scaffold(molecules: molecules, testFraction: 0.25)
        // Train cap 8 − ⌈0.25·8⌉ = 6: benzene ×3, piperidine ×2 → 5; pyridine ×2 would make 7, so
        // it goes to test; the acyclic group (1) still fits in train.
        #expect(s.train == [0, 1, 2, 3, 4, 5])
        #expect(s.test == [6, 7])
    }

    @Test("cluster split, given column, under-sampling")
    func others() throws {
        let ids = (0..<50).map { $0 / 5 }
        let c = try Splits.cluster(ids: ids, testFraction: 0.2, seed: 5)
        #expect(c.test.count == 10)
        for k in 0..<10 {
            let rows = ids.indices.filter { ids[$0] == k }
            #expect(rows.allSatisfy(c.train.contains) || rows.allSatisfy(c.test.contains))
        }
        let g = try Splits.given(column: ["train", " Test", "TRAIN"])
        #expect(g == DataSplit(train: [0, 2], test: [1]))
        #expect(throws: SplitError.unknownSplitValue(row: 1, value: "valid")) { try Splits.given(column: ["train", "valid"]) }
        let labels: [UInt8] = (0..<100).map { $0 < 20 ? 1 : 0 }
        let u = try Splits.undersample(labels: labels, seed: 6)
        #expect(u.count == 40 && u.filter { labels[$0] == 1 }.count == 20)
        #expect(try Splits.undersample(labels: labels, seed: 6) == u)
        let u2 = try Splits.undersample(labels: labels, rows: Array(10..<100), ratio: 2, seed: 6)
        #expect(u2.count == 30 && u2.allSatisfy { $0 >= 10 })
    }
}
