import ArgumentParser
import ConcordChem
import ConcordData
import ConcordFederation
import ConcordML
import Foundation

/// How a MoleculeACE set's molecules are labelled in the generalisation study.
enum LabelRule: Hashable, Sendable, CustomStringConvertible {
    /// Active when the measured exp_mean is at most this many nM.
    case below(Double)
    /// Active when at or above the set's median potency (half the molecules active).
    case median
    /// A user's file: its own 0/1 labels.
    case asLabelled

    init(parsing text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "median" { self = .median; return }
        let number = t.hasSuffix("nm") ? String(t.dropLast(2)) : t
        guard let value = Double(number), value > 0, value.isFinite else {
            throw ValidationError("--labels takes nM thresholds and 'median', separated by commas (e.g. 100,median); '\(text)' is neither")
        }
        self = .below(value)
    }

    var description: String {
        switch self {
        case .below(let nM): "≤ \(nM == nM.rounded() ? String(Int(nM)) : String(nM)) nM"
        case .median: "median"
        case .asLabelled: "as labelled"
        }
    }
}

struct GeneralisationStudyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generalisation",
        abstract: "Does the default hold on data it was not chosen on? Every candidate on every MoleculeACE set, chosen and reported leave-sets-out.",
        discussion: """
            Each candidate configuration (--candidates) runs on every MoleculeACE set (--sets), under each labelling rule \
            (--labels: ≤ 100 nM, and the set's median potency, which makes half the molecules active), for each seed. \
            The sets are cut into --folds folds; for each fold the candidate with the best mean of lower-quartile and median \
            closure on the other folds' sets is chosen, and only its figures on the fold's own sets are reported as held out. \
            The report shows every set, good or bad: T0, T-mean, the student's test MCC and the closure \
            (S − T-mean) / (T0 − T-mean) of the seed means, and the held-out median, lower quartile, minimum and the sets below 40%.

            A set that cannot give --partners k-means partners one molecule of each class runs with the most partners that \
            can (the same for every candidate); the report names them. Runs are appended to runs.jsonl in --out as they \
            finish, and a study started again with the same --out skips the runs already there.

            Examples:
              concord study generalisation --seeds 3 --out runs/generalisation
              concord study generalisation --sets CHEMBL214_Ki,CHEMBL235_EC50 --labels 100 --candidates default,poc --out runs/two
            """
    )

    @Option(help: "MoleculeACE sets, comma-separated, 'all' (every set of the MoleculeACE wheel) or 'none' (only --data files).")
    var sets: String = "all"

    @Option(help: "Your own labelled file, one more set (repeat for several): 0/1 labels in --label-column, test rows marked 'test' in --split-column if given. Files keep their own labels (--labels applies to MoleculeACE sets).")
    var data: [String] = []

    @Option(help: "SMILES column of --data files.")
    var smilesColumn: String = "smiles"

    @Option(help: "Label column (0/1) of --data files.")
    var labelColumn: String = "label"

    @Option(help: "Column of --data files marking the external test set ('test'); without it a random 20% is the test set.")
    var splitColumn: String?

    @Option(help: "Public transfer molecules: 'chembl+moses' (the default: the other MoleculeACE sets' molecules, then MOSES; poc draws from MOSES only) or a file of SMILES every candidate draws from.")
    var transfer: String = "chembl+moses"

    @Option(parsing: .unconditional, help: "Transfer molecules every candidate annotates (default: each preset's, 50000).")
    var transferSize: Int?

    @Option(parsing: .unconditional, help: "Student molecules every candidate asks for (default: each preset's; half-student asks half).")
    var studentSize: Int?

    @Option(parsing: .unconditional, help: "Trees of every random forest (FLuID: 150).")
    var trees: Int?

    @Option(parsing: .unconditional, help: "Maximum depth of every random forest (FLuID: 15).")
    var maxDepth: Int?

    @Option(help: "Labelling rules, comma-separated: an nM threshold (active when exp_mean ≤ it) or 'median'.")
    var labels: String = "100,median"

    @Option(help: "Candidate configurations, comma-separated, or 'all'. (\(Generalisation.candidateNames.joined(separator: ", ")))")
    var candidates: String = "all"

    @Flag(help: "Test on a Bemis–Murcko scaffold split (DeepChem's rule: the rarest scaffolds, 20% of the molecules) instead of each set's own split; the sets are named 'NAME (scaffold split)'.")
    var scaffoldSplit = false

    @Option(parsing: .unconditional, help: "Folds of sets for the leave-sets-out choice.")
    var folds: Int = 5

    @Option(parsing: .unconditional, help: "Partners of each virtual consortium (fewer when a set cannot give each both classes).")
    var partners: Int = ConsortiumSettings().partners

    @Option(parsing: .unconditional, help: "Number of seeds (0, 1, …), each a full repetition of every run.")
    var seeds: Int = 3

    @Option(parsing: .unconditional, help: "First seed.")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(help: "Cache directory for public data (default: $CONCORD_CACHE or ~/.cache/concord).")
    var cache: String?

    @Option(help: "Output directory.")
    var out: String

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1") }
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2: one fold chooses, another is reported") }
        guard partners >= 2 else { throw ValidationError("--partners must be at least 2") }
        if let threads { guard threads >= 1 else { throw ValidationError("--threads must be at least 1") } }
        for (name, value, least) in [("--transfer-size", transferSize, 2), ("--student-size", studentSize, 4), ("--trees", trees, 1), ("--max-depth", maxDepth, 1)] {
            if let value, value < least { throw ValidationError("\(name) must be at least \(least)") }
        }
        guard sets != "none" || !data.isEmpty else { throw ValidationError("--sets none leaves nothing to study: give --data files") }
        _ = try labelRules()
        _ = try candidateList()
    }

    func labelRules() throws -> [LabelRule] {
        let rules = try labels.split(separator: ",").map { try LabelRule(parsing: String($0)) }
        guard !rules.isEmpty else { throw ValidationError("--labels needs at least one rule") }
        guard Set(rules).count == rules.count else { throw ValidationError("--labels names a rule twice") }
        return rules
    }

    func candidateList() throws -> [String] {
        if candidates == "all" { return Generalisation.candidateNames }
        let names = candidates.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        for name in names where !Generalisation.candidateNames.contains(name) {
            throw ValidationError("--candidates: '\(name)' is not a candidate; choose from \(Generalisation.candidateNames.joined(separator: ", "))")
        }
        guard !names.isEmpty, Set(names).count == names.count else { throw ValidationError("--candidates needs distinct names") }
        return names
    }

    func run() async throws {
        let log = Log(quiet: quiet)
        let rules = try labelRules(), names = try candidateList()
        let scale = Generalisation.Scale(parallelism: threads ?? defaultParallelism, transferSize: transferSize, studentSize: studentSize,
                                         trees: trees, maxDepth: maxDepth)
        let all = Generalisation.candidates(scale)
        let chosen = names.compactMap { name in all.first { $0.name == name } }
        let fingerprint = SimulationSettings.standard.fingerprint
        let cacheURL = CacheOption.cache(cache)
        let setNames = sets == "none" ? [] : try studySets(cache: cacheURL)
        let files = data.map { StudySet.file($0) }
        let seedList = (0..<UInt64(seeds)).map { seed &+ $0 }
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let journal = directory.appendingPathComponent("runs.jsonl")
        var runs = try GeneralisationJournal.read(journal)
        if !runs.isEmpty { log("Resuming: \(runs.count) runs already in \(journal.path)") }
        var done = Set(runs.map { GeneralisationJournal.key($0.set, $0.labels, $0.candidate, $0.seed) })
        var unfit: [String] = []
        let clock = ContinuousClock(), start = clock.now
        let studySets = setNames.map { StudySet.moleculeACE($0) } + files
        for (index, study) in studySets.enumerated() {
            let set = study.name + (scaffoldSplit ? " (scaffold split)" : "")
            // The public pool (without this MoleculeACE set's own molecules) and its featurised cache serve every rule and seed of the set.
            var shared: (pool: [String], preferred: Int, caches: (pool: PoolFeatureCache, moses: PoolFeatureCache))?
            for rule in study.isFile ? [LabelRule.asLabelled] : rules {
                let pending = seedList.filter { seed in chosen.contains { !done.contains(GeneralisationJournal.key(set, rule.description, $0.name, seed)) } }
                if pending.isEmpty { continue }
                var (data, labelText) = try await load(study, rule: rule, fingerprint: fingerprint)
                if scaffoldSplit { data.isTest = try Self.scaffoldTest(data.smiles, name: set) }
                if shared == nil {
                    let (pool, preferred) = try FederationInput.pool(transfer: transfer, smilesColumn: "smiles", cache: cache,
                                                                     excludingSet: study.isFile ? nil : study.name)
                    shared = (pool, preferred, Studies.optionsCaches(pool: pool, preferred: preferred, options: fingerprint))
                }
                guard let (pool, preferred, caches) = shared else { continue }
                for seed in pending {
                    guard let k = try await Generalisation.partnersThatFit(data, settings: chosen.map(\.settings), asked: partners, seed: seed) else {
                        unfit.append("\(set) \(labelText) seed \(seed): not even 2 partners hold both classes")
                        log("\(set) \(labelText) seed \(seed): skipped, not even 2 partners hold both classes")
                        continue
                    }
                    let todo = chosen.filter { !done.contains(GeneralisationJournal.key(set, labelText, $0.name, seed)) }
                    let new = try await Generalisation.run(set: (set, labelText), data: data, pool: pool, preferred: preferred, candidates: todo,
                                                           partners: k, seed: seed, caches: caches)
                    try GeneralisationJournal.append(new, to: journal)
                    runs += new
                    for r in new { done.insert(GeneralisationJournal.key(r.set, r.labels, r.candidate, r.seed)) }
                    let figures = new.map { r in "\(r.candidate) \(r.closure.isFinite ? "\(Int((r.closure * 100).rounded()))%" : "no gap")" }
                    log("[\(index + 1)/\(studySets.count)] \(set) \(labelText) seed \(seed)\(k < partners ? " (\(k) partners)" : ""): "
                        + figures.joined(separator: ", ") + String(format: "  (%.0f s elapsed)", (clock.now - start).seconds))
                }
            }
        }
        // The journal may hold runs of sets, rules or candidates not asked this time: report only what was asked.
        let askedCandidates = Set(names)
        let suffix = scaffoldSplit ? " (scaffold split)" : ""
        let askedRules = Set(rules.map(\.description)), fileNames = Set(files.map { $0.name + suffix })
        let askedSets = Set(setNames.map { $0 + suffix })
        runs = runs.filter { run in
            askedCandidates.contains(run.candidate) && seedList.contains(run.seed)
                && (fileNames.contains(run.set) ? run.labels == LabelRule.asLabelled.description
                    : askedSets.contains(run.set) && askedRules.contains(GeneralisationResults.ruleName(run.labels)))
        }
        let results = GeneralisationResults.make(runs: runs, candidates: chosen, labels: rules.map(\.description), seeds: seedList,
                                                 folds: folds, foldSeed: seed, asked: partners, unfit: unfit,
                                                 seconds: (clock.now - start).seconds, version: Concord.configuration.version)
        let report = try ResultsWriter.write(results, to: directory)
        print(results.summaryText)
        print(String(format: "Total %.1f s. Report: ", (clock.now - start).seconds) + report.path)
    }

    /// The test rows of a Bemis–Murcko scaffold split of `smiles` (20%, the rarest scaffolds: DeepChem's deterministic rule).
    static func scaffoldTest(_ smiles: [String], name: String) throws -> [Bool] {
        var molecules: [Molecule] = []
        for (i, text) in smiles.enumerated() {
            do { molecules.append(try SMILES.parse(text)) } catch {
                throw CLIError("\(name): molecule \(i + 1) no longer parses for the scaffold split: \(error)")
            }
        }
        let split = try Splits.scaffold(molecules: molecules, testFraction: 0.2)
        var isTest = [Bool](repeating: false, count: smiles.count)
        for row in split.test { isTest[row] = true }
        return isTest
    }

    /// The sets asked for, each checked against the wheel.
    func studySets(cache: DataCache) throws -> [String] {
        let available = try MoleculeACE(wheelAt: WheelFetcher(cache: cache).fetch(.moleculeACE).url).setNames.sorted()
        if sets == "all" { return available }
        let names = sets.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.map {
            $0.hasPrefix("moleculeace:") ? String($0.dropFirst("moleculeace:".count)) : $0
        }
        for name in names where !available.contains(name) {
            throw CLIError("--sets: MoleculeACE has no set '\(name)' (see 'concord data list')")
        }
        guard Set(names).count == names.count else { throw CLIError("--sets names a set twice") }
        return names
    }

    /// The set's molecules labelled by `rule`, and the rule in words ("≤ 100 nM", "median (38 nM)", "as labelled").
    func load(_ study: StudySet, rule: LabelRule, fingerprint: MorganOptions) async throws -> (LabelledMolecules, String) {
        if case .file(let path) = study {
            var arguments = ["--data", path, "--smiles-column", smilesColumn, "--label-column", labelColumn]
            if let splitColumn { arguments += ["--split-column", splitColumn] }
            let loaded = try await FederationInput.load(try DatasetOptions.parse(arguments), fingerprint: fingerprint)
            if let skipped = FederationInput.skippedSummary(loaded.skipped) { Log(quiet: false)("\(study.name): " + skipped) }
            return (loaded.molecules, rule.description)
        }
        var arguments = ["--dataset", "moleculeace:\(study.name)"]
        if let cache = self.cache { arguments += ["--cache", cache] }
        switch rule {
        case .asLabelled:
            throw CLIError("a MoleculeACE set needs a labelling rule")
        case .below(let nM):
            let options = try DatasetOptions.parse(arguments + ["--active-below", String(nM)])
            return (try await FederationInput.load(options, fingerprint: fingerprint).molecules, rule.description)
        case .median:
            // The regression load keeps the pKi values and splits the labels at their median.
            let options = try DatasetOptions.parse(arguments + ["--task", "regression"])
            var data = try await FederationInput.load(options, fingerprint: fingerprint).molecules
            let values: [Double] = (data.values ?? []).sorted()
            let median = Generalisation.quantile(values, 0.5)
            data.values = nil
            let nM = pow(10, 9 - median)
            return (data, "median (\(nM >= 10 ? String(Int(nM.rounded())) : String(format: "%.2g", nM)) nM)")
        }
    }
}

