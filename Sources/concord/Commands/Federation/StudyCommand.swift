import ArgumentParser
import ConcordFederation
import ConcordML
import Foundation

enum StudyKind: String, ExpressibleByArgument, CaseIterable {
    case teacherCount = "teacher-count"
    case studentSize = "student-size"
    case selection
    case domain
    case options
    case privacy
}

/// `concord study`: the analyses of one labelled set (``StudySetCommand``, the default) and the generalisation study over many.
struct StudyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Repeat the paper's analyses over seeds on one set, or test the default's generalisation over every MoleculeACE set.",
        discussion: """
            concord study KIND --dataset … (teacher-count, student-size, selection, domain, options, privacy): one labelled set.
            concord study generalisation: candidate configurations on every MoleculeACE set, chosen and reported leave-sets-out.
            """,
        subcommands: [StudySetCommand.self, GeneralisationStudyCommand.self],
        defaultSubcommand: StudySetCommand.self
    )
}

/// `concord study KIND`: the paper's analyses of one labelled set.
struct StudySetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Repeat the paper's analyses over seeds: teacher count, student size, selection modes, domain expansion.",
        discussion: """
            teacher-count: students federated from 1…k randomly chosen teachers (--repeats subsets per count).
            student-size: students of --sizes molecules, beside T0's own data at the same sizes.
            selection: the federated student under each selection mode (balanced, random, best, worst, mixed).
            domain: FLuID's strict feature-dictionary domain; how many test molecules each hybrid brings into domain, and MCC on them.
            options: each option of the default preset alone on top of --preset poc, all together (the default), and the default
              with domain-aware transfer selection or confidence-weighted consensus; the student's test MCC and the closure of the
              gap between the average partner and T0. Always draws from ChEMBL + MOSES (MOSES only for the poc variants).
            privacy: a membership-inference audit of each partner's annotations, the consensus and the published student
              (AUC and TPR at 1% FPR per partner, worst over partners and artefacts), for --preset poc and default
              (both when no preset is given); with --epsilons also PATE-style noisy votes at each budget per partner
              (δ = 1e-5; --vote-shards sub-teachers per partner, --vote-queries public molecules considered).
            Every study runs the federation once per seed (--seeds) and reports means with 95% confidence intervals.
            With --task regression every study reports test RMSE instead of MCC (selection compares random and best; options
              compares the regression default's options against regression poc, with the closure measured in RMSE).

            Example: concord study student-size --dataset moleculeace:CHEMBL214_Ki --active-below 100 --seeds 3 --out runs/size
            """
    )

    @Argument(help: "teacher-count, student-size, selection, domain, options or privacy.")
    var study: StudyKind

    @OptionGroup var dataset: DatasetOptions
    @OptionGroup var federation: FederationOptions

    @Option(parsing: .unconditional, help: "Random teacher subsets per count (teacher-count) or draws per size (student-size).")
    var repeats: Int = 5

    @Option(help: "Student sizes (student-size), comma-separated.")
    var sizes: String = "100,250,500,1000,2500,5000,10000,25000,50000"

    @Option(help: "Privacy budgets ε per partner at which the privacy study runs noisy votes, comma-separated (e.g. 1,4,8,16).")
    var epsilons: String?

    @Option(parsing: .unconditional, help: "Noisy votes: disjoint shards, each with its own sub-teacher, per partner (privacy with --epsilons).")
    var voteShards: Int = NoisyVoteSettings(epsilon: 1).shardsPerPartner

    @Option(parsing: .unconditional, help: "Noisy votes: public molecules considered, on which the budget is spent (privacy with --epsilons).")
    var voteQueries: Int = NoisyVoteSettings(epsilon: 1).queries

    @Option(parsing: .unconditional, help: "Shadow students of the privacy study's likelihood-ratio attack (at least 2).")
    var shadows: Int = 4

    @Option(help: "Output directory.")
    var out: String

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1") }
        try validatePrivacy()
        guard !federation.secureAggregation || study == .privacy else {
            throw ValidationError("--secure-aggregation is for concord simulate: a study re-federates subsets of the partners' annotations, which the coordinator of a secure run never sees")
        }
        _ = try sizeList()
    }

    func sizeList() throws -> [Int] {
        try sizes.split(separator: ",").map {
            guard let n = Int($0.trimmingCharacters(in: .whitespaces)), n >= 2 else { throw ValidationError("--sizes: '\($0)' is not a size ≥ 2") }
            return n
        }
    }

    func run() async throws {
        if study == .privacy { return try await privacyStudy() }
        switch dataset.task {
        case .classification: try await study(ClassificationTask.self)
        case .regression: try await study(RegressionTask.self)
        }
    }

    /// Runs the study on every seed of `task`'s federation and writes the outputs; the metric is the task's headline (MCC, RMSE).
    func study<Task: CommandTask>(_ task: Task.Type) async throws {
        var settings = try Task.settings(federation, dataset: dataset)
        Task.prepareStudy(&settings)
        settings.hybrids = study == .domain
        let log = Log(quiet: quiet)
        log(Task.loadingLine(dataset, settings: settings))
        let loaded = try await FederationInput.load(dataset, fingerprint: settings.fingerprint)
        if let skipped = FederationInput.skippedSummary(loaded.skipped) { Log(quiet: false)(skipped) }
        let (pool, preferred) = try FederationInput.pool(transfer: study == .options ? "chembl+moses" : federation.transferSource, smilesColumn: federation.transferSmilesColumn,
                                                         cache: dataset.cache, excludingSet: dataset.moleculeACESet)
        let bar = ProgressBar(quiet: quiet)
        let clock = ContinuousClock(), start = clock.now
        var samples: [Studies.Sample] = [], table: [[String: String]] = []
        var timings = StageTimings()
        let sizes = try sizeList()
        let caches = Studies.optionsCaches(pool: pool, preferred: preferred, options: settings.fingerprint)  // shared by every seed
        for seed in federation.seedList where study == .options {
            let result = try await Studies.options(data: loaded.molecules, pool: pool, preferred: preferred, common: settings, seed: seed,
                                                   caches: caches, progress: bar.handler)
            samples += result.samples; table += result.table
        }
        for seed in federation.seedList where study != .options {
            let run = try await Simulation.runSeed(data: loaded.molecules, pool: pool, preferred: preferred, settings: settings, seed: seed,
                                                   poolCache: caches.pool, progress: bar.handler)
            timings.add(run.timings)  // its total is replaced by the wall clock below
            let studyStart = clock.now
            switch study {
            case .teacherCount:
                samples += try await Task.teacherCountStudy(run, data: loaded.molecules, settings: settings, repeats: repeats,
                                                            reselect: settings.preset != "poc", progress: bar.handler)
            case .studentSize:
                samples += try await Task.studentSizeStudy(run, data: loaded.molecules, settings: settings, sizes: sizes, repeats: repeats,
                                                           progress: bar.handler)
            case .selection:
                let result = try await Task.selectionStudy(run, data: loaded.molecules, settings: settings, progress: bar.handler)
                samples += result.samples; table += result.table
            case .domain:
                let result = try await Studies.domain(run, data: loaded.molecules, progress: bar.handler)
                samples += result.samples; table += result.table
            case .options, .privacy:
                break
            }
            timings.student += (clock.now - studyStart).seconds
        }
        timings.total = (clock.now - start).seconds + loaded.seconds
        timings.fingerprints += loaded.seconds
        let metric = Task.Metrics.headline.key
        let (yAxis, xLabel): (String, String) = switch study {
        case .teacherCount: (metric, "teachers federated")
        case .studentSize: (metric, "training molecules")
        case .selection: (metric, "selection mode")
        case .domain: ("fraction of test molecules in domain", "partner")
        case .options, .privacy: (metric, "configuration")
        }
        let results = StudyResults(concordVersion: Concord.configuration.version, study: study.rawValue, dataset: dataset.name,
                                   preset: study == .options ? "poc and default" : settings.preset, seeds: federation.seedList, metric: yAxis, xLabel: xLabel,
                                   points: Studies.points(samples), table: table, timingsS: timings)
        let report = try ResultsWriter.write(results, to: URL(fileURLWithPath: out, isDirectory: true))
        print("\(study.rawValue)\(Task.studyNote(settings)) on \(dataset.name), preset \(results.preset), seeds \(federation.seedList.map(String.init).joined(separator: ","))")
        printSummary(results, metric: Task.Metrics.headline)
        print(String(format: "Total %.1f s. Report: ", timings.total) + report.path)
    }
}

