import Foundation
import Testing
@testable import ConcordPrivacy

@Suite("PLD accountant")
struct PLDAccountantTests {
    static func accountant(z: Double, q: Double = 1, steps: Int) throws -> PLDAccountant {
        var accountant = PLDAccountant()
        try accountant.composeGaussian(noiseMultiplier: z, samplingRate: q, count: steps)
        return accountant
    }

    static func epsilon(z: Double, q: Double = 1, steps: Int, delta: Double = 1e-5) throws -> Double {
        try accountant(z: z, q: q, steps: steps).epsilon(delta: delta)
    }

    @Test("The issue's reference figures (dp-accounting 0.6.0: 23.35 client-level, 2.382 DP-SGD)")
    func referenceFigures() throws {
        let clientLevel = try Self.epsilon(z: 1, steps: 15), dpSGD = try Self.epsilon(z: 1.1, q: 256.0 / 60_000, steps: 14_062)
        #expect(abs(clientLevel - 23.34631068668751) <= 1e-6 * 23.35, "\(clientLevel)")
        #expect(abs(dpSGD - 2.381686002234784) <= 1e-6 * 2.382, "\(dpSGD)")
    }

    @Test("More steps cost more, more noise or a smaller sampling rate less; PLD is below RDP")
    func monotoneAndTighterThanRDP() throws {
        for (z, q) in [(4.0, 1.0), (1.1, 0.01), (2.0, 0.3)] {
            let few = try Self.epsilon(z: z, q: q, steps: 10), many = try Self.epsilon(z: z, q: q, steps: 100)
            #expect(few < many, "z \(z), q \(q): \(few) vs \(many)")
            #expect(try Self.epsilon(z: 1.5 * z, q: q, steps: 100) < many)
            var rdp = RDPAccountant()
            try rdp.composeGaussian(noiseMultiplier: z, samplingRate: q, count: 100)
            #expect(many < (try rdp.epsilon(delta: 1e-5).epsilon), "z \(z), q \(q)")
        }
        #expect(try Self.epsilon(z: 1, q: 0.01, steps: 100) < Self.epsilon(z: 1, q: 0.05, steps: 100))
        let noRelease = try Self.accountant(z: 1, steps: 0)
        #expect(try noRelease.epsilon(delta: 1e-5) == 0 && noRelease.delta(epsilon: 0) == 0)
        let noNoise = try Self.accountant(z: 0, q: 0.5, steps: 3)
        #expect(try noNoise.epsilon(delta: 1e-5) == .infinity && noNoise.delta(epsilon: 8) == 1)
    }

    @Test("Composing in two calls matches one call up to the truncation; δ(ε(δ)) returns δ")
    func compositionAndInversion() throws {
        var twice = PLDAccountant()
        try twice.composeGaussian(noiseMultiplier: 1.1, samplingRate: 0.01, count: 500)
        try twice.composeGaussian(noiseMultiplier: 1.1, samplingRate: 0.01, count: 500)
        let once = try Self.accountant(z: 1.1, q: 0.01, steps: 1_000)
        let a = try twice.epsilon(delta: 1e-5), b = try once.epsilon(delta: 1e-5)
        #expect(abs(a - b) <= 1e-9 * b, "\(a) vs \(b)")
        let delta = try once.delta(epsilon: b)
        #expect(abs(delta - 1e-5) <= 1e-9, "δ(ε(1e-5)) = \(delta)")
    }

    @Test("Parameters outside their domain are refused naming the parameter")
    func refusals() throws {
        var accountant = PLDAccountant()
        let noise = #expect(throws: PrivacyError.self) { try accountant.composeGaussian(noiseMultiplier: -1) }
        #expect(noise?.context.parameter == "noise-multiplier" && noise?.code == .invalidParameter)
        #expect(throws: PrivacyError.self) { try accountant.composeGaussian(noiseMultiplier: .infinity) }
        let rate = #expect(throws: PrivacyError.self) { try accountant.composeGaussian(noiseMultiplier: 1, samplingRate: 1.5) }
        #expect(rate?.context.parameter == "sampling-rate")
        #expect(throws: PrivacyError.self) { try accountant.composeGaussian(noiseMultiplier: 1, samplingRate: .nan) }
        let steps = #expect(throws: PrivacyError.self) { try accountant.composeGaussian(noiseMultiplier: 1, count: -1) }
        #expect(steps?.context.parameter == "steps")
        #expect(throws: PrivacyError.self) { try accountant.epsilon(delta: 0) }
        #expect(throws: PrivacyError.self) { try accountant.epsilon(delta: 1) }
        #expect(throws: PrivacyError.self) { try accountant.delta(epsilon: -1) }
        #expect(throws: PrivacyError.self) { try PLDAccountant(discretization: 0) }
        // One unsampled release at σ = 1e-5 would need ~2·10¹⁰ grid points.
        let huge = #expect(throws: PrivacyError.self) { try accountant.composeGaussian(noiseMultiplier: 1e-5) }
        #expect(huge?.code == .invalidParameter)
        let endless = #expect(throws: PrivacyError.self) { try accountant.composeGaussian(noiseMultiplier: 1, samplingRate: 0.5, count: .max) }
        #expect(endless?.context.parameter == "steps")
    }
}
