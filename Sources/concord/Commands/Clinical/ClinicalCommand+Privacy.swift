import ConcordClinical
import Foundation

extension ClinicalSimulateCommand {
    /// The summary's lines on differential privacy: the run's ε, each site's, and the curve.
    static func privacyLines(_ results: ClinicalResults) -> [String] {
        var lines: [String] = []
        if let p = results.privacy {
            let sites = p.sites.map { "\($0.name) \(String(format: "%.3g", $0.epsilon))" }.joined(separator: ", ")
            lines.append("Differential privacy, \(p.mode) level (\(p.accountant) accountant): ε = \(String(format: "%.3g", p.epsilon)) at δ = \(p.delta) "
                         + "(the largest over sites: \(sites)); noise multiplier \(String(format: "%.4g", p.noiseMultiplier)), clip \(p.clipNorm)"
                         + (p.reproducibleNoise ? "; noise reproducible from the seed (a simulation, not a deployment)" : "; noise from system entropy"))
            if let amplified = p.amplifiedEpsilon {
                lines.append("  with amplification by subsampling, were the draw of sites Poisson and secret (an approximation): ε ≈ \(String(format: "%.3g", amplified))")
            }
        }
        if let curve = results.privacyCurve {
            lines.append("Utility–ε curve (\(curve.mode) level, δ = \(curve.delta), \(curve.seeds.count) seed(s)): mean-client accuracy without DP \(String(format: "%.3f", curve.nonPrivateAccuracy))")
            for point in curve.points {
                lines.append("  ε \(String(format: "%-5g", point.targetEpsilon)) → \(String(format: "%.3f", point.meanClientAccuracy)) "
                             + "(\(String(format: "%+.3f", point.meanClientAccuracy - curve.nonPrivateAccuracy)); largest ε paid \(String(format: "%.3g", point.epsilon)), noise multiplier \(String(format: "%.3g", point.noiseMultiplier)))")
            }
        }
        return lines
    }
}
