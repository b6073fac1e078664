import ArgumentParser
import ConcordClinical
import Foundation

/// `concord clinical simulate`'s differential-privacy options.
struct ClinicalPrivacyOptions: ParsableArguments {
    @Option(help: "Differential privacy: none (default), record (DP-SGD at each site: protects a patient), client (DP-FedAvg at the coordinator: protects a site's participation) or local (each site noises its own update: protects it against the coordinator too).")
    var dp: String = "none"

    @Option(parsing: .unconditional, help: "The target ε (each site's, the largest is reported).")
    var epsilon: Double?

    @Option(help: "A utility–ε curve: comma-separated target ε values (e.g. 0.1,0.3,1,3,10); each is trained on every seed beside the same run without DP. Without --epsilon the main results are the non-private run's.")
    var epsilons: String?

    @Option(help: "With --dp local: each site's own target ε, comma-separated in site order.")
    var siteEpsilons: String?

    @Option(parsing: .unconditional, help: "δ (default 1e-3, below one over the smallest heart-disease site's training rows).")
    var delta: Double = 1e-3

    @Option(parsing: .unconditional, help: "The L2 clipping norm: of each patient's gradient (record) or of each site's update (client, local). Default: \(ClinicalPrivacyDefaults.describe).")
    var clip: Double?

    @Option(parsing: .unconditional, help: "A fixed noise multiplier (noise standard deviation over the sensitivity) instead of a target ε; ε is then reported.")
    var noiseMultiplier: Double?

    @Option(help: "With --dp record: the expected lot size (each training row joins a lot with probability lot / rows). Default: \(ClinicalPrivacyDefaults.lotSize).")
    var lotSize: Int?

    @Option(help: "With --dp record: DP-SGD's learning rate. Default: \(ClinicalPrivacyDefaults.learningRate).")
    var dpLearningRate: Double?

    @Flag(help: "Draw the noise from fresh system entropy (what a deployment does; not reproducible). By default a simulation's noise derives from its seed, and the results say so.")
    var systemNoise = false

    /// The mode, if the name is known.
    var mode: DifferentialPrivacyOptions.Mode? { DifferentialPrivacyOptions.Mode(rawValue: dp.lowercased()) }

    func validate() throws {
        guard let mode else { throw ValidationError("unknown --dp '\(dp)'; choose one of \(DifferentialPrivacyOptions.modeNames.joined(separator: ", "))") }
        let given: [(String, Bool)] = [("--epsilon", epsilon != nil), ("--epsilons", epsilons != nil), ("--site-epsilons", siteEpsilons != nil), ("--clip", clip != nil),
                                       ("--noise-multiplier", noiseMultiplier != nil), ("--lot-size", lotSize != nil), ("--dp-learning-rate", dpLearningRate != nil),
                                       ("--system-noise", systemNoise)]
        guard mode != .none else {
            if let option = given.first(where: \.1)?.0 { throw ValidationError("\(option) needs --dp record|client|local") }
            return
        }
        for value in [epsilon].compactMap({ $0 }) + (try list(epsilons, "--epsilons")) + (try list(siteEpsilons, "--site-epsilons")) where !(value.isFinite && value > 0) {
            throw ValidationError("ε must be finite and positive, got \(value)")
        }
        guard delta > 0, delta < 1 else { throw ValidationError("--delta must lie in (0, 1), got \(delta)") }
        if let clip, !(clip.isFinite && clip > 0) { throw ValidationError("--clip must be finite and positive, got \(clip)") }
        if let noiseMultiplier {
            guard noiseMultiplier.isFinite, noiseMultiplier >= 0 else { throw ValidationError("--noise-multiplier must be finite and non-negative, got \(noiseMultiplier)") }
            guard epsilon == nil, epsilons == nil, siteEpsilons == nil else { throw ValidationError("give --epsilon (or --epsilons) or --noise-multiplier, not both") }
        } else if epsilon == nil, epsilons == nil, siteEpsilons == nil {
            throw ValidationError("--dp \(mode.rawValue) needs --epsilon E (or --epsilons, or --noise-multiplier Z)")
        }
        if siteEpsilons != nil {
            guard mode == .local else { throw ValidationError("--site-epsilons is for --dp local, where each site calibrates its own noise") }
            guard epsilon == nil else { throw ValidationError("give --epsilon or --site-epsilons, not both") }
        }
        if mode != .record {
            if lotSize != nil { throw ValidationError("--lot-size is for --dp record (DP-SGD's lots)") }
            if dpLearningRate != nil { throw ValidationError("--dp-learning-rate is for --dp record (DP-SGD)") }
        }
        if let lotSize, lotSize < 1 { throw ValidationError("--lot-size must be at least 1, got \(lotSize)") }
        if let dpLearningRate, !(dpLearningRate.isFinite && dpLearningRate > 0) { throw ValidationError("--dp-learning-rate must be finite and positive, got \(dpLearningRate)") }
    }

    /// The library's options.
    func options() throws -> DifferentialPrivacyOptions {
        guard let mode, mode != .none else { return .none }
        return DifferentialPrivacyOptions(mode: mode, epsilon: epsilon, delta: delta, clipNorm: clip ?? ClinicalPrivacyDefaults.clip(mode),
                                          noiseMultiplier: noiseMultiplier, lotSize: mode == .record ? lotSize ?? ClinicalPrivacyDefaults.lotSize : nil,
                                          learningRate: mode == .record ? dpLearningRate ?? ClinicalPrivacyDefaults.learningRate : nil,
                                          siteEpsilons: siteEpsilons == nil ? nil : try list(siteEpsilons, "--site-epsilons"), reproducibleNoise: !systemNoise)
    }

    /// The curve's ε values (nil without --epsilons).
    func curve() throws -> [Double]? { epsilons == nil ? nil : try list(epsilons, "--epsilons") }

    private func list(_ text: String?, _ name: String) throws -> [Double] {
        guard let text else { return [] }
        return try text.split(separator: ",").map { part in
            guard let value = Double(part.trimmingCharacters(in: .whitespaces)) else { throw ValidationError("\(name) takes comma-separated numbers, got '\(part)'") }
            return value
        }
    }
}

/// The DP hyper-parameters `concord clinical simulate` uses when none are given, chosen on the
/// federated model's final training loss (the sites' summed loss on their training rows, never a
/// test set) over seeds 0–4 on Fed-Heart-Disease with Concord's preset: record level at ε = 1 over
/// lot sizes 16, 32, 64, clips 0.3, 1, 3 and learning rates 0.02–0.2; client level at ε = 10 over
/// clips 0.03–3 and 5, 10 or 30 rounds (30 kept).
enum ClinicalPrivacyDefaults {
    /// Record level: each patient's gradient clipped to this L2 norm.
    static let recordClip = 1.0
    /// Client and local levels: each site's update clipped to this L2 norm.
    static let updateClip = 0.1
    /// Record level: the expected lot size.
    static let lotSize = 32
    /// Record level: DP-SGD's learning rate.
    static let learningRate = 0.05

    static func clip(_ mode: DifferentialPrivacyOptions.Mode) -> Double { mode == .record ? recordClip : updateClip }
    static var describe: String { "\(recordClip) for record, \(updateClip) for client and local" }
}
