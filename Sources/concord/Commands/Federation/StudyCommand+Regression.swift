import ArgumentParser
import ConcordFederation
import Foundation

extension StudyCommand {
    /// `concord study teacher-count|student-size|selection --task regression`: the studies on a regression federation, in test RMSE.
    func runRegression() async throws {
        var settings = try federation.regressionSettings(valueName: FederationInput.valueName(dataset))
        settings.hybrids = study == .domain
        let log = Log(quiet: quiet)
        log("Loading \(dataset.name) for regression of \(settings.valueName) …")
        let loaded = try await FederationInput.load(dataset, fingerprint: settings.fingerprint)
        if let skipped = FederationInput.skippedSummary(loaded.skipped) { Log(quiet: false)(skipped) }
        let (pool, preferred) = try FederationInput.pool(transfer: study == .options ? "chembl+moses" : federation.transferSource,
                                                         smilesColumn: federation.transferSmilesColumn,
                                                         cache: dataset.cache, excludingSet: dataset.moleculeACESet)
        let bar = ProgressBar(quiet: quiet)
        let clock = ContinuousClock(), start = clock.now
        var samples: [Studies.Sample] = [], table: [[String: String]] = []
        var timings = StageTimings()
        let sizes = try sizeList()
        let caches = Studies.optionsCaches(pool: pool, preferred: preferred, options: settings.fingerprint)  // each public molecule is parsed once
        for seed in federation.seedList where study == .options {
            let result = try await RegressionStudies.options(data: loaded.molecules, pool: pool, preferred: preferred, common: settings,
                                                             seed: seed, caches: caches, progress: bar.handler)
            samples += result.samples; table += result.table
        }
        for seed in federation.seedList where study != .options {
            let run = try await RegressionSimulation.runSeed(data: loaded.molecules, pool: pool, preferred: preferred, settings: settings,
                                                             seed: seed, poolCache: caches.pool, progress: bar.handler)
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
            case .domain:
                let result = try await RegressionStudies.domain(run, data: loaded.molecules, progress: bar.handler)
                samples += result.samples; table += result.table
            case .options:
                break
            }
            timings.student += (clock.now - studyStart).seconds
        }
        timings.total = (clock.now - start).seconds + loaded.seconds
        timings.fingerprints += loaded.seconds
        let (metric, xLabel) = switch study {
        case .teacherCount: (RegressionStudies.metric, "teachers federated")
        case .studentSize: (RegressionStudies.metric, "training molecules")
        case .selection: (RegressionStudies.metric, "selection mode")
        case .domain: ("fraction of test molecules in domain", "partner")
        case .options: (RegressionStudies.metric, "configuration")
        }
        let results = StudyResults(concordVersion: Concord.configuration.version, study: study.rawValue, dataset: dataset.name,
                                   preset: study == .options ? "poc and default" : settings.preset, seeds: federation.seedList, metric: metric,
                                   xLabel: xLabel, points: Studies.points(samples), table: table, timingsS: timings)
        let report = try ResultsWriter.write(results, to: URL(fileURLWithPath: out, isDirectory: true))
        print("\(study.rawValue) (regression of \(settings.valueName)) on \(dataset.name), preset \(results.preset), seeds \(federation.seedList.map(String.init).joined(separator: ","))")
        printSummary(results, metric: RegressionStudies.metric)
        print(String(format: "Total %.1f s. Report: ", timings.total) + report.path)
    }
}
