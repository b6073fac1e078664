public import ArgumentParser
import ConcordChem
import ConcordFederation
import ConcordML
import Foundation

enum PresetChoice: String, ExpressibleByArgument, CaseIterable {
    case poc, `default`
}

/// `--task classification|regression` (train, simulate, study): the one task enum of the libraries.
extension ModelTask: ArgumentParser.ExpressibleByArgument {}
extension SelectionMode: ArgumentParser.ExpressibleByArgument {}
extension FederationScheme: ArgumentParser.ExpressibleByArgument {}
extension DistanceScale: ArgumentParser.ExpressibleByArgument {}
extension StudentTraining.Weighting: ArgumentParser.ExpressibleByArgument {}
extension Hybrid.Model: ArgumentParser.ExpressibleByArgument {}

/// The federation's settings as command-line options, applied over a preset.
struct FederationOptions: ParsableArguments {
    @Option(name: .customLong("preset"), help: "poc: FLuID's published configuration exactly; default: Concord's (the default).")
    var presetGiven: PresetChoice?

    /// The preset asked for, or the default one.
    var preset: PresetChoice {
        get { presetGiven ?? .default }
        set { presetGiven = newValue }
    }

    @Option(parsing: .unconditional, help: "Partners in the virtual consortium (k-means clusters).")
    var partners: Int?

    @Option(help: "Public transfer molecules: 'moses' (1.58 M ZINC molecules), 'chembl' (the molecules of the other 29 MoleculeACE sets, unlabelled), 'chembl+moses', or a file of SMILES. Default: moses for --preset poc, chembl+moses otherwise.")
    var transfer: String?

    @Option(help: "SMILES column of a --transfer file.")
    var transferSmilesColumn: String = "smiles"

    @Option(parsing: .unconditional, help: "Transfer molecules to sample and annotate (FLuID: 50000).")
    var transferSize: Int?

    @Option(parsing: .unconditional, help: "Public molecules to screen before choosing the transfer set by the partners' domains (0: a random transfer set, as FLuID).")
    var transferPool: Int?

    @Option(parsing: .unconditional, help: "Share of a screened transfer set chosen by the partners' domains (the rest at random from the pool).")
    var domainFraction: Double?

    @Option(parsing: .unconditional, help: "Student molecules to select (FLuID: 10000).")
    var studentSize: Int?

    @Option(help: "Student selection: balanced, random, best, worst, mixed or ranked.")
    var selection: SelectionMode?

    @Option(help: "Consensus: weighted (FLuID), uniform, majority, or confidence (domain weight × each teacher's own reliability).")
    var scheme: FederationScheme?

    @Option(parsing: .unconditional, help: "Exponent of the domain weights (1 − d)^p: 2 is FLuID's; larger hands each public molecule more completely to the partners nearest it.")
    var weightPower: Double?

    @Option(help: "Let the coordinator choose the power of the domain weights among these (e.g. 16,8,4,2) by federated validation: each partner scores each candidate consensus on its own validation molecules and returns only confusion counts (simulation; pooled scale).")
    var weightPowerCandidates: String?

    @Option(help: "How domain distances become weights: pooled (min–max over every partner, FLuID) or public (max(0, 1 − d / reach)^p with a reach from the public transfer set, which each partner applies alone).")
    var distanceScale: DistanceScale?

    @Flag(help: "Sum each partner's domain-weighted probabilities and weights with SecAgg+ (the coordinator sees only the sums); implies --distance-scale public and, unless asked for, --teacher-heads false; refuses options that need one partner's annotation.")
    var secureAggregation = false

    @Option(parsing: .unconditional, help: "Fraction of training molecules held out for validation.")
    var validationFraction: Double?

    @Option(parsing: .unconditional, help: "Fraction of molecules moved to a random partner after k-means.")
    var smoothing: Double?

    @Option(help: "Teacher model for every partner (rf, mlp, logreg, knn), or a comma-separated list, one per partner.")
    var teacher: String?

    @Option(help: "Student model: rf, mlp, logreg or knn.")
    var student: String?

    @Option(help: "Train the student on consensus probabilities (true) or hard labels (false).")
    var softLabels: Bool?

    @Option(help: "Train an MLP student on soft labels with one auxiliary output per teacher, keeping the consensus output alone (true), or with the consensus output only (false).")
    var teacherHeads: Bool?

