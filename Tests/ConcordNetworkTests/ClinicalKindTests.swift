import ConcordClinical
import ConcordML
import ConcordStorage
import ConcordTesting
import ConcordWire
import Foundation
import SwiftProtobuf
import Testing
@testable import ConcordNetwork

/// The clinical kind against the engine, without a network: its phases, and every malformed or
/// hostile message refused with a reason while the job goes on for everyone else.
@Suite("Clinical job kind (engine)")
struct ClinicalKindTests {
    static let sites = ["alpha", "beta", "gamma"]

    static func spec(strategy: String = "fedavg", rounds: UInt32 = 2, partners: [String] = sites) -> Concord_V2_JobSpec {
        var spec = Concord_V2_JobSpec()
        spec.name = "clinical"
        spec.partners = partners
        spec.seed = 9
        var clinical = Concord_V2_ClinicalSpec()
        clinical.benchmark = "heart-disease"
        clinical.strategy = strategy
        clinical.rounds = rounds
        spec.kind = .clinical(clinical)
        return spec
    }

    static func engine(_ directory: TemporaryDirectory) throws -> CoordinatorEngine {
        CoordinatorEngine(store: try SQLiteCoordinatorStore(path: directory.url.appending(path: "c.sqlite").path(percentEncoded: false)),
                          transferSource: { _ in ([], 0) })
    }

    static func summary(features: Int = HeartDisease.featureNames.count, rows: UInt64 = 10) -> Concord_V2_ClinicalSummary {
        var s = Concord_V2_ClinicalSummary()
        s.rows = rows
        s.features = (0..<features).map { k in
            var f = Concord_V2_FeatureSummaryPayload()
            f.count = rows; f.mean = Double(k); f.m2 = 2
            return f
        }
        return s
    }

    static func update(round: UInt32, parameters: [Double] = [Double](repeating: 0.1, count: HeartDisease.featureNames.count + 1),
                       rows: UInt64 = 10) -> Concord_V2_ClinicalUpdate {
        var u = Concord_V2_ClinicalUpdate()
        u.round = round; u.parameters = parameters; u.sampleCount = rows; u.globalLossSum = 6.9; u.globalLossRows = rows
        return u
    }

    @discardableResult
    static func upload(_ engine: CoordinatorEngine, _ partner: String, _ job: String, _ name: String, index: Int, total: Int,
                       _ message: some SwiftProtobuf.Message) async throws(CoordinatorRefusal) -> Bool {
        let bytes: Data
        do { bytes = try message.serializedBytes() } catch { throw CoordinatorRefusal(.invalidArgument, "test payload", cause: error) }
        return try await engine.receive(partner: partner, upload: Chunking.uploadChunk(jobID: job, upload: name, index: index, of: total, payload: bytes))
    }

    static func refusal(_ body: () async throws -> Void) async -> CoordinatorRefusal? {
        do { try await body(); return nil } catch { return error as? CoordinatorRefusal }
    }

    @Test("A spec the kind cannot run is refused naming its field")
    func specsAreChecked() async throws {
        let directory = try TemporaryDirectory()
        let engine = try Self.engine(directory)
        var unknown = Self.spec()
        if case .clinical(var c)? = unknown.kind { c.strategy = "fedwhatever"; unknown.kind = .clinical(c) }
        let refused = await Self.refusal { _ = try await engine.submitJob(unknown) }
        #expect(refused?.code == .invalidArgument && refused?.context.field == "strategy")
        let krum = await Self.refusal { _ = try await engine.submitJob(Self.spec(strategy: "krum", partners: ["alpha", "beta"])) }
        #expect(krum?.context.field == "strategy", "Krum needs three sites a round")
        let rounds = await Self.refusal { _ = try await engine.submitJob(Self.spec(rounds: 5_000)) }
        #expect(rounds?.context.field == "rounds")
        var weighting = Self.spec()
        if case .clinical(var c)? = weighting.kind { c.weighting = "by-magic"; weighting.kind = .clinical(c) }
        #expect(await Self.refusal { _ = try await engine.submitJob(weighting) }?.context.field == "weighting")
        var participation = Self.spec()
        if case .clinical(var c)? = participation.kind { c.participation = 1.5; participation.kind = .clinical(c) }
        #expect(await Self.refusal { _ = try await engine.submitJob(participation) }?.context.field == "participation")
    }

