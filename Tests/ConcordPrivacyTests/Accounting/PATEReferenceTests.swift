import Foundation
import Testing
@testable import ConcordPrivacy

@Suite("PATE analysis against dp-accounting")
struct PATEReferenceTests {
    /// dp-accounting's answers for Confident-GNMax's data-independent bound (scripts/pate_oracle.py;
    /// `scripts/test` sets the path).
    static let reference = ProcessInfo.processInfo.environment["CONCORD_PATE_REFERENCE"]
    static let required = ProcessInfo.processInfo.environment["CONCORD_REQUIRE_PARITY"] == "1"

    struct Row: Sendable { var kind: Substring; var sigma1, sigma2, third: Double; var answered: Int; var delta, expected: Double }

    static func rows() throws -> [Row] {
        let path = try #require(reference, "CONCORD_PATE_REFERENCE is not set (scripts/test sets it)")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst().filter { !$0.hasPrefix("#") }
        return try lines.map { line in
            let f = line.split(separator: "\t")
            try #require(f.count == 7, "malformed line \(line)")
            return Row(kind: f[0], sigma1: try #require(Double(f[1])), sigma2: try #require(Double(f[2])), third: try #require(Double(f[3])),
                       answered: try #require(Int(f[4])), delta: try #require(Double(f[5])), expected: try #require(Double(f[6])))
        }
    }

    @Test("""
          The data-independent ε of Confident-GNMax agrees with Google's dp-accounting 0.6.0 to 1e-6 relative \
          (threshold checks as GaussianDpEvent(σ₁), answers as GaussianDpEvent(σ₂/√2)), both through the budget check \
          and through recorded queries, and the query budget equals dp-accounting's
          """, .enabled(if: reference != nil || required))
    func agreesWithDPAccounting() throws {
        let rows = try Self.rows()
        #expect(rows.filter { $0.kind == "epsilon" }.count >= 100)
        #expect(rows.filter { $0.kind == "budget" }.count >= 20)
        var worst = 0.0
        for row in rows {
            let about = "σ₁ \(row.sigma1), σ₂ \(row.sigma2), \(row.third), \(row.answered) answered, δ \(row.delta)"
            switch row.kind {
            case "epsilon":
                let considered = Int(row.third)
                let fresh = try GNMaxAnalysis(thresholdSigma: row.sigma1, answerSigma: row.sigma2, threshold: 100)
                let planned = try fresh.dataIndependentEpsilon(addingConsidered: considered, answered: row.answered, delta: row.delta)
                let error = abs(planned - row.expected) / row.expected
                worst = max(worst, error)
                #expect(error <= 1e-6, "\(about): \(planned), dp-accounting \(row.expected)")
                if considered <= 1_500 {  // the same through recorded queries (any votes: the bound ignores them)
                    var analysis = fresh
                    for k in 0..<considered {
                        try analysis.record(votes: [Double(k % 7), 30, 5], answered: k < row.answered)
                    }
                    let recorded = try analysis.epsilon(delta: row.delta).dataIndependent
                    #expect(abs(recorded - row.expected) <= 1e-6 * row.expected, "\(about): recorded \(recorded), dp-accounting \(row.expected)")
                }
            case "budget":
                let budget = try GNMaxAnalysis.queryBudget(epsilon: row.third, delta: row.delta, thresholdSigma: row.sigma1, answerSigma: row.sigma2)
                #expect(budget == Int(row.expected), "budget at ε \(about): \(budget), dp-accounting \(Int(row.expected))")
            default:
                Issue.record("unknown kind \(row.kind)")
            }
        }
        print("PATE data-independent ε vs dp-accounting: \(rows.count) figures, worst relative \(worst)")
    }
}
