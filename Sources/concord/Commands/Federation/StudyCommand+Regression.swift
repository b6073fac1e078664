import ArgumentParser
import ConcordFederation
import Foundation

extension StudyCommand {
    /// `concord study teacher-count|student-size|selection --task regression`: the studies on a regression federation, in test RMSE.
    func runRegression() async throws {
        guard study != .domain && study != .options else {
            throw ValidationError("the \(study.rawValue) study is for classification (it reports MCC); regression runs teacher-count, student-size and selection")
        }
        var settings = try federation.regressionSettings(valueName: FederationInput.valueName(dataset))
        settings.hybrids = false
        let log = Log(quiet: quiet)
        log("Loading \(dataset.name) for regression of \(settings.valueName) …")
        let loaded = try await FederationInput.load(dataset, fingerprint: settings.fingerprint)
        if let skipped = FederationInput.skippedSummary(loaded.skipped) { Log(quiet: false)(skipped) }
        let (pool, preferred) = try FederationInput.pool(transfer: federation.transferSource, smilesColumn: federation.transferSmilesColumn,
                                                         cache: dataset.cache, excludingSet: dataset.moleculeACESet)
        let bar = ProgressBar(quiet: quiet)
        let clock = ContinuousClock(), start = clock.now
        var samples: [Studies.Sample] = [], table: [[String: String]] = []
        var timings = StageTimings()
        let sizes = try sizeList()
        let cache = PoolFeatureCache(pool: pool, options: settings.fingerprint)  // each public molecule is parsed once
        for seed in federation.seedList {
            let run = try await RegressionSimulation.runSeed(data: loaded.molecules, pool: pool, preferred: preferred, settings: settings,
                                                             seed: seed, poolCache: cache, progress: bar.handler)
            timings.add(run.timings)
            let studyStart = clock.now
            switch study {
            case .teacherCount:
                samples += try await RegressionStudies.teacherCount(run, data: loaded.molecules, settings: settings, repeats: repeats,
                                                                    reselect: settings.preset != "poc", progress: bar.handler)
            case .studentSize:
                samples += try await RegressionStudies.studentSize(run, data: loaded.molecules, settings: settings, sizes: sizes,
                                                                   repeats: repeats, progress: bar.handler)
            case .selection:
                let result = try await RegressionStudies.selection(run, data: loaded.molecules, settings: settings, progress: bar.handler)
                samples += result.samples; table += result.table
            case .domain, .options:
                break
            }
            timings.student += (clock.now - studyStart).seconds
        }
        timings.total = (clock.now - start).seconds + loaded.seconds
        timings.fingerprints += loaded.seconds
        let xLabel = switch study {
        case .teacherCount: "teachers federated"
        case .studentSize: "training molecules"
        case .selection, .domain, .options: "selection mode"
        }
        let results = StudyResults(concordVersion: Concord.configuration.version, study: study.rawValue, dataset: dataset.name,
                                   preset: settings.preset, seeds: federation.seedList, metric: RegressionStudies.metric, xLabel: xLabel,
                                   points: Studies.points(samples), table: table, timingsS: timings)
        let report = try ResultsWriter.write(results, to: URL(fileURLWithPath: out, isDirectory: true))
        print("\(study.rawValue) (regression of \(settings.valueName)) on \(dataset.name), preset \(settings.preset), seeds \(federation.seedList.map(String.init).joined(separator: ","))")
        print("series                          x       RMSE    95% interval       n   (lower is better)")
        for p in results.points {
            print(p.series.padding(toLength: 30, withPad: " ", startingAt: 0) + " " + p.label.padding(toLength: 8, withPad: " ", startingAt: 0)
                  + String(format: " %7.3f  [%6.3f, %6.3f]  %4d", p.mean, p.lower, p.upper, p.samples))
        }
        print(String(format: "Total %.1f s. Report: ", timings.total) + report.path)
    }
}