    @Test("Malformed, stale and hostile uploads are refused with a reason; the round still completes for the others")
    func refusalsHarmNoOne() async throws {
        let directory = try TemporaryDirectory()
        let engine = try Self.engine(directory)
        let job = try await engine.submitJob(Self.spec()).jobID
        await engine.advance()
        // Summaries: a wrong feature count and counts that do not add up are refused; a stranger is refused.
        let wrong = await Self.refusal { try await Self.upload(engine, "alpha", job, "summary", index: 0, total: 1, Self.summary(features: 3)) }
        #expect(wrong?.code == .invalidArgument && wrong?.context.field == "features")
        var inconsistent = Self.summary()
        inconsistent.features[2].missing = 4
        #expect(await Self.refusal { try await Self.upload(engine, "alpha", job, "summary", index: 0, total: 1, inconsistent) }?.code == .invalidArgument)
        #expect(await Self.refusal { try await Self.upload(engine, "mallory", job, "summary", index: 0, total: 1, Self.summary()) }?.code == .permissionDenied)
        #expect(await Self.refusal { try await Self.upload(engine, "alpha", job, "update", index: 1, total: 1, Self.update(round: 1)) }?.code == .failedPrecondition,
                "no update before training")
        for site in Self.sites { try await Self.upload(engine, site, job, "summary", index: 0, total: 1, Self.summary()) }
        await engine.advance()
        #expect(try await engine.jobStatus(jobID: job).phase == "training")

        // Round 1: stale or future rounds, wrong shapes, NaN, a control change in a FedAvg job, a sample count that is not the site's rows.
        #expect(await Self.refusal { try await Self.upload(engine, "alpha", job, "update", index: 2, total: 2, Self.update(round: 2)) }?.code == .failedPrecondition)
        #expect(await Self.refusal { try await Self.upload(engine, "alpha", job, "update", index: 1, total: 1, Self.update(round: 1, parameters: [1, 2])) }?.context.field == "parameters")
        var nan = Self.update(round: 1)
        nan.parameters[3] = .nan
        #expect(await Self.refusal { try await Self.upload(engine, "alpha", job, "update", index: 1, total: 1, nan) }?.context.field == "parameters")
        var control = Self.update(round: 1)
        control.controlDelta = control.parameters
        #expect(await Self.refusal { try await Self.upload(engine, "alpha", job, "update", index: 1, total: 1, control) }?.context.field == "control_delta")
        #expect(await Self.refusal { try await Self.upload(engine, "alpha", job, "update", index: 1, total: 1, Self.update(round: 1, rows: 999)) }?.context.field == "sample_count")
        let envelope = await Self.refusal { try await Self.upload(engine, "alpha", job, "update", index: 1, total: 7, Self.update(round: 1)) }
        #expect(envelope?.code == .invalidArgument, "the envelope's total must agree with the open round")

