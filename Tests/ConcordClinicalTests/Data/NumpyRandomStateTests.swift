import Testing
@testable import ConcordClinical

@Suite("numpy RandomState (MT19937)")
struct NumpyRandomStateTests {
    @Test("RandomState(43) and RandomState(7).permutation(10) match numpy 2.4's golden values")
    func golden() {
        var rng = NumpyRandomState(seed: 43)
        #expect((0..<3).map { _ in rng.nextUInt32() } == [494_155_588, 2_134_003_008, 2_615_920_895])
        var seven = NumpyRandomState(seed: 7)
        #expect(seven.permutation(10) == [8, 5, 0, 2, 1, 9, 7, 3, 6, 4])
    }

    @Test("MT19937 regenerates its state after 624 draws", arguments: [0 as UInt32, 5489, 4_294_967_295])
    func period(seed: UInt32) {
        var a = NumpyRandomState(seed: seed), b = NumpyRandomState(seed: seed)
        let first = (0..<1_300).map { _ in a.nextUInt32() }
        let again = (0..<1_300).map { _ in b.nextUInt32() }
        #expect(first == again)
        #expect(first[0..<624] != first[624..<1_248])
        // The reference MT19937 (init_genrand(5489)) starts 3499211612, 581869302.
        if seed == 5489 { #expect(first.prefix(2) == [3_499_211_612, 581_869_302]) }
    }

    @Test("interval stays in 0...max; permutations are permutations", arguments: [0, 1, 2, 63, 64, 65, 1_000])
    func bounds(n: Int) {
        var rng = NumpyRandomState(seed: UInt32(n))
        for _ in 0..<200 { #expect(rng.interval(UInt64(n)) <= UInt64(n)) }
        let p = rng.permutation(n)
        #expect(p.sorted() == Array(0..<n))
        let chosen = rng.choiceWithoutReplacement(Array(100..<(100 + n)), count: n / 2)
        #expect(chosen.count == n / 2 && Set(chosen).count == n / 2 && chosen.allSatisfy { $0 >= 100 && $0 < 100 + n })
    }
}
