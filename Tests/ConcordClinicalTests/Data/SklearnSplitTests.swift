import Testing
@testable import ConcordClinical

@Suite("scikit-learn train_test_split")
struct SklearnSplitTests {
    @Test("sizes: a test fraction rounds up, a train fraction down (FLamby's 0.34/0.66)",
          arguments: [(303, 199, 104), (261, 172, 89), (46, 30, 16), (130, 85, 45)])
    func flambySizes(n: Int, train: Int, test: Int) throws {
        let s = try SklearnSplit.sizes(count: n, testSize: .fraction(1.0 - 0.66), trainSize: .fraction(0.66))
        #expect(s.train == train && s.test == test)
    }

    @Test("sizes: complements, counts and the errors scikit-learn raises")
    func sizeRules() throws {
        #expect(try SklearnSplit.sizes(count: 10, testSize: nil, trainSize: nil) == (7, 3))
        #expect(try SklearnSplit.sizes(count: 10, testSize: .count(4), trainSize: nil) == (6, 4))
        #expect(try SklearnSplit.sizes(count: 10, testSize: nil, trainSize: .fraction(0.55)) == (5, 5))
        for bad: (SklearnSplit.Size?, SklearnSplit.Size?) in [(.fraction(1.0), nil), (.count(10), nil), (.fraction(0.6), .fraction(0.5)),
                                                             (.count(6), .count(5)), (.count(0), nil)] {
            #expect(throws: ClinicalDataError.self) { try SklearnSplit.sizes(count: 10, testSize: bad.0, trainSize: bad.1) }
        }
    }

    @Test("a stratified split keeps each class's share and partitions the rows", arguments: [0 as UInt32, 1, 43])
    func stratified(seed: UInt32) throws {
        let labels = (0..<300).map { $0 % 10 < 3 ? 1 : 0 }
        // 0.34 × 300 rounds up to 103 and 103 + 198 > 300: scikit-learn refuses it; FLamby's 1 − 0.66 does not.
        #expect(throws: ClinicalDataError.self) {
            try SklearnSplit.split(count: 300, labels: labels, testSize: .fraction(0.34), trainSize: .fraction(0.66), randomState: seed)
        }
        let s = try SklearnSplit.split(count: 300, labels: labels, testSize: .fraction(1.0 - 0.66), trainSize: .fraction(0.66), randomState: seed)
        #expect(s.train.count == 198 && s.test.count == 102)
        #expect(Set(s.train).isDisjoint(with: s.test) && Set(s.train + s.test).count == 300)
        #expect(abs(s.test.filter { labels[$0] == 1 }.count - 31) <= 1)
        let again = try SklearnSplit.split(count: 300, labels: labels, testSize: .fraction(1.0 - 0.66), trainSize: .fraction(0.66), randomState: seed)
        #expect(again.train == s.train && again.test == s.test)
    }

    @Test("a class with one member cannot be stratified")
    func singleton() {
        #expect(throws: ClinicalDataError.self) {
            try SklearnSplit.split(count: 6, labels: [0, 0, 0, 0, 0, 1], testSize: .fraction(0.5), randomState: 0)
        }
    }

    @Test("approximate mode draws exactly n and never more than a class has")
    func approximateMode() {
        var rng = NumpyRandomState(seed: 0)
        for draws in 0...20 {
            let counts = [7, 7, 3, 3]
            let m = SklearnSplit.approximateMode(classCounts: counts, draws: draws, rng: &rng)
            #expect(m.reduce(0, +) == draws)
            #expect(zip(m, counts).allSatisfy { $0 <= $1 + 1 })
        }
    }
}
