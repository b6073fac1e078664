import Foundation
import Testing
@testable import ConcordPrivacy

@Suite("Secure Gaussian sampler")
struct GaussianSamplerTests {
    @Test("mean, variance and the tail beyond 2σ of 20,000 draws fit N(0, σ²)", arguments: [0.37, 2.5, 1234.5])
    func moments(sigma: Double) throws {
        var sampler = GaussianSampler(source: .reproducible(from: UInt64(sigma * 100), label: "gaussian-test"))
        let n = 20_000
        var values = [Double](repeating: 0, count: n)
        try sampler.addNoise(standardDeviation: sigma, to: &values)
        let mean = values.reduce(0, +) / Double(n)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        let tail = Double(values.filter { abs($0) > 2 * sigma }.count) / Double(n), exactTail = erfc(2 / 2.0.squareRoot())
        #expect(abs(mean) < 5 * sigma / Double(n).squareRoot(), "mean \(mean)")
        #expect(abs(variance / (sigma * sigma) - 1) < 5 * (2 / Double(n)).squareRoot(), "variance \(variance)")
        #expect(abs(tail - exactTail) < 5 * (exactTail * (1 - exactTail) / Double(n)).squareRoot(), "tail \(tail) against \(exactTail)")
        // Every draw lies on the grid 2^(⌊log₂ σ⌋ − 20).
        let grid = Double(sign: .plus, exponent: sigma.exponent - GaussianSampler.gridBits, significand: 1)
        #expect(values.allSatisfy { ($0 / grid).rounded() == $0 / grid })
    }

    @Test("a reproducible source repeats byte for byte; system noise differs between samplers; σ = 0 adds nothing")
    func sources() throws {
        func draws(_ source: NoiseSource) throws -> [Double] {
            var sampler = GaussianSampler(source: source)
            return try (0..<64).map { _ in try sampler.next(standardDeviation: 1) }
        }
        let seed = SecretSeed.reproducible(from: 42, label: "noise")
        #expect(try draws(.reproducible(seed)) == draws(.reproducible(seed)))
        #expect(try draws(.reproducible(seed)) != draws(.reproducible(seed.derived("other"))))
        #expect(try draws(.system) != draws(.system))
        #expect(NoiseSource.system.isReproducible == false && NoiseSource.reproducible(seed).isReproducible)
        #expect(NoiseSource.reproducible(seed).derived("a") == NoiseSource.reproducible(seed).derived("a"))
        var sampler = GaussianSampler(source: .system)
        var zeros = [Double](repeating: 0, count: 8)
        try sampler.addNoise(standardDeviation: 0, to: &zeros)
        #expect(zeros.allSatisfy { $0 == 0 })
        #expect(throws: PrivacyError.self) { try sampler.next(standardDeviation: -1) }
        #expect(throws: PrivacyError.self) { try sampler.next(standardDeviation: .nan) }
        #expect("\(NoiseSource.reproducible(seed))" == "reproducible")
    }
}
