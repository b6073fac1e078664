import ArgumentParser
import ConcordFederation
import Foundation

extension SimulateCommand {
    /// `concord simulate --task regression`: the same consortium with regression teachers, consensus, student and hybrids.
    func runRegression() async throws {
        let settings = try federation.regressionSettings(valueName: FederationInput.valueName(dataset))
        let log = Log(quiet: quiet)
        log("Loading \(dataset.name) for regression of \(settings.valueName) …")
        let loaded = try await FederationInput.load(dataset, fingerprint: settings.fingerprint)
        if let skipped = FederationInput.skippedSummary(loaded.skipped) { Log(quiet: false)(skipped) }
        let data = loaded.molecules
        let values = data.values ?? []
        let range = String(format: "from %.2f to %.2f (mean %.2f)", values.min() ?? 0, values.max() ?? 0, values.reduce(0, +) / Double(max(values.count, 1)))
        log("  \(data.count) molecules, \(settings.valueName) \(range), "
            + (data.isTest.map { "\($0.filter { $0 }.count) in the test split" } ?? "random 20% test split"))
        log("Loading the public pool (\(federation.transferSource)) …")
        let clock = ContinuousClock(), poolStart = clock.now
        let (pool, preferred) = try FederationInput.pool(transfer: federation.transferSource, smilesColumn: federation.transferSmilesColumn,
                                                         cache: dataset.cache, excludingSet: dataset.moleculeACESet)
        log("  \(pool.count) public molecules in \(String(format: "%.1f", (clock.now - poolStart).seconds)) s")
        let bar = ProgressBar(quiet: quiet)
        let (results, _) = try await RegressionSimulation.run(data: data, pool: pool, preferred: preferred, datasetName: dataset.name,
                                                              settings: settings, seeds: federation.seedList, featurizationSeconds: loaded.seconds,
                                                              version: Concord.configuration.version, progress: bar.handler)
        let report = try ResultsWriter.write(results, to: URL(fileURLWithPath: out, isDirectory: true))
        print(ResultsWriter.headline(results))
        if let c = results.consensus {
            print("Consensus (\(c.scheme)): \(c.covered) of \(c.transferSize) transfer molecules valued, mean spread "
                  + String(format: "%.3f", c.meanSpread) + "; student selection (\(c.selectionMode)) \(c.selectedSize) of \(c.requestedSize) asked, mean spread "
                  + String(format: "%.3f", c.selectedMeanSpread) + ".")
            if let shortfall = c.shortfall { print("Note: \(shortfall)") }
        }
        print(String(format: "Transfer set: %d held-out molecules removed. Total %.1f s.", results.transferRemovedAsHeldOut, results.timingsS.total))
        print("Report: \(report.path)")
    }
}
