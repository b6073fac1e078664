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

    @Test("The consortium's budget: a job that would take a site beyond it fails with the ε it would reach, before any round; a job without DP is refused",
          .enabled(if: ClinicalJobTests.cached))
    func budget() async throws {
        let temporary = try TemporaryDirectory()
        let consortium = try Self.consortium(temporary.url, budget: PrivacyBudget(epsilon: 1.5, delta: 1e-2))
        let first = try await consortium.run(Self.spec(mode: "record", epsilon: 1, rounds: 2))
        #expect(first.status.phase == "complete", "\(first.status.message)")
        // The nodes see the job fail; the operator sees why.
        await #expect(throws: (any Error).self) { _ = try await consortium.run(Self.spec(mode: "record", epsilon: 1, rounds: 2, seed: 4)) }
        let second = (status: try await consortium.engine.jobStatus(jobID: ""), ())
        #expect(second.status.jobID != first.status.jobID)
        #expect(second.status.phase == "failed")
        #expect(second.status.message.contains("beyond the consortium's privacy budget of ε = 1.5"), "\(second.status.message)")
        #expect(second.status.message.contains("would reach ε = 2") || second.status.message.contains("would reach ε = 1.9"), "\(second.status.message)")
        #expect(try await consortium.engine.store.artifact(ClinicalJob.Artifact.round(1), job: second.status.jobID) == nil)
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