extension StudySetCommand {
    /// Prints a study's points and, for the options and domain studies, their tables; `headline`
    /// is the task's headline metric (MCC, RMSE), whose direction the header states when lower is better.
    func printSummary(_ results: StudyResults, metric headline: MetricDescriptor) {
        let metric = headline.key
        print("series                          x        mean    95% interval       n"
              + (headline.lowerIsBetter ? "   (\(headline.title): lower is better)" : ""))
        let labelWidth = max(8, results.points.map(\.label.count).max() ?? 8)
        for p in results.points {
            print(p.series.padding(toLength: 30, withPad: " ", startingAt: 0) + " " + p.label.padding(toLength: labelWidth, withPad: " ", startingAt: 0)
                  + String(format: " %7.3f  [%6.3f, %6.3f]  %4d", p.mean, p.lower, p.upper, p.samples))
        }
        func pad(_ text: String?, _ width: Int) -> String { (text.flatMap { $0.isEmpty ? nil : $0 } ?? "–").padding(toLength: width, withPad: " ", startingAt: 0) }
        if study == .options {
            print("\nseed  T0      T-mean  student  closure  configuration   (\(headline.title))")
            for row in results.table {
                print(pad(row["seed"], 6) + pad(row["t0_\(metric)"], 8) + pad(row["t_mean_\(metric)"], 8) + pad(row["student_\(metric)"], 9)
                      + pad(row["closure"], 9) + (row["variant"] ?? ""))
            }
        }
        if study == .domain {
            let name = headline.title
            print("\npartner  seed  in teacher domain  in hybrid domain  brought in  teacher \(name)  hybrid \(name)  (on brought-in: teacher / hybrid)")
            for row in results.table {
                print(pad(row["partner"], 9) + pad(row["seed"], 6) + pad(row["in_teacher_domain"], 19) + pad(row["in_hybrid_domain"], 18)
                      + pad(row["brought_into_domain"], 12) + pad(row["teacher_\(metric)_in_domain"], 13) + pad(row["hybrid_\(metric)_in_domain"], 12)
                      + "\(row["teacher_\(metric)_brought_in"].flatMap { $0.isEmpty ? nil : $0 } ?? "–") / \(row["hybrid_\(metric)_brought_in"].flatMap { $0.isEmpty ? nil : $0 } ?? "–")")
            }
        }
    }
}
