import Foundation
import Testing
@testable import ConcordPrivacy

@Suite("RDP accountant")
struct RDPAccountantTests {
    func epsilon(z: Double, q: Double = 1, steps: Int, delta: Double = 1e-5) throws -> Double {
        var accountant = RDPAccountant()
        try accountant.composeGaussian(noiseMultiplier: z, samplingRate: q, count: steps)
        return try accountant.epsilon(delta: delta).epsilon
    }

    @Test("The issue's reference figures (measured with dp-accounting 0.6.0)")
    func referenceFigures() throws {
        #expect(abs(try epsilon(z: 1, steps: 1) - 4.728507067217623) < 1e-9)
        #expect(abs(try epsilon(z: 1, steps: 15) - 24.83092095026798) < 1e-8)
        #expect(abs(try epsilon(z: 1.1, q: 256.0 / 60_000, steps: 14_062) - 2.5965558697943036) < 1e-6)
    }

    @Test("Without subsampling the RDP is α/(2z²), composition adds, more noise or fewer steps cost less")
    func properties() throws {
        #expect(try SubsampledGaussian.rdp(samplingRate: 1, noiseMultiplier: 2, order: 3) == 3.0 / 8)
        #expect(try SubsampledGaussian.rdp(samplingRate: 0, noiseMultiplier: 2, order: 3) == 0)
        #expect(try SubsampledGaussian.rdp(samplingRate: 0.5, noiseMultiplier: 0, order: 3) == .infinity)
        // An integer order's binomial sum, by hand: q = 0.5, z = 1, α = 2: A = 0.25 + 0.5 + 0.25·e = …
        let a2 = 0.25 + 0.5 + 0.25 * exp(1.0)
        #expect(abs(try SubsampledGaussian.rdp(samplingRate: 0.5, noiseMultiplier: 1, order: 2) - log(a2)) < 1e-12)
        var twice = RDPAccountant(), once = RDPAccountant()
        try twice.composeGaussian(noiseMultiplier: 1.3, samplingRate: 0.01, count: 1)
        try twice.composeGaussian(noiseMultiplier: 1.3, samplingRate: 0.01, count: 1)
        try once.composeGaussian(noiseMultiplier: 1.3, samplingRate: 0.01, count: 2)
        for (a, b) in zip(twice.rdp, once.rdp) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b))) }
        #expect(try epsilon(z: 2, steps: 10) < epsilon(z: 1, steps: 10))
        #expect(try epsilon(z: 1, q: 0.01, steps: 100) < epsilon(z: 1, q: 0.1, steps: 100))
        #expect(try epsilon(z: 1, steps: 0) == 0)
    }

    @Test("δ from ε inverts ε from δ (to the grid of orders)")
    func deltaFromEpsilon() throws {
        var accountant = RDPAccountant()
        try accountant.composeGaussian(noiseMultiplier: 1.1, samplingRate: 0.01, count: 1_000)
        let e = try accountant.epsilon(delta: 1e-5).epsilon
        let d = try accountant.delta(epsilon: e).delta
        #expect(d <= 1e-5 * (1 + 1e-9) && d > 1e-6, "δ(\(e)) = \(d)")
    }

    @Test("Parameters outside their domain are refused naming the parameter")
    func refusals() throws {
        var accountant = RDPAccountant()
        #expect(throws: PrivacyError.self) { try accountant.composeGaussian(noiseMultiplier: -1) }
        let rate = #expect(throws: PrivacyError.self) { try accountant.composeGaussian(noiseMultiplier: 1, samplingRate: 1.5) }
        #expect(rate?.context.parameter == "sampling-rate" && rate?.code == .invalidParameter)
        #expect(throws: PrivacyError.self) { try accountant.epsilon(delta: 0) }
        #expect(throws: PrivacyError.self) { try accountant.epsilon(delta: 1) }
        #expect(throws: PrivacyError.self) { try accountant.delta(epsilon: -1) }
        #expect(throws: PrivacyError.self) { try RDPAccountant(orders: [0.5, 2]) }
    }

    /// dp-accounting's answers over a grid (scripts/dp_accounting_oracle.py; `scripts/test` sets the path).
    static let reference = ProcessInfo.processInfo.environment["CONCORD_DP_ACCOUNTING_REFERENCE"]
    static let required = ProcessInfo.processInfo.environment["CONCORD_REQUIRE_PARITY"] == "1"

    @Test("ε and δ agree with Google's dp-accounting 0.6.0 to 1e-6 relative over a grid of noise, sampling, steps and targets",
          .enabled(if: reference != nil || required))
    func agreesWithDPAccounting() throws {
        let path = try #require(Self.reference, "CONCORD_DP_ACCOUNTING_REFERENCE is not set (scripts/test sets it)")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(lines.count > 500)
        var worst = 0.0, compared = 0
        for line in lines {
            let f = line.split(separator: "\t").map(String.init)
            try #require(f.count == 6)
            let z = try #require(Double(f[1])), q = try #require(Double(f[2])), steps = try #require(Int(f[3]))
            let target = try #require(Double(f[4])), expected = try #require(Double(f[5]))
            var accountant = RDPAccountant()
            try accountant.composeGaussian(noiseMultiplier: z, samplingRate: q, count: steps)
            let got = f[0] == "epsilon" ? try accountant.epsilon(delta: target).epsilon : try accountant.delta(epsilon: target).delta
            let error = expected == got ? 0 : abs(got - expected) / max(abs(expected), 1e-300)
            #expect(error <= 1e-6, "\(f[0]) for z \(z), q \(q), \(steps) steps, target \(target): \(got), dp-accounting \(expected)")
            worst = max(worst, error); compared += 1
        }
        #expect(compared == lines.count)
    }
}
