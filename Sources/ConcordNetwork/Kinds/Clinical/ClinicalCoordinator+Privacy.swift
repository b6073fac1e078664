import ConcordClinical
import ConcordFederation
import ConcordPrivacy
import ConcordStorage
import Foundation

/// A consortium's differential-privacy budget, kept by its coordinator (coordinator.yaml
/// `privacy_budget: {epsilon: 10, delta: 1e-5}`): the most ε and δ any one site may spend over
/// all the clinical jobs this coordinator runs.
///
/// Jobs compose in Rényi DP: each site's releases over all jobs (each job's subsampled Gaussian
/// mechanism, with its noise multiplier, sampling rate and steps for that site) are added order by
/// order in one accountant and turned into ε at the budget's δ, which is tighter than adding the
/// jobs' ε and δ and never below the truth for these mechanisms; a job counts with the ε planned for all its rounds from the moment it starts
/// training, whether it completes, stops early, fails or is cancelled. With a budget, a clinical
/// job without differential privacy is refused.
public struct PrivacyBudget: Codable, Sendable, Hashable {
    /// The most ε a site may spend.
    public var epsilon: Double
    /// The most δ a site may spend.
    public var delta: Double

    /// A budget of `epsilon` and `delta` per site.
    public init(epsilon: Double, delta: Double) { self.epsilon = epsilon; self.delta = delta }

    /// Checks the budget's values.
    /// - Throws: a message when ε is not positive and finite or δ not in (0, 1).
    func problem() -> String? {
        guard epsilon.isFinite, epsilon > 0 else { return "privacy_budget.epsilon must be finite and positive, got \(epsilon)" }
        guard delta > 0, delta < 1 else { return "privacy_budget.delta must lie in (0, 1), got \(delta)" }
        return nil
    }
}

extension ClinicalCoordinator {
    /// The job's privacy plan from the sites' training rows (nil without differential privacy).
    static func privacyPlan(_ spec: ClinicalJobSpec, rows: [Int?], _ context: CoordinatorJobContext) throws(CoordinatorRefusal) -> FederatedPrivacy? {
        let configuration = try Self.configuration(spec, context)
        guard configuration.privacy.isEnabled else { return nil }
        do { return try FederatedPrivacy.resolve(configuration, rows: rows.map { $0 ?? 0 }, names: spec.sites) }
        catch { throw CoordinatorRefusal(.failedPrecondition, "the job's differential privacy", context: .init(job: context.job.id, field: "privacy"), cause: error) }
    }

    /// The job's training settings with its privacy plan applied (client level: uniform weights, the coordinator's noise).
    static func privateConfiguration(_ spec: ClinicalJobSpec, rows: [Int?], _ context: CoordinatorJobContext) throws(CoordinatorRefusal) -> FederatedTrainingConfiguration {
        let configuration = try Self.configuration(spec, context)
        guard let plan = try privacyPlan(spec, rows: rows, context) else { return configuration }
        return configuration.applying(plan)
    }

    /// Refuses the job when a site would spend more than the consortium's budget, with the ε it would reach.
    ///
    /// Each site's releases over every clinical job this coordinator started (each job's subsampled
    /// Gaussian mechanism: its noise multiplier, sampling rate and steps for that site) are composed
    /// in one RDP accountant, with this job's added, and turned into ε at the budget's δ.
    func checkBudget(_ account: ClinicalPrivacy, _ spec: ClinicalJobSpec, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) {
        guard let budget else { return }
        var spent: [String: RDPAccountant] = [:], jobs: [String: [String]] = [:]
        let records: [JobRecord]
        do { records = try await context.store.jobs() } catch { throw CoordinatorRefusal(.internalError, "reading the jobs for the privacy budget", context: .init(job: context.job.id), cause: error) }
        for record in records where record.id != context.job.id && record.kind == ClinicalJob.name {
            let stored: ArtifactRecord?
            do { stored = try await context.store.artifact(Private.privacy, job: record.id) } catch { throw CoordinatorRefusal(.internalError, "reading job \(record.id)'s privacy account", context: .init(job: context.job.id), cause: error) }
            guard let stored, let earlier = try? StoredJSON.decode(ClinicalPrivacy.self, from: stored.data) else { continue }
            for site in earlier.sites {
                try Self.compose(site, into: &spent[site.name, default: RDPAccountant()], job: record.id, context)
                jobs[site.name, default: []].append(record.id)
            }
        }
        for site in account.sites {
            let before = spent[site.name] ?? RDPAccountant()
            var after = before
            try Self.compose(site, into: &after, job: context.job.id, context)
            func epsilon(_ accountant: RDPAccountant) throws(CoordinatorRefusal) -> Double {
                do { return try accountant.epsilon(delta: budget.delta).epsilon }
                catch { throw CoordinatorRefusal(.internalError, "the privacy budget's accountant", context: .init(job: context.job.id, field: "privacy"), cause: error) }
            }
            let reached = try epsilon(after)
            guard reached <= budget.epsilon else {
                let earlier = try epsilon(before)  // only the refusal says what was spent
                let others = jobs[site.name].map { " in jobs \($0.joined(separator: ", "))" } ?? ""
                throw CoordinatorRefusal(.failedPrecondition,
                                         "\(site.name) would reach ε = \(Self.figure(reached)) at δ = \(Self.figure(budget.delta)) (RDP composition of its \((jobs[site.name]?.count ?? 0) + 1) jobs), beyond the consortium's privacy budget of ε = \(Self.figure(budget.epsilon)), δ = \(Self.figure(budget.delta)) (spent ε = \(Self.figure(earlier))\(others); this job alone ε = \(Self.figure(site.epsilon)) at its δ = \(Self.figure(account.delta))); no round was trained",
                                         context: .init(job: context.job.id, partner: site.name, field: "privacy"))
            }
        }
    }

    /// Adds one job's releases for one site to that site's accountant.
    static func compose(_ site: ClinicalPrivacy.Site, into accountant: inout RDPAccountant, job: String, _ context: CoordinatorJobContext) throws(CoordinatorRefusal) {
        do { try accountant.composeGaussian(noiseMultiplier: site.noiseMultiplier, samplingRate: site.samplingRate, count: site.steps) }
        catch {
            throw CoordinatorRefusal(.failedPrecondition, "job \(job)'s releases for \(site.name) cannot be accounted (noise multiplier \(site.noiseMultiplier), sampling rate \(site.samplingRate), \(site.steps) steps)",
                                     context: .init(job: context.job.id, partner: site.name, field: "privacy"), cause: error)
        }
    }

    static func figure(_ x: Double) -> String { String(format: "%.4g", x) }
}