    @Option(parsing: .unconditional, help: "Temperature of soft labels: targets σ(logit(p) / T); below 1 sharpens them, above 1 softens them (default 1).")
    var softTemperature: Double?

    @Option(help: "Weighting of a soft-label MLP student's molecules: none, confidence (|2p − 1|) or domain (nearness to the nearest partner).")
    var studentWeighting: StudentTraining.Weighting?

    @Option(help: "Choose the student's threshold by federated calibration (true) or use 0.5 (false).")
    var calibrate: Bool?

    @Option(help: "Each partner chooses its hybrid's threshold on its own validation molecules (true) or uses 0.5 (false).")
    var calibrateHybrids: Bool?

    @Option(help: "Under-sample the majority class 1:1 before training each hybrid (FLuID: true).")
    var hybridUndersample: Bool?

    @Option(parsing: .unconditional, help: "Public molecules per private molecule in each hybrid (default preset: 0.5; poc: the whole student selection, as FLuID).")
    var hybridPublicRatio: Double?

    @Option(help: "What each hybrid is: recipe (a fresh forest on own and public molecules, as FLuID) or finetune (the student fine-tuned on them).")
    var hybridModel: Hybrid.Model?

    @Option(help: "Partners abstain on their own molecules: off, identity, or a Tanimoto threshold such as 0.9 (identity and similarity).")
    var selfGuard: String?

    @Option(parsing: .unconditional, help: "Trees of every random forest (FLuID: 150).")
    var trees: Int?

    @Option(parsing: .unconditional, help: "Maximum depth of every random forest (FLuID: 15).")
    var maxDepth: Int?

    @Option(parsing: .unconditional, help: "Number of seeds (0, 1, …), each a full repetition.")
    var seeds: Int = 1

    @Option(parsing: .unconditional, help: "First seed.")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Worker threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1") }
        do { try request().validate() } catch let error as FederationError { throw ValidationError(error.message) }
    }

    var transferSource: String { transfer ?? (preset == .poc ? "moses" : "chembl+moses") }

    func guardSetting() throws -> SelfAnnotationGuard? {
        guard let selfGuard else { return nil }
        guard let setting = SelfAnnotationGuard(setting: selfGuard) else {
            throw ValidationError("--self-guard must be off, identity or a Tanimoto threshold in (0, 1]")
        }
        return setting
    }

    var seedList: [UInt64] { (0..<UInt64(seeds)).map { seed &+ $0 } }

    /// The request the options make: the preset and every option given.
    func request() throws -> SettingsRequest {
        var r = SettingsRequest(preset: preset == .poc ? .poc : .standard)
        r.partners = partners; r.transferSize = transferSize; r.transferPool = transferPool; r.domainFraction = domainFraction
        r.studentSize = studentSize; r.selection = selection; r.scheme = scheme; r.weightPower = weightPower
        r.distanceScale = distanceScale; r.secureAggregation = secureAggregation ? true : nil
        r.validationFraction = validationFraction; r.smoothing = smoothing; r.threads = threads; r.student = student
        r.softLabels = softLabels; r.teacherHeads = teacherHeads; r.softTemperature = softTemperature; r.studentWeighting = studentWeighting
        r.calibrate = calibrate; r.calibrateHybrids = calibrateHybrids; r.hybridUndersample = hybridUndersample
        r.hybridPublicRatio = hybridPublicRatio; r.hybridModel = hybridModel; r.selfGuard = try guardSetting()
        r.teachers = teacher.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        r.trees = trees; r.maxDepth = maxDepth
        r.weightPowerCandidates = try weightPowerCandidates.map { text in
            try text.split(separator: ",").map { part in
                guard let value = Double(part.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--weight-power-candidates takes numbers separated by commas, e.g. 16,8,4,2; '\(part)' is not one")
                }
                return value
            }
        }
        return r
    }

    /// The classification preset with every given option applied (see ``SettingsRequest/classification()``).
    func settings() throws -> SimulationSettings {
        let request = try request()
        do { return try request.classification() } catch { throw CLIError(error.message, cause: error.cause) }
    }

    /// The regression preset with every given option applied (see ``SettingsRequest/regression(valueName:)``).
    /// - Throws: `CLIError` for options that have no meaning in regression.
    func regressionSettings(valueName: String) throws -> RegressionSettings {
        let request = try request()
        do { return try request.regression(valueName: valueName) } catch { throw CLIError(error.message, cause: error.cause) }
    }
}
