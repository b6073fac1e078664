import Foundation
import Testing
@testable import ConcordPrivacy

@Suite("Discrete Gaussian (exact sampler)")
struct DiscreteGaussianTests {
    /// The exact probability mass of the discrete Gaussian with parameter σ² on -bound...bound.
    static func pmf(sigmaSquared s2: Double, bound: Int) -> [Int: Double] {
        let weights = (-bound...bound).map { x in (x, exp(-Double(x * x) / (2 * s2))) }
        let total = weights.reduce(0) { $0 + $1.1 }
        return Dictionary(uniqueKeysWithValues: weights.map { ($0.0, $0.1 / total) })
    }

    @Test("mean, variance and tail of 20,000 draws match the exact distribution", arguments: [(UInt64(9), UInt64(4)), (400, 1), (10, 3)])
    func moments(numerator: UInt64, denominator: UInt64) throws {
        let noise = try DiscreteGaussian(varianceNumerator: numerator, varianceDenominator: denominator)
        let s2 = noise.sigmaSquared, sigma = s2.squareRoot()
        let exact = Self.pmf(sigmaSquared: s2, bound: Int(40 * sigma) + 5)
        let variance = exact.reduce(0) { $0 + Double($1.key * $1.key) * $1.value }
        let tail = exact.filter { Double(abs($0.key)) >= 2 * sigma }.values.reduce(0, +)
        var g = CryptographicGenerator(seed: .reproducible(from: numerator &* 31 &+ denominator, label: "discrete-gaussian-test"))
        let n = 20_000
        var sum = 0.0, squares = 0.0, beyond = 0
        for _ in 0..<n {
            let x = Double(noise.sample(using: &g))
            sum += x; squares += x * x
            if abs(x) >= 2 * sigma { beyond += 1 }
        }
        let mean = sum / Double(n), sampleVariance = squares / Double(n) - mean * mean
        // Five standard errors: the mean's √(v/n); the variance's ≈ v·√(2/n); the tail's √(p(1−p)/n).
        #expect(abs(mean) < 5 * (variance / Double(n)).squareRoot(), "mean \(mean)")
        #expect(abs(sampleVariance - variance) < 5 * variance * (2 / Double(n)).squareRoot(), "variance \(sampleVariance) against \(variance)")
        let observed = Double(beyond) / Double(n)
        #expect(abs(observed - tail) < 5 * (tail * (1 - tail) / Double(n)).squareRoot(), "tail \(observed) against \(tail)")
    }

    @Test("small σ: every value's frequency is within five standard errors of its exact probability")
    func smallSigmaFrequencies() throws {
        let noise = try DiscreteGaussian(varianceNumerator: 1, varianceDenominator: 2)  // σ² = ½: most mass on −1, 0, 1
        var g = CryptographicGenerator(seed: .reproducible(from: 7, label: "discrete-gaussian-test"))
        let n = 20_000
        var counts: [Int64: Int] = [:]
        for _ in 0..<n { counts[noise.sample(using: &g), default: 0] += 1 }
        for (x, p) in Self.pmf(sigmaSquared: 0.5, bound: 4) {
            let f = Double(counts[Int64(x)] ?? 0) / Double(n)
            #expect(abs(f - p) < 5 * (p * (1 - p) / Double(n)).squareRoot() + 1e-4, "value \(x): \(f) against \(p)")
        }
        #expect(counts.keys.allSatisfy { abs($0) <= 6 })
    }

    @Test("the same seed gives the same draws; parameters out of range are refused")
    func reproducibleAndRefusals() throws {
        let noise = try DiscreteGaussian(varianceNumerator: 1_000_000)
        var a = CryptographicGenerator(seed: .reproducible(from: 1, label: "x")), b = CryptographicGenerator(seed: .reproducible(from: 1, label: "x"))
        #expect((0..<100).map { _ in noise.sample(using: &a) } == (0..<100).map { _ in noise.sample(using: &b) })
        #expect(throws: PrivacyError.self) { try DiscreteGaussian(varianceNumerator: 0) }
        #expect(throws: PrivacyError.self) { try DiscreteGaussian(varianceNumerator: 1, varianceDenominator: 0) }
        #expect(throws: PrivacyError.self) { try DiscreteGaussian(varianceNumerator: DiscreteGaussian.maximumNumerator + 1) }
        #expect(DiscreteGaussian.integerSquareRoot(99) == 9 && DiscreteGaussian.integerSquareRoot(100) == 10 && DiscreteGaussian.integerSquareRoot(1 << 48) == 1 << 24)
    }
}
