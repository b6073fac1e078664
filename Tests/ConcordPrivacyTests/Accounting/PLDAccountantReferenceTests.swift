import Foundation
import Testing
@testable import ConcordPrivacy

@Suite("PLD accountant against dp-accounting")
struct PLDAccountantReferenceTests {
    /// dp-accounting's PLD answers over a grid (scripts/dp_pld_oracle.py; `scripts/test` sets the path).
    static let reference = ProcessInfo.processInfo.environment["CONCORD_DP_PLD_REFERENCE"]
    static let required = ProcessInfo.processInfo.environment["CONCORD_REQUIRE_PARITY"] == "1"

    /// dp-accounting's own rounding noise in δ: it forms each δ of its grid as a difference of
    /// CDFs near 1 (about 1e-16 absolute, divided by the 1e-4 grid step in the connect-the-dots
    /// masses) and raises double-precision FFT coefficients to the number of steps (multiplying
    /// their error up to 14,062-fold). Measured against an exact evaluation of the same method
    /// (30-digit δs, 64-bit-significand FFT): its δ at ε = 2 for z 1.1, q 0.001, 14,062 steps is
    /// 7.5e-13 where the exact value is 9.7e-16, and its ε at δ = 1e-8 for z 0.8, q 256/60000,
    /// 14,062 steps is 1.7e-6 relative below the exact one. Concord agrees with the exact
    /// evaluation to about 1e-9 in both.
    static let deltaNoiseFloor = 1e-12

    struct Row: Sendable { var kind: Substring; var z, q: Double; var steps: Int; var target, expected: Double }
    static func key(_ row: Row) -> String { "\(row.z) \(row.q) \(row.steps)" }

    @Test("""
          ε and δ agree with Google's dp-accounting 0.6.0 PLDAccountant over a grid of noise, sampling, steps and targets: \
          to 1e-6 relative, ε at δ ≥ 1e-5 always, elsewhere or within dp-accounting's δ noise floor of 1e-12; \
          and PLD's ε is at most RDP's
          """, .enabled(if: reference != nil || required))
    func agreesWithDPAccounting() async throws {
        let path = try #require(Self.reference, "CONCORD_DP_PLD_REFERENCE is not set (scripts/test sets it)")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst().filter { !$0.hasPrefix("#") }
        #expect(lines.count >= 300)
        var rows: [Row] = []
        for line in lines {
            let f = line.split(separator: "\t")
            try #require(f.count == 6)
            rows.append(Row(kind: f[0], z: try #require(Double(f[1])), q: try #require(Double(f[2])), steps: try #require(Int(f[3])),
                            target: try #require(Double(f[4])), expected: try #require(Double(f[5]))))
        }
        // One accountant per (z, q, steps), computed concurrently.
        let accountants = try await withThrowingTaskGroup(of: (String, PLDAccountant).self) { group in
            for row in Dictionary(rows.map { (Self.key($0), $0) }, uniquingKeysWith: { a, _ in a }).values {
                group.addTask { (Self.key(row), try PLDAccountantTests.accountant(z: row.z, q: row.q, steps: row.steps)) }
            }
            return try await group.reduce(into: [String: PLDAccountant]()) { $0[$1.0] = $1.1 }
        }
        var worst = 0.0, strict = 0, floorOnly = 0, worstEpsilon = 0.0, worstLargeDelta = 0.0
        for row in rows {
            let accountant = try #require(accountants[Self.key(row)])
            let about = "\(row.kind) for z \(row.z), q \(row.q), \(row.steps) steps, target \(row.target)"
            let got = row.kind == "epsilon" ? try accountant.epsilon(delta: row.target) : try accountant.delta(epsilon: row.target)
            let error = got == row.expected ? 0 : abs(got - row.expected) / max(abs(row.expected), 1e-300)
            worst = max(worst, error)
            if row.kind == "epsilon" { worstEpsilon = max(worstEpsilon, error) } else if row.expected >= 1e-9 { worstLargeDelta = max(worstLargeDelta, error) }
            if row.kind == "epsilon" {  // PLD is the tighter accountant
                var rdp = RDPAccountant()
                try rdp.composeGaussian(noiseMultiplier: row.z, samplingRate: row.q, count: row.steps)
                #expect(got <= (try rdp.epsilon(delta: row.target).epsilon), "\(about): PLD \(got) is above RDP")
            }
            if error <= 1e-6 { strict += 1; continue }
            if row.kind == "epsilon" {
                #expect(row.target < 1e-5, "\(about): \(got), dp-accounting \(row.expected)")
                // dp-accounting's ε, read in our distribution, gives the target δ up to its noise floor.
                let delta = try accountant.delta(epsilon: row.expected)
                #expect(abs(delta - row.target) <= Self.deltaNoiseFloor, "\(about): \(got), dp-accounting \(row.expected), our δ there \(delta)")
            } else {
                #expect(abs(got - row.expected) <= Self.deltaNoiseFloor, "\(about): \(got), dp-accounting \(row.expected)")
            }
            floorOnly += 1
        }
        print("PLD accountant vs dp-accounting: \(rows.count) figures, \(strict) within 1e-6 relative, \(floorOnly) within the 1e-12 δ floor; worst relative \(worst), in ε \(worstEpsilon), in δ ≥ 1e-9 \(worstLargeDelta)")
        #expect(strict + floorOnly == rows.count)
    }
}
