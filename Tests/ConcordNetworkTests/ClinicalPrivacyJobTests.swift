import ConcordClinical
import ConcordML
import ConcordPrivacy
import ConcordReport
import ConcordStorage
import ConcordTesting
import ConcordWire
import Foundation
import Logging
import SwiftProtobuf
import Testing
@testable import ConcordNetwork

/// Differential privacy in the networked clinical job (grpc-swift's in-process transport): the
/// coordinator's plan, the sites' noise, and the consortium's budget.
@Suite("Clinical job with differential privacy", .serialized)
struct ClinicalPrivacyJobTests {
    static func spec(mode: String, epsilon: Double, rounds: UInt32 = 3, seed: UInt64 = 3) -> Concord_V2_JobSpec {
        var spec = ClinicalJobTests.spec(strategy: "fedavg", preset: "concord", rounds: rounds, seed: seed)
        guard case .clinical(var clinical) = spec.kind else { return spec }
        var privacy = Concord_V2_ClinicalPrivacySpec()
        privacy.mode = mode
        privacy.epsilon = epsilon
        privacy.reproducibleNoise = true
        clinical.privacy = privacy
        spec.kind = .clinical(clinical)
        return spec
    }

    static func consortium(_ directory: URL, budget: PrivacyBudget? = nil) throws -> InProcessConsortium {
        var logger = Logger(label: "test.dp")
        logger.logLevel = .warning
        return try InProcessConsortium(directory: directory, hospitals: try ClinicalJobTests.patients(), privacyBudget: budget, logger: logger)
    }

    static func model(_ consortium: InProcessConsortium, _ jobID: String) async throws -> [Double] {
        let stored = try #require(try await consortium.engine.fetch(partner: "cleveland", jobID: jobID, artifact: ClinicalJob.Artifact.model))
        return try Concord_V2_ClinicalModel(serializedBytes: stored.artifact.data).parameters
    }

