import ConcordClinical
import SwiftProtobuf
import ArgumentParser
import ConcordFederation
import ConcordML
import ConcordNetwork
import ConcordReport
import ConcordWire
import Foundation

/// `concord job submit|status|cancel|report` for the consortium operator.
struct JobCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "job",
        abstract: "Submit, watch, cancel jobs and fetch their reports (the operator's commands).",
        subcommands: [Submit.self, Status.self, Cancel.self, Report.self])

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Submit a federated-distillation job.")
        @Option(help: "The operator's configuration file (YAML).") var config: String
        @Option(help: "Partners taking part (comma-separated certificate names).") var partners: String
        @OptionGroup var job: JobOptions
        @Flag(help: "Wait until the job completes, printing its progress.") var wait = false

        func run() async throws {
            let spec = try job.spec(partners: partners.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            let client = OperatorClient(config: try OperatorConfig.load(config))
            var status = try await client.submit(spec)
            Console.line("submitted \(status.jobID) (\(status.name))")
            if wait { status = try await Status.watch(client, jobID: status.jobID) }
            Status.printStatus(status)
        }
    }

    struct Status: AsyncParsableCommand {
        /// A clinical job's rounds, model and scores, and each site's part.
        static func printClinical(_ s: Concord_V2_JobStatus) {
            let c = s.clinical
            var line = "rounds \(c.roundsDone) of \(c.roundsPlanned)"
            if c.stoppedRound > 0 { line += " (stopped early after round \(c.stoppedRound))" }
            if c.validationLoss > 0 { line += String(format: ", federated validation loss %.4f", c.validationLoss) }
            if !c.modelSha256.isEmpty { line += ", final model SHA-256 \(c.modelSha256)" }
            print(line)
            if !c.privacyMode.isEmpty {
                print(String(format: "differential privacy: %@ level, ε = %.3f at δ = %g (the largest site's, planned for every round; each site's in the results)",
                             c.privacyMode, c.epsilon, c.delta))
            }
            if c.secureAggregation { print("secure aggregation: the coordinator learned only each round's weighted sum of the sites' models") }
            if s.finished, s.phase == "complete" {
                print(String(format: "test: mean client accuracy %.3f; pooled accuracy %.3f, F1 %.3f, ROC-AUC %.3f",
                             c.meanClientAccuracy, c.pooledAccuracy, c.pooledF1, c.pooledRocAuc))
                print(String(format: "at the F1-optimal threshold %.2f of the sites' summed validation counts: pooled F1 %.3f, mean client accuracy %.3f",
                             c.f1Threshold, c.pooledF1AtThreshold, c.meanClientAccuracyAtThreshold))
            }
            for p in s.partners {
                let mine = (try? Concord_V2_ClinicalPartnerStatus(serializedBytes: p.details)) ?? Concord_V2_ClinicalPartnerStatus()
                let mark = { (b: Bool) in b ? "✓" : "·" }
                let summary = p.uploads.first { $0.name == ClinicalJob.Upload.summary }?.complete ?? false
                print("  \(p.name.padding(toLength: 16, withPad: " ", startingAt: 0)) enrolled \(mark(p.enrolled))  summary \(mark(summary))  "
                      + "rounds aggregated \(mine.roundsAggregated)  weight \(String(format: "%.3f", mine.weight))  "
                      + "evaluation \(mark(p.submissions.contains(ClinicalJob.Submission.evaluation)))  training rows \(mine.trainingRows)")
            }
        }

        /// A PSI job's parties and what the coordinator saw of them: sizes and bytes, never identifiers.
        static func printPSI(_ s: Concord_V2_JobStatus) {
            let p = s.psi
            print("receiver \(p.receiver) (learns \(p.cardinalityOnly ? "how many identifiers are shared" : "the shared identifiers")); sender \(p.sender)"
                  + (p.revealToSender ? " (learns them too: the receiver reveals them)" : " (learns only the receiver's set size)"))
            if p.requestBytes > 0 { print("  request:  \(p.receiverSetSize) blinded identifiers, \(formattedByteCount(Int(p.requestBytes)))") }
            if p.responseBytes > 0 { print("  response: \(p.senderSetSize) blinded identifiers and \(p.receiverSetSize) tags, \(formattedByteCount(Int(p.responseBytes)))") }
            if p.revealBytes > 0 { print("  reveal:   \(p.revealedCount) shared positions, \(formattedByteCount(Int(p.revealBytes)))") }
            print("the coordinator learns the set sizes\(p.revealToSender ? " and the number shared" : ""), never an identifier")
        }

        /// A vertical job's parties, progress and result.
        static func printVertical(_ s: Concord_V2_JobStatus) {
            let v = s.vertical
            print("label holder \(v.labelHolder), feature holder \(v.featureHolder); \(v.rows) aligned rows (\(v.trainRows) training, \(v.testRows) test)")
            print("steps \(v.iterationsDone) of \(v.iterations); \(formattedByteCount(Int(v.bytesRelayed))) relayed (ciphertexts and masked sums only)")
            if v.testAuc > 0 { print(String(format: "test ROC-AUC %.4f on %d rows (%d positive), as the label holder reported it", v.testAuc, v.testRows, v.testPositives)) }
        }

        static let configuration = CommandConfiguration(abstract: "Show a job's state and every partner's progress.")
        @Option(help: "The operator's configuration file (YAML).") var config: String
        @Option(help: "The job (default: the most recent).") var job: String = ""
        @Flag(help: "Keep watching until the job finishes.") var watch = false

        func run() async throws {
            let client = OperatorClient(config: try OperatorConfig.load(config))
            let status = watch ? try await Self.watch(client, jobID: job) : try await client.status(jobID: job)
            Self.printStatus(status)
        }

        static func watch(_ client: OperatorClient, jobID: String) async throws -> Concord_V2_JobStatus {
            var last = ""
            return try await client.watch(jobID: jobID) { status, note in
                if let note { Console.line(note); last = "" }
                guard let status else { return }
                let line = "\(status.phaseTitle): \(status.message)"
                if line != last { Console.line(line); last = line }
            }
        }

        static func printStatus(_ s: Concord_V2_JobStatus) {
            print("job \(s.jobID) \"\(s.name)\": \(s.phaseTitle) — \(s.message)")
            if s.finished, s.createdUnixMs > 0, s.updatedUnixMs >= s.createdUnixMs {
                print(String(format: "job time: %.2f s from submission to the end (the coordinator's clock)", Double(s.updatedUnixMs - s.createdUnixMs) / 1000))
            }
            if s.kind == ClinicalJob.name { return printClinical(s) }
            if s.kind == PSIJob.name { return printPSI(s) }
            if s.kind == VerticalJob.name { return printVertical(s) }
            let details = s.distillation
            if details.task == ModelTask.regression.rawValue {
                print("regression job (the student regresses measured values; no threshold)" + (details.studentSha256.isEmpty ? "" : ", student SHA-256 \(details.studentSha256)"))
            } else if details.threshold > 0 { print("student threshold \(String(format: "%.2f", details.threshold)), SHA-256 \(details.studentSha256)") }
            func upload(_ p: Concord_V2_PartnerProgress, _ name: String) -> Concord_V2_UploadProgress {
                p.uploads.first { $0.name == name } ?? Concord_V2_UploadProgress()
            }
            let screened = s.phase == DistillationJob.screening.rawValue || s.partners.contains { upload($0, DistillationJob.Upload.screening).chunksReceived > 0 }
            for p in s.partners {
                let mark = { (b: Bool) in b ? "✓" : "·" }
                let annotation = upload(p, DistillationJob.Upload.annotation)
                let screening = upload(p, DistillationJob.Upload.screening)
                let calibration = p.submissions.contains(DistillationJob.Submission.calibration)
                let evaluation = p.submissions.contains(DistillationJob.Submission.evaluation)
                let calibrated = details.task == ModelTask.regression.rawValue ? "" : "calibration \(mark(calibration))  "
                print("  \(p.name.padding(toLength: 16, withPad: " ", startingAt: 0)) enrolled \(mark(p.enrolled))  \(screened ? "screening \(mark(screening.complete))  " : "")annotation \(annotation.chunksReceived)/\(annotation.chunksTotal)  \(calibrated)evaluation \(mark(evaluation))  teacher \(p.teacher.isEmpty ? "?" : p.teacher)")
            }
            if !s.latePartners.isEmpty { print("late: \(s.latePartners.joined(separator: ", "))") }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Cancel an unfinished job.")
        @Option(help: "The operator's configuration file (YAML).") var config: String
        @Option(help: "The job.") var job: String

        func run() async throws {
            let status = try await OperatorClient(config: try OperatorConfig.load(config)).cancel(jobID: job)
            Status.printStatus(status)
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Download a finished job's HTML report.")
        @Option(help: "The operator's configuration file (YAML).") var config: String
        @Option(help: "The job (default: the most recent).") var job: String = ""
        @Option(help: "Where to write the report.") var out: String = "report.html"

        func run() async throws {
            let data = try await OperatorClient(config: try OperatorConfig.load(config)).report(jobID: job)
            try data.write(to: URL(fileURLWithPath: out), options: .atomic)
            print("report written to \(out) (\(data.count) bytes)")
        }
    }
}

/// A job's settings, as the operator gives them (`job submit`, `consortium run`).
struct JobOptions: ParsableArguments {
    @Option(help: "A name for the job.") var name: String = "federated distillation"
    @Option(parsing: .unconditional, help: "Annotations needed to federate after the deadline (0: all).") var quorum: UInt32 = 0
    @Option(parsing: .unconditional, help: "Seconds to wait for annotations before federating with the quorum (0: wait for all).") var annotationDeadline: UInt32 = 0
    @Option(parsing: .unconditional, help: "Seconds to wait for calibration counts and evaluations (0: wait for all).") var evaluationDeadline: UInt32 = 0
    @Option(help: "Public molecules: moses, chembl, chembl+moses, or a SMILES file readable by the coordinator.") var transfer: String = "chembl+moses"
    @Option(parsing: .unconditional, help: "Public molecules to annotate (default: the preset's, 50000).") var transferSize: Int?
    @Option(parsing: .unconditional, help: "Domain-aware transfer selection: public molecules the partners screen first (domain distances only); 0 (the default) draws the transfer set at random.") var screenPool: Int?
    @Option(parsing: .unconditional, help: "Share of a screened transfer set chosen nearest the partners' domains (partners in turn; default 0.5); the rest is drawn at random from the pool.") var domainFraction: Double?
    @Option(parsing: .unconditional, help: "Molecules asked for the student (default: the preset's).") var studentSize: Int?
    @Option(help: "classification (the partners' labels are classes) or regression (their label column holds measured values, e.g. pKi; the student regresses them).") var task: ModelTask = .classification
    @Option(help: "Student selection: balanced, random, best, worst, mixed, ranked (the default's); regression: random (the default's) or best (lowest consensus spread first).") var selection: SelectionMode?
    @Option(help: "Consensus: weighted (the default), uniform, majority, confidence (nodes then send their teacher's own ROC-AUC with the annotation); regression: weighted or uniform.") var scheme: FederationScheme?
    @Option(parsing: .unconditional, help: "Exponent of the domain weights (1 − d)^p (2: FLuID's; default: the preset's).") var weightPower: Double?
    @Option(help: "Student model: rf, mlp (the default's), logreg, knn (regression: rf, mlp, knn).") var student: String?
    @Flag(inversion: .prefixedNo, help: "Train the student on consensus probabilities (the default's for classification; not for regression).") var softLabels: Bool?
    @Flag(inversion: .prefixedNo, help: "Train an MLP student on soft labels with one auxiliary output per partner (published with the consensus output only; the default's for classification).") var teacherHeads: Bool?
    @Option(parsing: .unconditional, help: "Temperature of soft labels: targets σ(logit(p) / T) (1: the consensus probabilities).") var softTemperature: Double?
    @Option(help: "Weighting of a soft-label MLP student's molecules: none (the default), confidence or domain.") var studentWeighting: StudentTraining.Weighting?
    @Flag(inversion: .prefixedNo, help: "Choose the threshold by federated calibration (the default's for classification; a regression job has no threshold).") var calibrate: Bool?
    @Option(parsing: .unconditional, help: "The job's seed.") var seed: UInt64 = 1
    @Option(help: "The job's kind: distillation (partners' molecules; the default), clinical (hospitals' patient tables; a consortium from 'consortium init --benchmark heart-disease' runs clinical jobs), psi (two parties' shared identifiers, by private set intersection; 'concord psi init') or vertical (logistic regression across the two parties' columns over a PSI job's shared patients).")
    var kind: String?
    @Option(help: "PSI: the partner that learns the result (default: the first of the two in name order).") var receiver: String?
    @Flag(help: "PSI: the receiver learns only how many identifiers are shared, not which.") var cardinalityOnly = false
    @Flag(help: "PSI: the receiver then tells the sender which of its identifiers are shared (the receiver's node must allow it).") var revealToSender = false
    @Option(help: "PSI: how both parties read dates written with separators: dmy, mdy or ymd.") var dateOrder: String?
    @Flag(help: "PSI: keep letters' case (identifiers are case-folded by default).") var caseSensitive = false
    @Option(help: "PSI: what the identifier is, in words, for both parties (e.g. \"the trial's patient number\").") var identifier: String?
    @Option(parsing: .unconditional, help: "PSI: the most distinct identifiers either party may hold (0: 10,000,000).") var maximumSetSize: UInt64 = 0
    @Option(parsing: .unconditional, help: "PSI and vertical: seconds each party has to send its message before the job fails (0: wait).") var messageDeadline: UInt32 = 0
    @Option(help: "Vertical: the completed PSI job (with --reveal-to-sender) whose shared identifiers align the rows.") var psiJob: String?
    @Option(help: "Vertical: the partner holding the outcome (default: the first of the two in name order).") var labelHolder: String?
    @Option(parsing: .unconditional, help: "Vertical: gradient steps (0: 30).") var iterations: UInt32 = 0
    @Option(parsing: .unconditional, help: "Vertical: the step size on standardised features (0: 1).") var learningRate: Double = 0
    @Option(parsing: .unconditional, help: "Vertical: bits of each party's Paillier key (0: 2048).") var modulusBits: UInt32 = 0
    @Option(parsing: .unconditional, help: "Vertical: the share of the shared rows kept for the test (0: 0.3).") var testFraction: Double = 0
    @Option(parsing: .unconditional, help: "Vertical: the largest message part in bytes (0: 3 MiB; 16 KiB … 4 MiB); a step's shares go in as many parts as they need.") var maxMessageBytes: UInt32 = 0
    @Option(help: "Clinical: the sites' tables and their encoding (heart-disease).") var benchmark: String = "heart-disease"
    @Option(help: "Clinical, on the sites' own tables: the common schema (YAML) every site harmonises onto, naming the outcome (a consortium from 'consortium init --data … --site-column …' writes it to private/schema.yaml).") var schema: String?
    @Option(help: "Clinical, with --schema: the outcome variable (default: the schema's outcome).") var label: String?
    @Option(help: "Clinical, with --schema: the outcome's positive value (a category's code; default: the schema's, true, or 1).") var positive: String?
    @Option(help: "Clinical, with --schema: the feature variables, comma-separated (default: every variable but the outcome).") var features: String?
    @Option(help: "Clinical: the strategy: fedavg, fedprox, scaffold, fedadam, fedyogi, fedadagrad, fedmedian, trimmed-mean or krum.") var strategy: String = "fedavg"
    @Option(help: "Distillation: default (Concord's) or poc (FLuID's published configuration). Clinical: concord (global normalisation from summed summaries, Concord's budget; the default) or flamby (per-site normalisation and FLamby's budget).") var preset: String?
    @Option(parsing: .unconditional, help: "Clinical: federated rounds (0: the preset's, 30 or 15).") var rounds: UInt32 = 0
    @Option(parsing: .unconditional, help: "Clinical: stop after this many rounds without improvement of the federated validation loss (0: never).") var patience: UInt32 = 0
    @Option(help: "Clinical: how each site's update counts: sample-count, uniform, validation-loss or update-similarity (default: the strategy's own).") var weighting: String?
    @Option(parsing: .unconditional, help: "Clinical: the fraction of sites asked to train each round (1: all).") var participation: Double = 1
    @Flag(name: .customLong("secure-aggregation"), help: "Clinical: combine each round's updates by a SecAgg+ secure sum, so the coordinator learns only their weighted sum (the sites' nodes need their kit certificates).") var secureAggregation = false
    @Option(parsing: .unconditional, help: "Clinical: seconds a round waits for every site's update before it aggregates with the quorum (0: wait for all).") var roundDeadline: UInt32 = 0
    @OptionGroup(title: "Clinical: differential privacy (as 'clinical simulate' takes it; the sites' noise comes from system entropy)") var privacy: ClinicalPrivacyOptions
    @Flag(help: "Clinical, with --dp: the noise from the job's public seed instead of system entropy, so the job repeats the simulation's model — for tests and demonstrations only: anyone who knows the seed can remove the noise.") var reproducibleNoise = false

    func validate() throws {
        if privacy.epsilons != nil { throw ValidationError("--epsilons draws a utility–ε curve in 'clinical simulate'; a job takes one --epsilon") }
        if privacy.systemNoise { throw ValidationError("a job's noise comes from system entropy already; --system-noise is for 'clinical simulate'") }
        if reproducibleNoise, privacy.mode == DifferentialPrivacyOptions.Mode.none { throw ValidationError("--reproducible-noise needs --dp record|client|local") }
        guard kind == nil || kind == "distillation" || kind == "clinical" || kind == "psi" || kind == "vertical" else { throw ValidationError("--kind must be distillation, clinical, psi or vertical") }
        if kind == "vertical", psiJob == nil { throw ValidationError("a vertical job needs --psi-job (a completed PSI job with --reveal-to-sender)") }
    }

    /// The job's specification for `partners`; `kind` (from a consortium's node configurations) when `--kind` is not given,
    /// and `schema` (a consortium's common schema) when `--schema` is not given.
    /// - Throws: ``CLIError`` when the schema file cannot be read.
    func spec(partners: [String], kind fallback: String = "distillation", schema defaultSchema: String? = nil) throws -> Concord_V2_JobSpec {
        var spec = Concord_V2_JobSpec()
        spec.name = name
        spec.partners = partners
        spec.quorum = quorum
        spec.collectionDeadlineS = annotationDeadline
        spec.finalDeadlineS = evaluationDeadline
        spec.seed = seed
        if (kind ?? fallback) == "vertical" {
            if name == "federated distillation" { spec.name = "vertical logistic regression" }
            spec.collectionDeadlineS = messageDeadline
            var vertical = Concord_V2_VerticalSpec()
            vertical.psiJob = psiJob ?? ""
            vertical.labelHolder = labelHolder ?? ""
            vertical.iterations = iterations
            vertical.learningRate = learningRate
            vertical.modulusBits = modulusBits
            vertical.testFraction = testFraction
            vertical.maxMessageBytes = maxMessageBytes
            spec.vertical = vertical
            return spec
        }
        if (kind ?? fallback) == "psi" {
            if name == "federated distillation" { spec.name = "shared identifiers" }
            spec.collectionDeadlineS = messageDeadline
            var psi = Concord_V2_PSISpec()
            psi.receiver = receiver ?? ""
            psi.cardinalityOnly = cardinalityOnly
            psi.revealToSender = revealToSender
            psi.dateOrder = dateOrder ?? ""
            psi.caseSensitive = caseSensitive
            psi.identifier = identifier ?? ""
            psi.maximumSetSize = maximumSetSize
            spec.psi = psi
            return spec
        }
        if (kind ?? fallback) == "clinical" {
            if name == "federated distillation" { spec.name = "clinical federation" }
            spec.collectionDeadlineS = roundDeadline
            var clinical = Concord_V2_ClinicalSpec()
            clinical.benchmark = benchmark
            clinical.strategy = strategy
            clinical.preset = preset ?? "concord"
            clinical.rounds = rounds
            clinical.patience = patience
            clinical.weighting = weighting ?? ""
            clinical.participation = participation
            clinical.secureAggregation = secureAggregation
            let dp = try privacy.options()
            if dp.isEnabled {
                var wire = Concord_V2_ClinicalPrivacySpec()
                wire.mode = dp.mode.rawValue
                wire.epsilon = dp.epsilon ?? 0
                wire.delta = dp.delta
                wire.clip = dp.clipNorm
                wire.noiseMultiplier = dp.noiseMultiplier ?? 0
                wire.lotSize = UInt32(clamping: dp.lotSize ?? 0)
                wire.learningRate = dp.learningRate ?? 0
                wire.siteEpsilons = dp.siteEpsilons ?? []
                wire.reproducibleNoise = reproducibleNoise
                clinical.privacy = wire
            }
            if let path = schema ?? defaultSchema {
                clinical.benchmark = "table"
                do { clinical.schemaYaml = try String(contentsOfFile: path, encoding: .utf8) } catch {
                    throw CLIError("cannot read the schema", file: path, cause: error)
                }
                clinical.label = label ?? ""
                clinical.positive = positive ?? ""
                clinical.features = features.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
            } else if label != nil || positive != nil || features != nil {
                throw CLIError("--label, --positive and --features describe a job on the sites' own tables; give its --schema")
            }
            spec.clinical = clinical
            return spec
        }
        if try privacy.options().isEnabled { throw CLIError("--dp is for clinical jobs (a distillation job's privacy is not yet accounted)") }
        spec.distillation = try distillationSpec()
        return spec
    }

    /// A distillation job's settings: the preset (`--preset default|poc`) with every option given, as
    /// `concord simulate` takes them (``SettingsRequest``), in the job's wire form.
    /// - Throws: ``CLIError`` for an unknown preset, or a choice the task refuses or that is out of range.
    func distillationSpec() throws -> Concord_V2_DistillationSpec {
        guard let choice = SettingsRequest.Preset(rawValue: preset ?? SettingsRequest.Preset.standard.rawValue) else {
            throw CLIError("--preset must be default or poc for a distillation job (concord and flamby are the clinical presets)")
        }
        var request = SettingsRequest(preset: choice)
        request.transferSize = transferSize; request.transferPool = screenPool; request.domainFraction = domainFraction
        request.studentSize = studentSize; request.selection = selection; request.scheme = scheme; request.weightPower = weightPower
        request.student = student; request.softLabels = softLabels; request.teacherHeads = teacherHeads
        request.softTemperature = softTemperature; request.studentWeighting = studentWeighting; request.calibrate = calibrate
        do {
            try request.validate()
            switch task {
            case .classification: return Concord_V2_DistillationSpec(try request.classification(), transferSource: transfer)
            case .regression: return Concord_V2_DistillationSpec(try request.regression(valueName: "value"), transferSource: transfer)
            }
        } catch { throw CLIError(error.message, cause: error.cause) }
    }
}
