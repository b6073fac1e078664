import ArgumentParser
import ConcordPrivacy
import Foundation

/// `concord privacy`: privacy accounting anyone can check.
struct PrivacyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "Privacy accounting: what a release costs in (ε, δ).",
        subcommands: [Epsilon.self])

    struct Epsilon: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "ε of the Gaussian mechanism composed over steps, each on a Poisson subsample (RDP accountant).",
            discussion: """
                One release: --steps 1. Client-level DP-FedAvg over 15 rounds with every site each round: --steps 15.
                DP-SGD: --sampling-rate (batch / rows) and --steps (epochs × rows / batch). The figure agrees with
                Google's dp-accounting 0.6.0 (RdpAccountant) to 1e-6 relative.
                """)

        @Option(parsing: .unconditional, help: "The noise's standard deviation divided by the sensitivity (z, σ).") var noiseMultiplier: Double
        @Option(parsing: .unconditional, help: "The number of releases composed.") var steps: Int
        @Option(parsing: .unconditional, help: "The probability that a record (or site) takes part in a release (1: every release sees all).")
        var samplingRate: Double = 1
        @Option(parsing: .unconditional, help: "δ.") var delta: Double = 1e-5
        @Option(help: "The accountant: rdp (the privacy-loss-distribution accountant is not built yet).") var accountant: String = "rdp"
        @Flag(help: "Print JSON: {\"epsilon\", \"delta\", \"accountant\", \"order\", …}.") var json = false

        func validate() throws {
            guard accountant == "rdp" else { throw ValidationError("--accountant must be rdp (pld is not built yet)") }
            guard steps >= 0 else { throw ValidationError("--steps cannot be negative") }
        }

        func run() throws {
            var rdp = RDPAccountant()
            let figure: (epsilon: Double, order: Double)
            do {
                try rdp.composeGaussian(noiseMultiplier: noiseMultiplier, samplingRate: samplingRate, count: steps)
                figure = try rdp.epsilon(delta: delta)
            } catch { throw CLIError("cannot account for this release", cause: error) }
            if json {
                let object: [String: Any] = ["epsilon": figure.epsilon.isFinite ? figure.epsilon as Any : "inf", "delta": delta, "accountant": accountant,
                                             "order": figure.order, "noise_multiplier": noiseMultiplier, "sampling_rate": samplingRate, "steps": steps]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(String(format: "ε = %.6g at δ = %g (RDP, best order %g): Gaussian mechanism, noise multiplier %g, sampling rate %g, %d steps",
                             figure.epsilon, delta, figure.order, noiseMultiplier, samplingRate, steps))
            }
        }
    }
}