/// A set of the generalisation study: a MoleculeACE set, or a user's labelled file.
enum StudySet: Hashable {
    case moleculeACE(String)
    case file(String)

    /// The set's name in the report: the MoleculeACE name, or the file's name.
    var name: String {
        switch self {
        case .moleculeACE(let name): name
        case .file(let path): URL(fileURLWithPath: path).lastPathComponent
        }
    }

    var isFile: Bool { if case .file = self { true } else { false } }
}

/// The journal of a generalisation study: one JSON run per line, appended as runs finish.
enum GeneralisationJournal {
    static func key(_ set: String, _ labels: String, _ candidate: String, _ seed: UInt64) -> String {
        "\(set)\u{1}\(GeneralisationResults.ruleName(labels))\u{1}\(candidate)\u{1}\(seed)"
    }

    /// The runs in `url`; none when it does not exist.
    static func read(_ url: URL) throws -> [Generalisation.Run] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let text = try String(contentsOf: url, encoding: .utf8)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var runs: [Generalisation.Run] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            do { runs.append(try decoder.decode(Generalisation.Run.self, from: Data(line.utf8))) } catch {
                throw CLIError("\(url.path), line \(i + 1): not a run of this study (\(error)); move the file away to start afresh")
            }
        }
        return runs
    }

    static func append(_ runs: [Generalisation.Run], to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var text = ""
        for run in runs { text += String(decoding: try encoder.encode(run), as: UTF8.self) + "\n" }
        if !FileManager.default.fileExists(atPath: url.path) { try Data().write(to: url) }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}
