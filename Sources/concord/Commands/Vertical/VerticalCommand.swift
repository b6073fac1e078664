import ArgumentParser
import ConcordData
import ConcordVertical
import ConcordReport
import Foundation

/// `concord vertical`: learning across features split between institutions.
struct VerticalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vertical",
        abstract: "Train one model across features that different institutions hold about the same patients.",
        subcommands: [VerticalSimulateCommand.self, VerticalInitCommand.self])
}

/// `concord vertical simulate`: the ACTG175 benchmark with both parties in one process.
struct VerticalSimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "ACTG175 split between a trial centre and a laboratory: PSI on pidnum, then vertical logistic regression (Paillier or secret sharing) or a split MLP (secret sharing).",
        discussion: """
            The trial centre (demographics, history, arm, outcome cens) and the laboratory (CD4/CD8 counts) \
            each hold 80% of the trial's patients (a seeded, documented overlap of 60%). They find their \
            shared patients by private set intersection, split them 70/30, and train logistic regression \
            exchanging only Paillier ciphertexts (2,048-bit keys) and masked sums, or (--protocol \
            secret-sharing) only one-time-padded values and additive shares in the ring of 64-bit integers, \
            with correlated randomness from a dealer that sees no data and must not collude with either party. \
            With --model mlp, a split MLP (an interactive layer of --hidden units over both parties' columns, \
            square activation, output at the trial centre) trains on additive shares in the ring of 128-bit \
            integers: every hidden value, score and residual stays split between the parties; each learns \
            only its own weights' gradients, and scoring opens only the scores to the centre. \
            Prints the test ROC-AUC beside the same model on the joined table and the centre's model alone. \
            Needs 'concord data fetch lifelines'.
            """)

    @Option(help: "The benchmark (only actg175 so far).")
    var benchmark = "actg175"

    @Option(help: "The model: logistic (logistic regression) or mlp (a split MLP, secret sharing only).")
    var model = "logistic"

    @Option(help: "Hidden units of the split MLP.")
    var hidden = 8

    @Option(help: "Gradient steps (default 30 for logistic regression, 300 for the MLP).")
    var iterations: Int?

    @Option(help: "Step size on standardised features (default 1 for logistic regression, 0.1 for the MLP).")
    var learningRate: Double?

    @Option(name: .customLong("protocol"), help: "How the cross terms are protected: paillier (each party's own 2,048-bit key; the default for logistic regression) or secret-sharing (additive shares with a dealer's correlated randomness; the MLP's only protocol).")
    var protocolName: String?

    /// The protocol: as given, else Paillier for logistic regression and secret sharing for the MLP.
    var method: String { protocolName ?? (model == "mlp" ? VerticalProtocol.secretSharing.rawValue : VerticalProtocol.paillier.rawValue) }

    @Option(help: "The seed of the documented overlap (which patients each party holds; 'concord vertical init' uses 175).")
    var seed: UInt64 = 175

    @Option(help: "The seed of the 70/30 train/test split of the shared patients (and of the MLP's initial weights): a vertical job's --seed, whose default is 1, so both train on the same rows.")
    var splitSeed: UInt64 = 1

    @Option(help: "Write the figures as JSON to this file.")
    var json: String?

    @Option(help: "Write the shared patients' split to this CSV file (pidnum,set with set train or test), for an outside check of the figures.")
    var writeSplit: String?

    func validate() throws {
        if benchmark != "actg175" { throw ValidationError("--benchmark must be actg175") }
        if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1") }
        if VerticalProtocol(rawValue: method) == nil { throw ValidationError("--protocol must be paillier or secret-sharing") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) { throw ValidationError("--learning-rate must be positive") }
        if model != "logistic" && model != "mlp" { throw ValidationError("--model must be logistic or mlp") }
        if model == "mlp" && method == VerticalProtocol.paillier.rawValue {
            throw ValidationError("--model mlp trains on secret shares only: Paillier would cost an encryption per hidden value and row, several times a step")
        }
        if !(1...256).contains(hidden) { throw ValidationError("--hidden must be 1 to 256") }
    }

    /// Prints who holds which patients, the PSI and the split, and writes the split to `--write-split` if given.
    func report(_ alignment: ACTG175Vertical.Alignment) throws {
        print("Trial centre: \(alignment.centre) patients; laboratory: \(alignment.laboratory); shared (PSI on pidnum): \(alignment.shared)")
        print(String(format: "PSI: %.2f s, %@", alignment.psiSeconds, formattedByteCount(alignment.psiBytes)))
        print("Training rows: \(alignment.trainRows); test rows: \(alignment.testRows)")
        guard let writeSplit else { return }
        let text = "pidnum,set\n" + alignment.trainPatients.map { "\($0),train\n" }.joined() + alignment.testPatients.map { "\($0),test\n" }.joined()
        do { try Data(text.utf8).write(to: URL(fileURLWithPath: writeSplit)) } catch {
            throw CLIError("cannot write the split", file: writeSplit, cause: error)
        }
    }

    /// Writes `object` as JSON to `--json`, if given.
    func write(_ object: [String: Any]) throws {
        guard let json else { return }
        do {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: json))
        } catch {
            throw CLIError("cannot write the figures", file: json, cause: error)
        }
    }

    func runMLP(table: DelimitedTable) async throws {
        let settings = SplitMLPSettings(hidden: hidden, iterations: iterations ?? SplitMLPSettings().iterations,
                                        learningRate: learningRate ?? SplitMLPSettings().learningRate, seed: splitSeed)
        let result: ACTG175Vertical.MLPResult
        do { result = try await ACTG175Vertical.runMLP(table: table, settings: settings, seed: seed, splitSeed: splitSeed) } catch {
            throw CLIError("the split-MLP run failed", cause: error)
        }
        try report(result.alignment)
        let traffic = result.model.traffic
        print(String(format: "Split MLP on secret shares (%d hidden units): %d steps in %.2f s; %@ between the parties (%d + %d ring elements of 16 bytes), %@ from the dealer",
                     hidden, settings.iterations, result.model.seconds, formattedByteCount(traffic.bytes - traffic.dealerBytes),
                     traffic.ciphertextsFromLabelHolder, traffic.ciphertextsFromFeatureHolder, formattedByteCount(traffic.dealerBytes)))
        print(String(format: "Scoring %d test rows on shares: %@", result.alignment.testRows, formattedByteCount(result.scoringTraffic.bytes)))
        print(String(format: "Test ROC-AUC: split MLP %.4f | joined table, same descent in the clear %.4f | joined table, logistic regression %.4f | trial centre alone %.4f",
                     result.verticalAUC, result.joinedSameDescentAUC, result.joinedAUC, result.centreAloneAUC))
        print(String(format: "Largest weight difference from the descent in the clear: %.2e", result.weightDifference))
        try write([
            "centre": result.alignment.centre, "laboratory": result.alignment.laboratory, "shared": result.alignment.shared,
            "train_rows": result.alignment.trainRows, "test_rows": result.alignment.testRows, "iterations": settings.iterations, "protocol": VerticalProtocol.secretSharing.rawValue,
            "model": "mlp", "hidden": hidden, "learning_rate": settings.learningRate, "seed": seed, "split_seed": splitSeed,
            "psi_seconds": result.alignment.psiSeconds, "psi_bytes": result.alignment.psiBytes,
            "vertical_auc": result.verticalAUC, "joined_same_descent_auc": result.joinedSameDescentAUC, "joined_auc": result.joinedAUC,
            "centre_alone_auc": result.centreAloneAUC, "weight_difference": result.weightDifference,
            "training_seconds": result.model.seconds, "training_bytes": traffic.bytes, "dealer_bytes": traffic.dealerBytes, "scoring_bytes": result.scoringTraffic.bytes,
        ])
    }

    func run() async throws {
        let table: DelimitedTable
        do {
            let url = try WheelFetcher(cache: DataCache.standard()).fetch(.lifelines).url
            table = try LifelinesData(wheelAt: url).table("ACTG175")
        } catch {
            throw CLIError("cannot read ACTG175 (run 'concord data fetch lifelines')", cause: error)
        }
        if model == "mlp" { return try await runMLP(table: table) }
        let iterations = iterations ?? 30
        let settings = VerticalSettings(iterations: iterations, learningRate: learningRate ?? 1, method: VerticalProtocol(rawValue: method) ?? .paillier)
        let result: ACTG175Vertical.Result
        do { result = try await ACTG175Vertical.run(table: table, settings: settings, seed: seed, splitSeed: splitSeed) } catch {
            throw CLIError("the vertical run failed", cause: error)
        }
        try report(result.alignment)
        print(String(format: "Vertical training (%@): %d steps in %.2f s, %@ exchanged (%d + %d %@)", method, iterations, result.model.seconds,
                     formattedByteCount(result.model.traffic.bytes), result.model.traffic.ciphertextsFromLabelHolder,
                     result.model.traffic.ciphertextsFromFeatureHolder, settings.method == .paillier ? "ciphertexts" : "ring elements between the parties; the bytes include the dealer's"))
        print(String(format: "Test ROC-AUC: vertical %.4f | joined table, same descent in the clear %.4f | joined table, logistic regression %.4f | trial centre alone %.4f",
                     result.verticalAUC, result.joinedTaylorAUC, result.joinedAUC, result.centreAloneAUC))
        print(String(format: "Largest weight difference from the descent in the clear: %.2e", result.weightDifference))
        try write([
            "centre": result.alignment.centre, "laboratory": result.alignment.laboratory, "shared": result.alignment.shared,
            "train_rows": result.alignment.trainRows, "test_rows": result.alignment.testRows, "iterations": iterations, "protocol": method, "model": "logistic", "seed": seed, "split_seed": splitSeed,
            "psi_seconds": result.alignment.psiSeconds, "psi_bytes": result.alignment.psiBytes,
            "vertical_auc": result.verticalAUC, "joined_taylor_auc": result.joinedTaylorAUC, "joined_auc": result.joinedAUC,
            "centre_alone_auc": result.centreAloneAUC, "weight_difference": result.weightDifference,
            "training_seconds": result.model.seconds, "training_bytes": result.model.traffic.bytes,
        ])
    }
}
