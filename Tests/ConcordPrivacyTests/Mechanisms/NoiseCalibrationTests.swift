import Foundation
import Testing
@testable import ConcordPrivacy

@Suite("Noise calibration")
struct NoiseCalibrationTests {
    @Test("the calibrated multiplier meets the target ε and a slightly smaller one does not",
          arguments: [(1.0, 1e-5, 0.01, 1_000), (1.0, 1e-3, 16.0 / 199, 360), (3.0, 1e-3, 1.0, 30), (0.1, 1e-3, 0.5, 60)])
    func meetsTarget(epsilon: Double, delta: Double, q: Double, steps: Int) throws {
        let c = try NoiseCalibration.noiseMultiplier(epsilon: epsilon, delta: delta, samplingRate: q, steps: steps)
        var accountant = RDPAccountant()
        try accountant.composeGaussian(noiseMultiplier: c.noiseMultiplier, samplingRate: q, count: steps)
        let spent = try accountant.epsilon(delta: delta).epsilon
        #expect(spent <= epsilon, "ε \(spent) above the target \(epsilon)")
        #expect(abs(spent - c.epsilon) < 1e-12)
        #expect(spent > epsilon * 0.99, "ε \(spent): the multiplier is larger than needed")
        let smaller = try NoiseCalibration.epsilon(noiseMultiplier: c.noiseMultiplier * (1 - 3e-4), delta: delta, samplingRate: q, steps: steps)
        #expect(smaller > epsilon, "a multiplier 0.03% smaller still meets the target: \(smaller)")
    }

    @Test("no release needs no noise; invalid targets are refused")
    func edges() throws {
        #expect(try NoiseCalibration.noiseMultiplier(epsilon: 1, delta: 1e-5, samplingRate: 0.1, steps: 0).noiseMultiplier == 0)
        #expect(throws: PrivacyError.self) { try NoiseCalibration.noiseMultiplier(epsilon: 0, delta: 1e-5, samplingRate: 0.1, steps: 10) }
        #expect(throws: PrivacyError.self) { try NoiseCalibration.noiseMultiplier(epsilon: 1, delta: 1, samplingRate: 0.1, steps: 10) }
        #expect(throws: PrivacyError.self) { try NoiseCalibration.noiseMultiplier(epsilon: 1, delta: 1e-5, samplingRate: 1.5, steps: 10) }
        #expect(throws: PrivacyError.self) { try NoiseCalibration.noiseMultiplier(epsilon: 1, delta: 1e-5, samplingRate: 0.1, steps: -1) }
    }
}
