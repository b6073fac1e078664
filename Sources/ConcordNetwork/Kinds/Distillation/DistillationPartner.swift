import GRPCCore
import ConcordChem
import ConcordFederation
import ConcordML
import ConcordStorage
import Logging
import ConcordWire
import Foundation
import SwiftProtobuf

/// The distillation job kind's work at a partner: screens the pool (a screened job), trains the
/// teacher where the data live, annotates the public transfer set and uploads the annotation,
/// fetches the student, returns calibration counts and aggregate metrics, and builds a hybrid locally.
///
/// Each step is kept in the node's store once done, so a restarted node resumes after it.
struct DistillationPartner: PartnerJobKind {
    var name: String { DistillationJob.name }

    func check(_ config: NodeConfig) throws(NodeError) {
        let teacher = config.teacher ?? "rf"
        guard TrainingRecipe.named(teacher) != nil else {
            throw NodeError("unknown teacher '\(teacher)'; choose rf, mlp, logreg or knn", code: .configuration, context: .init(field: "teacher"))
        }
    }

    func run<Transport: ClientTransport>(_ session: NodeSession<Transport>, view found: Concord_V2_JobView) async throws -> NodeOutcome {
        let config = session.config
        let teacherName = config.teacher ?? "rf"
        guard let recipe = TrainingRecipe.named(teacherName) else {
            throw NodeError("unknown teacher '\(teacherName)'; choose rf, mlp, logreg or knn", code: .configuration, context: .init(field: "teacher"))
        }
        let jobID = found.jobID
        let fingerprint: FeaturizerSpec
        do { fingerprint = try FeaturizerSpec(wire: try Self.details(found).fingerprint) }
        catch { throw NodeError("the job's fingerprint", code: .integrity, context: .init(job: jobID, field: "fingerprint"), cause: error) }
        let task: ModelTask
        do { task = try ModelTask(wire: try Self.details(found).task) }
        catch { throw NodeError("the job's task", code: .integrity, context: .init(job: jobID, field: "task"), cause: error) }
        if task == .regression {
            let regressor = try RegressionPartnerTask.regressor(teacherName)
            return try await run(session, view: found, task: task, as: RegressionPartnerTask(), recipe: recipe, regressor: regressor, fingerprint: fingerprint)
        }
        return try await run(session, view: found, task: task, as: ClassificationPartnerTask(), recipe: recipe, regressor: RegressionRecipe(),
                             fingerprint: fingerprint)
    }

