import Testing
@testable import ConcordPrivacy

@Suite("Secure aggregation: Shamir sharing over GF(2⁶¹ − 1)")
struct ShamirTests {
    @Test("Field products agree with 128-bit arithmetic; inverses invert")
    func fieldArithmetic() {
        var source = SecretSource.reproducible(.reproducible(from: 1, label: "field"))
        let edge: [UInt64] = [0, 1, 2, Field61.p - 1, Field61.p - 2, 1 << 60]
        let values = edge + (0..<500).map { _ in Field61.random(&source) }
        for (a, b) in zip(values, values.reversed()) {
            let expected = UInt64((UInt128(a) * UInt128(b)) % UInt128(Field61.p))
            #expect(Field61.multiply(a, b) == expected)
            #expect(Field61.add(a, b) == UInt64((UInt128(a) + UInt128(b)) % UInt128(Field61.p)))
            if a != 0 { #expect(Field61.multiply(a, Field61.inverse(a)) == 1) }
        }
    }

    @Test("Any t of n shares rebuild the secret; t − 1 are not enough", arguments: [(1, 1), (2, 3), (3, 5), (11, 20)])
    func anyTShares(t: Int, n: Int) {
        var source = SecretSource.reproducible(.reproducible(from: UInt64(n), label: "shamir"))
        let secret = source.bytes(32)
        let holders = (0..<n).map { 3 * $0 + 1 }
        let shares = Shamir.split(secret, threshold: t, holders: holders, source: &source)
        for start in 0..<n {
            let subset = (0..<t).map { (holder: holders[($0 + start) % n], values: shares[($0 + start) % n]) }
            #expect(Shamir.combine(subset.sorted { $0.holder < $1.holder }, threshold: t) == secret)
        }
        #expect(Shamir.combine(Array(zip(holders, shares).prefix(t - 1)).map { (holder: $0.0, values: $0.1) }, threshold: t) == nil)
        #expect(Shamir.combine(zip(holders, shares).map { (holder: $0.0, values: $0.1) }, threshold: t) == secret)
    }

    @Test("One false share among more than t is detected")
    func falseShare() {
        var source = SecretSource.reproducible(.reproducible(from: 2, label: "shamir"))
        let secret = source.bytes(32)
        var shares = Shamir.split(secret, threshold: 3, holders: [0, 1, 2, 3], source: &source)
        shares[3][2] = Field61.add(shares[3][2], 1)
        #expect(Shamir.combine((0..<4).map { (holder: $0, values: shares[$0]) }, threshold: 3) == nil)
        #expect(Shamir.combine((0..<3).map { (holder: $0, values: shares[$0]) }, threshold: 3) == secret)
    }

    @Test("A single share is uniform whatever the secret: χ² of its top byte over 20,000 sharings of an all-zero secret")
    func singleShareUniform() {
        var source = SecretSource.reproducible(.reproducible(from: 3, label: "shamir"))
        var bins = [Int](repeating: 0, count: 256)
        let secret = [UInt8](repeating: 0, count: 32)
        for _ in 0..<20_000 {
            let share = Shamir.split(secret, threshold: 2, holders: [4], source: &source)[0]
            bins[Int(share[0] >> 53)] += 1                       // elements have 61 bits
        }
        let expected = 20_000.0 / 256
        let chiSquare = bins.reduce(0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        #expect(chiSquare < 380)
    }
}