        // The honest updates still make the round.
        for (s, site) in Self.sites.enumerated() {
            try await Self.upload(engine, site, job, "update", index: 1, total: 1, Self.update(round: 1, parameters: [Double](repeating: Double(s), count: 14)))
        }
        await engine.advance()
        let view = try Concord_V2_ClinicalView(serializedBytes: try await engine.partnerView(partner: "beta", jobID: job).details)
        #expect(view.round == 2 && view.participant && view.site == 1 && view.aggregatedRounds == [1])
        let model = try Concord_V2_ClinicalRoundModel(serializedBytes: try await engine.fetch(partner: "beta", jobID: job, artifact: "round-0002").artifact.data)
        // FedAvg of 0, 1 and 2 with equal rows: 1 everywhere.
        #expect(model.parameters == [Double](repeating: 1, count: 14))
        #expect(await Self.refusal { _ = try await engine.fetch(partner: "beta", jobID: job, artifact: "server") }?.code == .invalidArgument,
                "the coordinator's own state is not offered to sites")

        // Round 2, then the evaluation: inconsistent counts are refused.
        for site in Self.sites { try await Self.upload(engine, site, job, "update", index: 2, total: 2, Self.update(round: 2)) }
        await engine.advance()
        #expect(try await engine.jobStatus(jobID: job).phase == "evaluation")
        let counts = try EvaluationCounts(probabilities: [0.2, 0.7, 0.9], labels: [0, 1, 0], grid: ClinicalWire.grid)
        var bad = ClinicalWire.evaluation(counts, validation: counts)
        bad.positiveHistogram[5] += 2
        let inconsistentCounts = await Self.refusal { try await engine.submit(partner: "alpha", jobID: job, "evaluation", bad) }
        #expect(inconsistentCounts?.code == .invalidArgument)
        for site in Self.sites {
            try await engine.submit(partner: site, jobID: job, "evaluation", ClinicalWire.evaluation(counts, validation: counts))
        }
        await engine.advance()
        let status = try await engine.jobStatus(jobID: job)
        #expect(status.phase == "complete", "\(status.message)")
        // Three sites with the same counts: mean client and pooled accuracy are both 2 of 3 at 0.5.
        #expect(abs(status.clinical.meanClientAccuracy - 2.0 / 3) < 1e-12 && abs(status.clinical.pooledAccuracy - 2.0 / 3) < 1e-12)
        #expect(status.clinical.roundsDone == 2)
    }

    @Test("A chunk or submission sent again after the job moved on (a retry across a restart) is acknowledged as a duplicate; anything new is refused")
    func retriesAfterThePhaseAreDuplicates() async throws {
        let directory = try TemporaryDirectory()
        let engine = try Self.engine(directory)
        let job = try await engine.submitJob(Self.spec(rounds: 1)).jobID
        await engine.advance()
        for site in Self.sites { try await Self.upload(engine, site, job, "summary", index: 0, total: 1, Self.summary()) }
        await engine.advance()
        #expect(try await engine.jobStatus(jobID: job).phase == "training")
        // The summaries phase is over: the same summary again is a duplicate, another is refused.
        #expect(try await Self.upload(engine, "alpha", job, "summary", index: 0, total: 1, Self.summary()) == false)
        let other = await Self.refusal { try await Self.upload(engine, "alpha", job, "summary", index: 0, total: 1, Self.summary(rows: 11)) }
        #expect(other?.code == .failedPrecondition, "\(String(describing: other))")
        for site in Self.sites { try await Self.upload(engine, site, job, "update", index: 1, total: 1, Self.update(round: 1)) }
        await engine.advance()
        #expect(try await engine.jobStatus(jobID: job).phase == "evaluation")
        #expect(try await Self.upload(engine, "beta", job, "update", index: 1, total: 1, Self.update(round: 1)) == false)
        let counts = try EvaluationCounts(probabilities: [0.2, 0.7, 0.9], labels: [0, 1, 0], grid: ClinicalWire.grid)
        for site in Self.sites { try await engine.submit(partner: site, jobID: job, "evaluation", ClinicalWire.evaluation(counts, validation: counts)) }
        await engine.advance()
        #expect(try await engine.jobStatus(jobID: job).phase == "complete")
        // After the job: the same evaluation is a duplicate; a different one is refused.
        let again = try await engine.receiveSubmission(partner: "gamma", jobID: job, submission: "evaluation",
                                                       payload: try ClinicalWire.evaluation(counts, validation: counts).serializedBytes())
        #expect(again.new == false)
        let changed = try EvaluationCounts(probabilities: [0.2, 0.7, 0.1], labels: [0, 1, 0], grid: ClinicalWire.grid)
        let late = await Self.refusal { try await engine.submit(partner: "gamma", jobID: job, "evaluation", ClinicalWire.evaluation(changed, validation: changed)) }
        #expect(late?.code == .failedPrecondition)
    }

    @Test("A site that drops out mid-job: the round aggregates without it at the deadline with the quorum, says so, and the job finishes")
    func aSiteDropsOut() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let engine = CoordinatorEngine(store: try SQLiteCoordinatorStore(path: directory.url.appending(path: "c.sqlite").path(percentEncoded: false)),
                                       transferSource: { _ in ([], 0) }, clock: { clock.nowMs })
        var spec = Self.spec(rounds: 3)
        spec.quorum = 2
        spec.collectionDeadlineS = 30
        spec.finalDeadlineS = 30
        let job = try await engine.submitJob(spec).jobID
        await engine.advance()
        for site in Self.sites { try await Self.upload(engine, site, job, "summary", index: 0, total: 1, Self.summary()) }
        await engine.advance()
        for site in Self.sites { try await Self.upload(engine, site, job, "update", index: 1, total: 1, Self.update(round: 1)) }
        await engine.advance()
        // gamma goes silent from round 2 on.
        for site in ["alpha", "beta"] { try await Self.upload(engine, site, job, "update", index: 2, total: 2, Self.update(round: 2)) }
        await engine.advance()
        #expect(try await engine.jobStatus(jobID: job).message.contains("waiting for updates from gamma"))
        clock.advance(seconds: 31)
        await engine.advance()
        let status = try await engine.jobStatus(jobID: job)
        #expect(status.message.contains("round 2 aggregated without gamma (deadline)"), "\(status.message)")
        let gamma = try Concord_V2_ClinicalPartnerStatus(serializedBytes: try #require(status.partners.first { $0.name == "gamma" }).details)
        #expect(gamma.weight == 0 && gamma.roundsAggregated == 1)
        for site in ["alpha", "beta"] { try await Self.upload(engine, site, job, "update", index: 3, total: 3, Self.update(round: 3)) }
        clock.advance(seconds: 31)
        await engine.advance()
        let counts = try EvaluationCounts(probabilities: [0.2, 0.7], labels: [0, 1], grid: ClinicalWire.grid)
        for site in ["alpha", "beta"] {
            try await engine.submit(partner: site, jobID: job, "evaluation", ClinicalWire.evaluation(counts, validation: counts))
        }
        clock.advance(seconds: 31)
        await engine.advance()
        let final = try await engine.jobStatus(jobID: job)
        #expect(final.phase == "complete", "\(final.message)")
        #expect(final.message.contains("over 2 sites"))
    }
}
