import ConcordML
import Testing
@testable import ConcordClinical

/// Site tables with shifted features (one feature offset by 1e9 to test cancellation) and missing values.
func siteTables(_ sizes: [Int], seed: UInt64) throws -> [FeatureTable] {
    var rng = SeededRandom(seed: seed)
    return try sizes.enumerated().map { s, n in
        var values: [Double] = []
        for _ in 0..<n {
            values.append(rng.nextUnit() < 0.1 ? .nan : 1e9 + Double(s) + rng.nextUnit())
            values.append(rng.nextUnit() * Double(s + 1) - 3)
            values.append(rng.nextUnit() < 0.5 ? .nan : 7)
        }
        return try FeatureTable(rows: n, columns: 3, values: values)
    }
}

@Suite("Federated preprocessing")
struct PreprocessingTests {
    @Test("merged site summaries equal the pooled computation", arguments: [[1, 50, 3, 200], [0, 5], [64, 63, 65]])
    func mergeMatchesPooled(sizes: [Int]) throws {
        let tables = try siteTables(sizes, seed: 7)
        let merged = try Standardiser(merging: tables.map(\.summaries))
        let pooledTable = try FeatureTable(rows: sizes.reduce(0, +), columns: 3, values: tables.flatMap(\.values))
        for c in 0..<3 {
            let observed = stride(from: c, to: pooledTable.values.count, by: 3).map { pooledTable.values[$0] }.filter { !$0.isNaN }
            let mean = observed.reduce(0, +) / Double(max(1, observed.count))
            // Two-pass variance of the pooled rows, the reference.
            let variance = observed.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, observed.count))
            #expect(merged.counts[c] == observed.count)
            #expect(merged.missing[c] == pooledTable.rowCount - observed.count)
            #expect(abs(merged.means[c] - mean) <= 1e-15 * abs(mean) + 1e-12)
            let sd = variance > 0 ? variance.squareRoot() : 1
            // Within a few units in the last place of the data's magnitude (1e9 for feature 0).
            let ulp = (observed.map(abs).max() ?? 0).ulp
            #expect(abs(merged.scales[c] - sd) <= 1e-12 * sd + 8 * ulp)
            if c == 0, observed.count > 10 {
                // Sums of squares subtracted naively lose every digit at this offset; the merge does not.
                let naive = (max(0, observed.reduce(0) { $0 + $1 * $1 } / Double(observed.count) - mean * mean)).squareRoot()
                #expect(abs(naive - sd) > 100 * abs(merged.scales[c] - sd))
            }
        }
    }

    @Test("sums and sums of squares are what the summary carries")
    func sums() throws {
        var s = FeatureSummary()
        for x in [1.0, 2, .nan, 4] { s.add(x) }
        #expect(s.count == 3 && s.missing == 1)
        #expect(abs(s.sum - 7) < 1e-12 && abs(s.sumOfSquares - 21) < 1e-12)
    }

    @Test("global scope normalises every site identically; per-site scope uses each site's own statistics")
    func scopes() throws {
        let tables = try siteTables([30, 40], seed: 8)
        let global = try Standardiser.standardise(training: tables, others: [[tables[1]], [tables[1]]], scope: .global)
        #expect(global[0][1] == global[1][1])
        let local = try Standardiser.standardise(training: tables, others: [[tables[1]], [tables[1]]], scope: .perSite)
        #expect(local[0][1] != local[1][1])
        // Each site's own training matrix is centred under per-site scaling (imputed values are 0).
        for (s, site) in local.enumerated() {
            let x = site[0], own = Standardiser(fitting: tables[s])
            for c in 0..<2 {
                let mean = (0..<x.rows).reduce(0) { $0 + x[$1, c] } / Double(x.rows)
                // Feature 0 sits at 1e9: the tolerance is the data's precision over the scale.
                #expect(abs(mean) < 64 * own.means[c].ulp / own.scales[c] + 1e-12)
            }
        }
    }

    @Test("missing values are imputed with the global mean (0 after scaling)")
    func imputation() throws {
        let a = try FeatureTable(rows: [[1, nil], [3, 10]]), b = try FeatureTable(rows: [[nil, 20], [5, 30]])
        let s = try Standardiser(merging: [a.summaries, b.summaries])
        #expect(s.means == [3, 20])
        let x = try s.apply(to: a)
        #expect(x[0, 1] == 0)
        #expect(abs(x[0, 0] - (1 - 3) / (8.0 / 3).squareRoot()) < 1e-12)
    }

    @Test("mismatched or malformed statistics are refused")
    func refusals() throws {
        let a = try FeatureTable(rows: [[1, 2]]), b = try FeatureTable(rows: [[1, 2, 3]])
        #expect(throws: FederatedLearningError.self) { try Standardiser(merging: [a.summaries, b.summaries]) }
        #expect(throws: FederatedLearningError.self) { try Standardiser(merging: [[FeatureSummary(count: 1, missing: 0, mean: .nan, m2: 0)]]) }
        #expect(throws: FederatedLearningError.self) { try Standardiser(merging: []) }
        #expect(throws: FederatedLearningError.self) { try Standardiser(fitting: a).apply(to: b) }
        #expect(throws: FederatedLearningError.self) { try FeatureTable(rows: [[1, .infinity]]) }
    }
}