    /// The partner's steps for a job of any task; `kind` supplies what the task changes.
    private func run<Transport: ClientTransport, Kind: PartnerDistillationTask>(
        _ session: NodeSession<Transport>, view found: Concord_V2_JobView, task: ModelTask, as kind: Kind, recipe: TrainingRecipe,
        regressor: RegressionRecipe, fingerprint: FeaturizerSpec
    ) async throws -> NodeOutcome {
        let config = session.config, logger = session.logger, store = session.store
        var view = found
        let jobID = view.jobID

        // The private data, fingerprinted as the job asks (measured values for a regression job).
        guard let source = config.data else {
            throw NodeError("job \(jobID) is a distillation job; the node's configuration has no 'data' (labelled molecules)",
                            code: .configuration, context: .init(job: jobID, field: "data"))
        }
        let data = try await PrivateData.load(source, base: config.base, fingerprint: fingerprint.morganOptions, seed: session.seed,
                                              task: task, parallelism: session.parallelism)
        for line in data.skipped.prefix(10) { logger.warning("skipped: \(line)") }
        if data.skipped.count > 10 { logger.warning("… and \(data.skipped.count - 10) more records skipped") }
        logger.info("private data: \(kind.describe(training: data.train)), \(data.validation.count) validation, \(data.test.count) test molecules")
        let work = PartnerWork(partner: config.partner, data: data, recipe: recipe, selfGuard: try PartnerWork.selfGuard(config.selfGuard),
                               seed: session.seed, parallelism: session.parallelism, hybrid: try PartnerWork.hybridOptions(config.hybridModel),
                               regressor: regressor)

        // A screened job: the pool's domain distances (no predictions), unless the coordinator holds them.
        view = try await wait(session, for: DistillationJob.screening, view: view)
        if view.phase == DistillationJob.screening.rawValue, let upload = Self.upload(DistillationJob.Upload.screening, view), !upload.complete {
            let chunks = try await screen(session, view, work: work, fingerprint: fingerprint)
            if session.dryRun {
                let bytes = try chunks.reduce(0) { total, chunk in let data: Data = try chunk.serializedBytes(); return total + data.count }
                return session.outcome(jobID: jobID, state: "dry run (screening)", disclosure: [
                    "dry run for job \(jobID): the job is screening its public pool; nothing below was sent",
                    "  Upload screening    \(String(format: "%6d", chunks.count)) chunks    \(bytes) bytes: domain distance and abstention flag per public pool molecule (no prediction)",
                    "no SMILES, identity key, fingerprint or label of a private molecule is in any of them",
                ])
            }
        }

        // Wait for the transfer set, then fetch it unless it is stored.
        view = try await wait(session, for: DistillationJob.transferReady, view: try await session.refreshed(jobID))
        let details = try Self.details(view)
        let transfer = try await PartnerWork.transfer(try await molecules(session, view, artifact: "transfer", count: Int(details.transferSize)),
                                                      fingerprint: fingerprint, parallelism: session.parallelism)

        // Our held-out molecules that are public too: the student may learn them, so they judge nothing.
        let (judge, overlap) = work.judging(outside: transfer.keys)
        if overlap.total > 0 {
            logger.warning("\(overlap.test) of our test and \(overlap.validation) of our validation molecules are in the public transfer set; the student may learn them, so they are left out of our calibration and evaluation (nothing about them is sent)")
        }

        // The teacher and the annotation (kept once made).
        var chunks: [Concord_V2_AnnotationPayload] = try await session.stored(jobID, prefix: "annotation/")
        var teacherModel: Kind.TeacherModel?
        if chunks.isEmpty {
            let taught = try await kind.teach(work, transfer: transfer.features, keys: transfer.keys, reliability: details.wantsReliability)
            teacherModel = taught.teacher
            if let encoded = kind.encode(teacher: taught.teacher) { try await store.put("teacher", job: jobID, data: encoded) }
            chunks = taught.chunks
            for chunk in chunks { try await store.put(String(format: "annotation/%06d", Int(chunk.index)), job: jobID, data: try chunk.serializedBytes()) }
            logger.info("\(taught.log)")
        }
        if session.dryRun { return try dryRunOutcome(session, jobID: jobID, chunks: chunks, kind: kind) }

        // Upload the chunks the coordinator does not hold.
        try await upload(session, chunks, view: try await session.refreshed(jobID), kind: kind)

        // The student and its selection.
        view = try await wait(session, for: DistillationJob.studentTrained, view: try await session.refreshed(jobID))
        let student = try kind.student(try await session.artifact("student", view: view), job: jobID)
        let selection = try await fetchSelection(session, view)
        try kind.check(selection, transferRows: transfer.features.rowCount, job: jobID)

        // Calibration counts on our validation molecules (only counts leave; a task without a threshold has none).
        // Without validation molecules (none held out, or all of them public) the counts are zeros: sent all
        // the same, since the coordinator waits for every participant's counts.
        let calibrating = try Self.details(view)
        if view.phase == DistillationJob.studentTrained.rawValue, !view.submissions.contains(DistillationJob.Submission.calibration),
           let counts = await kind.calibrationCounts(judge, student: student, thresholds: calibrating.candidateThresholds) {
            let ack = try await session.submit(DistillationJob.Submission.calibration, job: jobID, payload: counts.wire,
                                               summary: "confusion counts at \(calibrating.candidateThresholds.count) thresholds over \(judge.data.validation.count) validation molecules")
            logger.info("calibration: \(ack.message)")
        }

        // Once published: evaluate student, teacher and hybrid on our own data; send the aggregates.
        view = try await wait(session, for: DistillationJob.studentPublished, view: try await session.refreshed(jobID))
        let threshold = kind.threshold(try Self.details(view))
        if teacherModel == nil, let stored = try await store.get("teacher", job: jobID) { teacherModel = kind.decodeTeacher(stored) }
        let teacher = try await { () async throws -> Kind.TeacherModel in
            if let teacherModel { return teacherModel }
            return try await kind.retrainTeacher(work)  // trained before a crash but not kept: the same seed gives the same teacher
        }()
        let outcomes = try await kind.evaluate(judge, student: student, teacher: teacher, threshold: threshold, studentRows: selection.rows.count,
                                               selection: selection.rows.map { Int($0) }, consensus: selection.values, transfer: transfer.features,
                                               hybrid: config.hybrid ?? true)
        let report = PartnerWork.report(outcomes)
        if !view.submissions.contains(DistillationJob.Submission.evaluation) {
            let ack = try await session.submit(DistillationJob.Submission.evaluation, job: jobID, payload: report,
                                               summary: "aggregate \(kind.metricsName) of \(report.models.map(\.model).joined(separator: ", ")) on \(judge.data.test.count) test and \(judge.data.validation.count) validation molecules")
            logger.info("evaluation: \(ack.message)")
        }
        for o in outcomes { logger.info("\(kind.testLine(o))") }
        let final = try await wait(session, for: .complete, view: try await session.refreshed(jobID))
        var outcome = session.outcome(jobID: jobID, state: final.phase, threshold: threshold,
                                      metrics: outcomes.map { (model: $0.model, test: $0.test, validation: $0.validation) })
        outcome.regressionMetrics = outcomes.compactMap { o in
            guard let test = o.regressionTest, let validation = o.regressionValidation else { return nil }
            return (model: o.model, test: test, validation: validation)
        }
        return outcome
    }