    @Test("Record- and client-level DP jobs over the network give the one-process run's model bit for bit, with each site's ε in the results",
          .enabled(if: ClinicalJobTests.cached), arguments: [DifferentialPrivacyOptions.Mode.record, .client])
    func equalsOneProcess(mode: DifferentialPrivacyOptions.Mode) async throws {
        let temporary = try TemporaryDirectory()
        let consortium = try Self.consortium(temporary.url)
        let epsilon = mode == .record ? 1.0 : 10.0
        let run = try await consortium.run(Self.spec(mode: mode.rawValue, epsilon: epsilon))
        #expect(run.status.phase == "complete", "\(run.status.message)")
        var options = FederatedRunOptions()
        options.privacy = DifferentialPrivacyOptions(mode: mode, epsilon: epsilon, reproducibleNoise: true)
        let expected = try await ClinicalJobTests.oneProcess(try ClinicalJobTests.patients(), strategy: "fedavg", preset: .concord, rounds: 3, seed: 3, options: options)
        #expect(try await Self.model(consortium, run.status.jobID) == expected.finalParameters)
        let results = try ClinicalJobResults(decoding: try #require(try await consortium.engine.store.artifact("results", job: run.status.jobID)).data)
        let privacy = try #require(results.training.privacy)
        #expect(privacy.mode == mode.rawValue)
        #expect(privacy.sites.count == 4)
        #expect(privacy.sites.allSatisfy { $0.epsilon <= epsilon * (1 + 1e-9) && $0.epsilon > 0 })
        #expect(privacy.sites.map(\.epsilon) == expected.privacy?.sites.map(\.epsilon))
        // The job's page (status port and report) states the mechanism and the ε the sites pay.
        let page = try await consortium.engine.snapshot(jobID: run.status.jobID).settings
        let dp = try #require(page.first { $0.name == "differential privacy" }?.value)
        let largest = try #require(privacy.sites.map(\.epsilon).max())
        #expect(dp.contains(mode == .record ? "record-level DP-SGD" : "client-level DP-FedAvg") && dp.contains("ε = \(String(format: "%.3g", largest))"), "\(dp)")
        #expect(page.first { $0.name == "secure aggregation" }?.value.hasPrefix("none") == true)
    }

    @Test("The consortium's budget composes each site's jobs in RDP: jobs run while the composed ε fits, the first beyond it fails with that ε before any round; a job without DP is refused",
          .enabled(if: ClinicalJobTests.cached))
    func budget() async throws {
        let temporary = try TemporaryDirectory()
        let budget = PrivacyBudget(epsilon: 1.5, delta: 1e-2)
        let consortium = try Self.consortium(temporary.url, budget: budget)
        // Each site's releases so far, recomposed here from the jobs' stored accounts.
        var accounts: [ClinicalPrivacy] = []
        func composed(_ accounts: [ClinicalPrivacy]) throws -> [String: Double] {
            var accountants: [String: RDPAccountant] = [:]
            for account in accounts {
                for site in account.sites { try accountants[site.name, default: RDPAccountant()].composeGaussian(noiseMultiplier: site.noiseMultiplier, samplingRate: site.samplingRate, count: site.steps) }
            }
            return try accountants.mapValues { try $0.epsilon(delta: budget.delta).epsilon }
        }
        var refused: Concord_V2_JobStatus?
        for seed in UInt64(4)..<12 where refused == nil {
            do {
                let run = try await consortium.run(Self.spec(mode: "record", epsilon: 1, rounds: 2, seed: seed))
                #expect(run.status.phase == "complete", "\(run.status.message)")
                let stored = try #require(try await consortium.engine.store.artifact("privacy", job: run.status.jobID))
                accounts.append(try JSONDecoder().decode(ClinicalPrivacy.self, from: stored.data))
                #expect(try composed(accounts).values.allSatisfy { $0 <= budget.epsilon }, "a job ran beyond the budget")
            } catch {
                refused = try await consortium.engine.jobStatus(jobID: "")  // the nodes see the job fail; the operator sees why
            }
        }
        let failed = try #require(refused, "eight jobs of ε = 1 fitted a budget of ε = 1.5")
        // RDP composition is tighter than adding ε: at least two jobs of ε = 1 each fitted ε = 1.5.
        #expect(accounts.count >= 2)
        #expect(failed.phase == "failed")
        #expect(failed.message.contains("beyond the consortium's privacy budget of ε = 1.5"), "\(failed.message)")
        // The ε it names is the composition of every earlier job and this one's (the same plan as the last).
        let last = try #require(accounts.last)
        let reach = try #require(try composed(accounts + [last]).values.max())
        #expect(reach > budget.epsilon)
        #expect(failed.message.contains("would reach ε = \(ClinicalCoordinator.figure(reach)) at δ = 0.01"), "\(failed.message) (expected ε = \(reach))")
        #expect(try await consortium.engine.store.artifact(ClinicalJob.Artifact.round(1), job: failed.jobID) == nil, "no round was trained")
        do {
            _ = try await consortium.run(ClinicalJobTests.spec(strategy: "fedavg", preset: "concord", rounds: 2, seed: 1))
            Issue.record("a job without differential privacy ran under a privacy budget")
        } catch {
            #expect("\(error)".contains("must be differentially private"), "\(error)")
        }
    }

    @Test("A site refuses a plan whose noise for it misses the job's ε (and a malformed plan), and accepts the calibrated one")
    func siteChecksItsNoise() throws {
        var details = Concord_V2_ClinicalView()
        details.siteCount = 3; details.site = 1; details.rounds = 3; details.seed = 3
        let options = DifferentialPrivacyOptions(mode: .record, epsilon: 1, delta: 1e-3)
        let q = 0.1, steps = 10
        let calibrated = try NoiseCalibration.noiseMultiplier(epsilon: 1, delta: 1e-3, samplingRate: q, steps: steps * 3).noiseMultiplier
        var plan = Concord_V2_ClinicalPreprocessing()
        plan.noiseMultipliers = [calibrated, calibrated, calibrated]
        plan.samplingRates = [q, q, q]
        plan.stepsPerRound = [UInt32(steps), UInt32(steps), UInt32(steps)]
        try ClinicalPartner.checkPlan(plan, options: options, details: details, jobID: "j")

        // Another site's noise is not this site's to check; its own, 10% too small, is refused with the ε it would give.
        var other = plan
        other.noiseMultipliers[0] = calibrated * 0.5
        try ClinicalPartner.checkPlan(other, options: options, details: details, jobID: "j")
        var weak = plan
        weak.noiseMultipliers[1] = calibrated * 0.9
        let refusal = #expect(throws: NodeError.self) { try ClinicalPartner.checkPlan(weak, options: options, details: details, jobID: "j") }
        #expect(refusal?.code == .integrity && refusal?.context.field == "privacy")
        #expect(refusal?.message.contains("above the job's target 1.0") == true, "\(String(describing: refusal))")
        // More steps than the plan was calibrated for also spends more than ε.
        var longer = plan
        longer.stepsPerRound[1] = UInt32(steps * 2)
        #expect(throws: NodeError.self) { try ClinicalPartner.checkPlan(longer, options: options, details: details, jobID: "j") }
        // Malformed plans: a missing site, a NaN multiplier, a sampling rate of 0.
        var short = plan
        short.noiseMultipliers.removeLast()
        #expect(throws: NodeError.self) { try ClinicalPartner.checkPlan(short, options: options, details: details, jobID: "j") }
        var nan = plan
        nan.noiseMultipliers[2] = .nan
        #expect(throws: NodeError.self) { try ClinicalPartner.checkPlan(nan, options: options, details: details, jobID: "j") }
        var zero = plan
        zero.samplingRates[0] = 0
        #expect(throws: NodeError.self) { try ClinicalPartner.checkPlan(zero, options: options, details: details, jobID: "j") }
    }
}
