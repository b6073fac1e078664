import ArgumentParser
import ConcordChem
import ConcordFederation
import ConcordML
import Foundation

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a federated-distillation consortium (FLuID) on one machine and report every model.",
        discussion: """
            A labelled set is cut into a virtual consortium (external test set, validation hold-out, \
            k partners by k-means). Each partner trains a teacher and annotates public transfer \
            molecules; the coordinator federates the annotations, trains a student and gives it back; \
            partners build hybrids. Writes results.json, models.csv, partners.csv, timings.csv and report.html to --out.

            Example: concord simulate --dataset moleculeace:CHEMBL214_Ki --active-below 100 --partners 8 \
            --transfer moses --transfer-size 50000 --student-size 10000 --seeds 3 --preset poc --out runs/chembl214
            Regression (pKi): concord simulate --task regression --dataset moleculeace:CHEMBL214_Ki --seeds 3 --out runs/chembl214-pki
            """
    )

    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var federation: FederationOptions

    @Option(help: "Output directory.")
    var out: String

    @Flag(help: "No progress output.")
    var quiet = false

    func run() async throws {
        switch dataset.task {
        case .classification: try await simulate(ClassificationTask.self)
        case .regression: try await simulate(RegressionTask.self)
        }
    }

    /// Loads the set and the public pool, runs every seed of `task` and writes the outputs.
    func simulate<Task: CommandTask>(_ task: Task.Type) async throws {
        let settings = try Task.settings(federation, dataset: dataset)
        let log = Log(quiet: quiet)
        log(Task.loadingLine(dataset, settings: settings))
        let loaded = try await FederationInput.load(dataset, fingerprint: settings.fingerprint)
        if let skipped = FederationInput.skippedSummary(loaded.skipped) { Log(quiet: false)(skipped) }
        let data = loaded.molecules
        log(Task.dataLine(data, settings: settings) + (data.isTest.map { "\($0.filter { $0 }.count) in the test split" } ?? "random 20% test split"))
        log("Loading the public pool (\(federation.transferSource)) …")
        let clock = ContinuousClock(), poolStart = clock.now
        let (pool, preferred) = try FederationInput.pool(transfer: federation.transferSource, smilesColumn: federation.transferSmilesColumn,
                                                         cache: dataset.cache, excludingSet: dataset.moleculeACESet)
        log("  \(pool.count) public molecules in \(String(format: "%.1f", (clock.now - poolStart).seconds)) s")
        let bar = ProgressBar(quiet: quiet)
        let (results, _) = try await Simulation.run(data: data, pool: pool, preferred: preferred, datasetName: dataset.name, settings: settings,
                                                    seeds: federation.seedList, featurizationSeconds: loaded.seconds,
                                                    version: Concord.configuration.version, progress: bar.handler)
        for warning in results.warnings { Log(quiet: false)("Warning: \(warning).") }
        let report = try ResultsWriter.write(results, to: URL(fileURLWithPath: out, isDirectory: true))
        print(ResultsWriter.headline(results))
        for line in Task.consensusLines(results) { print(line) }
        print(String(format: "Transfer set: %d held-out molecules removed. Total %.1f s.", results.transferRemovedAsHeldOut, results.timingsS.total))
        print("Report: \(report.path)")
    }
}

/// Prints progress lines to standard error unless quiet.
struct Log: Sendable {
    var quiet: Bool
    func callAsFunction(_ text: String) {
        guard !quiet else { return }
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }
}