    // MARK: The job view

    /// The kind's part of a job view. - Throws: ``NodeError`` (`integrity`) when it does not decode.
    static func details(_ view: Concord_V2_JobView) throws(NodeError) -> Concord_V2_DistillationView {
        do { return try Concord_V2_DistillationView(serializedBytes: view.details) }
        catch { throw NodeError("the job view's distillation details", code: .integrity, context: .init(job: view.jobID), cause: error) }
    }

    /// The caller's progress on one of its uploads, as the view states it.
    static func upload(_ name: String, _ view: Concord_V2_JobView) -> Concord_V2_UploadProgress? {
        view.uploads.first { $0.name == name }
    }

    func wait<Transport>(_ session: NodeSession<Transport>, for phase: JobPhase, view: Concord_V2_JobView) async throws -> Concord_V2_JobView {
        try await session.wait(for: phase, of: DistillationJob.descriptor, job: view.jobID, view: view)
    }

    // MARK: Transfer set and screening pool

    /// The SMILES of a published molecule set (the transfer set, or the screening pool), fetched
    /// unless stored; the artifact's digest is checked as it is assembled.
    private func molecules<Transport>(_ session: NodeSession<Transport>, _ view: Concord_V2_JobView, artifact: String, count: Int) async throws -> [String] {
        let data = try await session.artifact(artifact, view: view, label: artifact == "screening" ? "screening pool" : artifact)
        let smiles = MoleculeSetArtifact.decode(data)
        guard smiles.count == count else {
            throw NodeError("the \(artifact) holds \(smiles.count) molecules; the job announces \(count)", code: .integrity, context: .init(job: view.jobID))
        }
        if let long = smiles.firstIndex(where: { $0.utf8.count > WireLimits.maxSMILESLength }) {
            throw NodeError("molecule \(long) of the \(artifact) is longer than \(WireLimits.maxSMILESLength) characters", code: .integrity, context: .init(job: view.jobID))
        }
        return smiles
    }

