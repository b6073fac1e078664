import ConcordData
import Foundation
import Testing
import ConcordVertical

/// Runs when lifelines is cached (`concord data fetch lifelines`); `CONCORD_REQUIRE_DATA=1`
/// turns its absence into a failure.
private enum LifelinesGate {
    static let cache = DataCache.standard()
    static let required = ProcessInfo.processInfo.environment["CONCORD_REQUIRE_DATA"] == "1"
    static var enabled: Bool { FileManager.default.fileExists(atPath: cache.path(of: .lifelines).path) || required }
    /// ACTG175 from the cached wheel.
    static func table() throws -> DelimitedTable {
        try LifelinesData(wheelAt: try WheelFetcher(cache: cache).fetch(.lifelines).url).table("ACTG175")
    }
    static let note: Comment = "lifelines is not cached; run 'concord data fetch lifelines' (or set CONCORD_REQUIRE_DATA=1)"
}

@Suite("ACTG175 split between a trial centre and a laboratory", .enabled(if: LifelinesGate.enabled, LifelinesGate.note))
struct ACTG175VerticalTests {
    /// Two steps only (each encrypts 2 × 898 shares): the test checks the protocol on real data;
    /// the 30-step figures are measured with `concord vertical simulate` in a release build.
    @Test("PSI finds the 1,283 shared patients; two encrypted steps equal the descent in the clear and beat the centre's own columns")
    func twoSteps() async throws {
        let table = try LifelinesGate.table()
        let result = try await ACTG175Vertical.run(table: table, settings: VerticalSettings(iterations: 2))
        #expect(result.alignment.centre == 1711 && result.alignment.laboratory == 1711 && result.alignment.shared == 1283)
        #expect(result.alignment.trainRows == 898 && result.alignment.testRows == 385)
        #expect(result.weightDifference < 1e-7)
        #expect(abs(result.verticalAUC - result.joinedTaylorAUC) < 1e-6)
        #expect(result.verticalAUC > result.centreAloneAUC, "the laboratory's counts add signal")
        #expect(result.model.traffic.ciphertextsFromLabelHolder == 2 * (898 + 17))
        #expect(result.model.traffic.ciphertextsFromFeatureHolder == 2 * (898 + 4))
    }

    /// Secret sharing needs no public-key operation, so the test runs the benchmark's 30 steps.
    @Test("With secret sharing, 30 steps reach the joined table's logistic regression within 0.01 ROC-AUC and beat the centre alone")
    func secretSharing() async throws {
        let table = try LifelinesGate.table()
        let result = try await ACTG175Vertical.run(table: table, settings: VerticalSettings(iterations: 30, method: .secretSharing))
        #expect(result.alignment.shared == 1283 && result.alignment.trainRows == 898)
        #expect(result.weightDifference < 1e-4, "the ring's 2⁻¹⁶ rounding only")
        #expect(abs(result.verticalAUC - result.joinedAUC) < 0.01, "\(result.verticalAUC) vs \(result.joinedAUC)")
        #expect(result.verticalAUC > result.centreAloneAUC)
        #expect(result.model.traffic.ciphertextsFromLabelHolder == 30 * (898 + 4))
        #expect(result.model.traffic.ciphertextsFromFeatureHolder == 30 * (898 + 17))
    }

    /// Twenty steps in the debug build: the 300-step figures are measured with `concord vertical
    /// simulate --model mlp` in a release build.
    @Test("The split MLP trains on the same shared patients on shares, equal to the descent in the clear, and scores the test rows on shares")
    func splitMLP() async throws {
        let table = try LifelinesGate.table()
        let result = try await ACTG175Vertical.runMLP(table: table, settings: SplitMLPSettings(iterations: 20))
        #expect(result.alignment.shared == 1283 && result.alignment.trainRows == 898 && result.alignment.testRows == 385)
        #expect(result.weightDifference < 1e-5, "the ring's 2⁻²⁰ rounding only")
        #expect(abs(result.verticalAUC - result.joinedSameDescentAUC) < 1e-3, "\(result.verticalAUC) vs \(result.joinedSameDescentAUC)")
        // The forward pass and the opened scores: z_B and h_B under pads, its share of each score.
        #expect(result.scoringTraffic.ciphertextsFromFeatureHolder == 385 * (2 * 8 + 1))
    }
}
