import Testing
import ConcordVertical

@Suite("The train/test split both parties draw alike")
struct VerticalSplitTests {
    @Test("30% of 1,283 shared identifiers are test rows; each set sorted; the input order does not matter; another seed, another split")
    func split() {
        let shared = (1...1283).map { "p\($0)" }
        let (train, test) = VerticalSplit.trainTest(shared: shared, seed: 1, testFraction: 0.3)
        #expect(train.count == 898 && test.count == 385)
        #expect(train == train.sorted() && test == test.sorted())
        #expect(Set(train).isDisjoint(with: test) && Set(train + test) == Set(shared))
        let reversed = VerticalSplit.trainTest(shared: shared.reversed(), seed: 1, testFraction: 0.3)
        #expect(reversed.train == train && reversed.test == test)
        #expect(VerticalSplit.trainTest(shared: shared, seed: 2, testFraction: 0.3).test != test)
        #expect(VerticalSplit.trainTest(shared: shared, seed: 1, testFraction: .nan).test.isEmpty)
        #expect(VerticalSplit.trainTest(shared: shared, seed: 1, testFraction: 2).train.isEmpty)
    }
}