    /// Screens the pool (distances only, kept once made) and uploads the chunks the coordinator does not hold.
    private func screen<Transport>(_ session: NodeSession<Transport>, _ view: Concord_V2_JobView, work: PartnerWork,
                                   fingerprint: FeaturizerSpec) async throws -> [Concord_V2_ScreeningPayload] {
        let jobID = view.jobID, store = session.store
        var chunks: [Concord_V2_ScreeningPayload] = try await session.stored(jobID, prefix: "screening/")
        if chunks.isEmpty {
            let size = Int(try Self.details(view).screeningSize)
            let pool = try await PartnerWork.transfer(try await molecules(session, view, artifact: "screening", count: size),
                                                      fingerprint: fingerprint, parallelism: session.parallelism)
            let screening = try await work.screen(pool: pool.features, keys: pool.keys)
            chunks = Chunking.screeningChunks(screening)
            for chunk in chunks { try await store.put(String(format: "screening/%06d", Int(chunk.index)), job: jobID, data: try chunk.serializedBytes()) }
            session.logger.info("screened \(screening.distances.count) public molecules (abstained on \(screening.abstained.filter { $0 }.count) of our own)")
        }
        if session.dryRun { return chunks }
        // Screening takes long on a large pool: the coordinator may have gone on with a quorum meanwhile.
        let current = try await session.refreshed(jobID)
        guard current.phase == DistillationJob.screening.rawValue else {
            session.logger.warning("the coordinator chose the transfer set without our screening (we were late); going on to annotate")
            return chunks
        }
        let held = Set((Self.upload(DistillationJob.Upload.screening, current)?.held ?? []).map(Int.init))
        try await session.upload(DistillationJob.Upload.screening, try chunks.filter { !held.contains(Int($0.index)) }.map { chunk in
            (Int(chunk.index), try Self.payload(chunk),
             "screening of public molecules \(chunk.offset)..<\(Int(chunk.offset) + chunk.domainDistances.count): domain distance, \(chunk.abstained.filter { $0 }.count) abstentions")
        }, of: chunks.count, job: jobID)
        return chunks
    }

    // MARK: Annotation

    private func upload<Transport>(_ session: NodeSession<Transport>, _ chunks: [Concord_V2_AnnotationPayload], view: Concord_V2_JobView,
                                   kind: some PartnerDistillationTask) async throws {
        let held = Set((Self.upload(DistillationJob.Upload.annotation, view)?.held ?? []).map(Int.init))
        try await session.upload(DistillationJob.Upload.annotation, try chunks.filter { !held.contains(Int($0.index)) }.map { chunk in
            (Int(chunk.index), try Self.payload(chunk),
             "annotation of public molecules \(chunk.offset)..<\(Int(chunk.offset) + chunk.domainDistances.count): \(kind.prediction), domain distance, \(chunk.abstained.filter { $0 }.count) abstentions")
        }, of: chunks.count, job: view.jobID)
    }

    /// A kept chunk as the upload's payload (the job travels in the envelope; a chunk kept by an
    /// earlier version may still hold its job id as an unknown field, which is not sent).
    private static func payload(_ chunk: some SwiftProtobuf.Message) throws -> Data {
        var chunk = chunk
        chunk.unknownFields = SwiftProtobuf.UnknownStorage()
        return try chunk.serializedBytes()
    }

    // MARK: Student

    func fetchSelection<Transport>(_ session: NodeSession<Transport>, _ view: Concord_V2_JobView) async throws -> Concord_V2_StudentSelection {
        let data = try await session.artifact("selection", view: view)
        do { return try Concord_V2_StudentSelection(serializedBytes: data) }
        catch { throw NodeError("the student's selection", code: .integrity, context: .init(job: view.jobID), cause: error) }
    }

    /// What a dry run would have sent, for the operator (the command prints it).
    private func dryRunOutcome<Transport>(_ session: NodeSession<Transport>, jobID: String, chunks: [Concord_V2_AnnotationPayload],
                                          kind: some PartnerDistillationTask) throws -> NodeOutcome {
        let sizes = try chunks.map { chunk -> Int in let data: Data = try chunk.serializedBytes(); return data.count }
        let total = sizes.reduce(0, +)
        let abstained = chunks.reduce(0) { $0 + $1.abstained.filter { $0 }.count }
        return session.outcome(jobID: jobID, state: "dry run", disclosure: [
            "dry run for job \(jobID): nothing below was sent",
            "  Enrol                       1 message   (partner name from the certificate, teacher kind '\(session.config.teacher ?? "rf")')",
            "  Upload annotation   \(String(format: "%6d", chunks.count)) chunks    \(total) bytes: \(kind.prediction), domain distance and abstention flag per public molecule",
            "                                          \(abstained) public molecules abstained on (identical to our own)",
        ] + (!kind.calibrates ? [] : [
            "  Submit calibration          1 message   confusion counts at the job's candidate thresholds",
        ]) + [
            "  Submit evaluation           1 message   aggregate metrics of student, teacher and hybrid",
            "no SMILES, identity key, fingerprint or label of a private molecule is in any of them",
        ])
    }
}
