public import GRPCCore
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

    func run<Transport: ClientTransport>(_ session: NodeSession<Transport>, view found: Concord_V1_JobView) async throws -> NodeOutcome {
        let config = session.config, logger = session.logger, store = session.store, client = session.client
        let teacherName = config.teacher ?? "rf"
        guard let recipe = TrainingRecipe.named(teacherName) else {
            throw NodeError("unknown teacher '\(teacherName)'; choose rf, mlp, logreg or knn", code: .configuration, context: .init(field: "teacher"))
        }
        var view = found
        let jobID = view.jobID
        let fingerprint: FeaturizerSpec
        do { fingerprint = try FeaturizerSpec(wire: view.fingerprint) }
        catch { throw NodeError("the job's fingerprint", code: .integrity, context: .init(job: jobID, field: "fingerprint"), cause: error) }

        // The private data, fingerprinted as the job asks.
        let data = try await PrivateData.load(config.data, base: config.base, fingerprint: fingerprint.morganOptions, seed: session.seed, parallelism: session.parallelism)
        for line in data.skipped.prefix(10) { logger.warning("skipped: \(line)") }
        if data.skipped.count > 10 { logger.warning("… and \(data.skipped.count - 10) more records skipped") }
        logger.info("private data: \(data.train.count) training (\(data.train.actives) active), \(data.validation.count) validation, \(data.test.count) test molecules")
        let work = PartnerWork(partner: config.partner, data: data, recipe: recipe, selfGuard: try PartnerWork.selfGuard(config.selfGuard),
                               seed: session.seed, parallelism: session.parallelism, hybrid: try PartnerWork.hybridOptions(config.hybridModel))

        // A screened job: the pool's domain distances (no predictions), unless the coordinator holds them.
        view = try await session.wait(for: .screening, job: jobID, view: view)
        if view.state == .screening, view.screeningChunksReceived.count < Int(view.screeningChunks) {
            let chunks = try await screen(session, view, work: work, fingerprint: fingerprint)
            if session.dryRun {
                let bytes = try chunks.reduce(0) { total, chunk in let data: Data = try chunk.serializedBytes(); return total + data.count }
                return session.outcome(jobID: jobID, state: "dry run (screening)", disclosure: [
                    "dry run for job \(jobID): the job is screening its public pool; nothing below was sent",
                    "  UploadScreening     \(String(format: "%6d", chunks.count)) chunks    \(bytes) bytes: domain distance and abstention flag per public pool molecule (no prediction)",
                    "no SMILES, identity key, fingerprint or label of a private molecule is in any of them",
                ])
            }
        }

        // Wait for the transfer set, then fetch whatever is not yet stored.
        view = try await session.wait(for: .transferReady, job: jobID, view: try await session.refreshed(jobID))
        let transfer = try await PartnerWork.transfer(try await fetchMolecules(session, view, pool: false), fingerprint: fingerprint, parallelism: session.parallelism)

        // The teacher and the annotation (kept once made).
        var chunks: [Concord_V1_AnnotationChunk] = try await session.stored(jobID, prefix: "annotation/")
        var teacherModel: (any ProbabilisticClassifier)?
        if chunks.isEmpty {
            let (teacher, annotation) = try await work.teach(transfer: transfer.features, keys: transfer.keys, reliability: view.wantsReliability)
            teacherModel = teacher
            if let encoded = try? StudentCodec.encode(teacher) { try await store.put("teacher", job: jobID, data: encoded) }
            chunks = Chunking.annotationChunks(jobID: jobID, annotation: annotation)
            for chunk in chunks { try await store.put(String(format: "annotation/%06d", Int(chunk.index)), job: jobID, data: try chunk.serializedBytes()) }
            let sent = annotation.reliability.map { String(format: "; our teacher's own ROC-AUC, sent with it: %.3f", $0) } ?? ""
            logger.info("annotated \(annotation.probabilities.count) public molecules (abstained on \(annotation.abstentionCount) of our own)\(sent)")
        }
        if session.dryRun { return try dryRunOutcome(session, jobID: jobID, chunks: chunks) }

        // Upload the chunks the coordinator does not hold.
        try await upload(session, chunks, view: try await session.refreshed(jobID))

        // The student and its selection.
        view = try await session.wait(for: .studentTrained, job: jobID, view: try await session.refreshed(jobID))
        let student = try await fetchStudent(session, jobID, view: view)
        let selection = try await fetchSelection(session, jobID)

        // Calibration counts on our validation molecules (only counts leave).
        if view.state == .studentTrained, !view.calibrationReceived, !data.validation.labels.isEmpty {
            let counts = await work.calibrationCounts(student: student, thresholds: view.candidateThresholds)
            let ack = try await session.call("SubmitCalibration", job: jobID, counts.wire(jobID: jobID),
                                             summary: "confusion counts at \(view.candidateThresholds.count) thresholds over \(data.validation.count) validation molecules") { r, o in
                try await client.submitCalibration(r, options: o)
            }
            logger.info("calibration: \(ack.message)")
        }

        // Once published: evaluate student, teacher and hybrid on our own data; send the aggregates.
        view = try await session.wait(for: .studentPublished, job: jobID, view: try await session.refreshed(jobID))
        let threshold = view.threshold
        if teacherModel == nil, let stored = try await store.get("teacher", job: jobID) { teacherModel = try? StudentCodec.decode(stored) }
        let teacher = try await { () async throws -> any ProbabilisticClassifier in
            if let teacherModel { return teacherModel }
            return try await work.retrainTeacher()  // trained before a crash but not kept: the same seed gives the same teacher
        }()
        let outcomes = try await work.evaluate(student: student, threshold: threshold, studentRows: selection.rows.count, teacher: teacher,
                                               selection: selection.rows.map { Int($0) }, transfer: transfer.features, hybrid: config.hybrid ?? true)
        let report = PartnerWork.report(jobID: jobID, outcomes)
        if !view.evaluationReceived {
            let ack = try await session.call("SubmitEvaluation", job: jobID, report,
                                             summary: "aggregate metrics of \(report.models.map(\.model).joined(separator: ", ")) on \(data.test.count) test and \(data.validation.count) validation molecules") { r, o in
                try await client.submitEvaluation(r, options: o)
            }
            logger.info("evaluation: \(ack.message)")
        }
        for o in outcomes {
            logger.info("\(o.model) on our test set: MCC \(o.test.mcc.map { String(format: "%.3f", $0) } ?? "—"), ROC-AUC \(o.test.rocAUC.map { String(format: "%.3f", $0) } ?? "—")")
        }
        let final = try await session.wait(for: .complete, job: jobID, view: try await session.refreshed(jobID))
        return session.outcome(jobID: jobID, state: "\(final.state)", threshold: threshold,
                               metrics: outcomes.map { (model: $0.model, test: $0.test, validation: $0.validation) })
    }

    // MARK: Transfer set and screening pool

    /// The transfer set's SMILES (or, with `pool`, the screening pool's), fetching the chunks not yet stored.
    private func fetchMolecules<Transport>(_ session: NodeSession<Transport>, _ view: Concord_V1_JobView, pool: Bool) async throws -> [String] {
        let jobID = view.jobID
        let total = Int(pool ? view.screeningChunks : view.transferChunks)
        let prefix = pool ? "pool/" : "transfer/", what = pool ? "screening pool" : "transfer"
        let method = pool ? "FetchScreeningPool" : "FetchTransferSet"
        let store = session.store, sent = session.sent, client = session.client
        while true {
            let held = Set(try await store.keys(job: jobID, prefix: prefix).compactMap { Int($0.dropFirst(prefix.count)) })
            guard let first = (0..<total).first(where: { !held.contains($0) }) else { break }
            var request = Concord_V1_FetchTransferSetRequest()
            request.jobID = jobID
            request.fromChunk = UInt32(first)
            let got: Int = try await session.call(method, job: jobID, request, summary: "request \(what) chunks from \(first)") { r, o in
                let handle: @Sendable (StreamingClientResponse<Concord_V1_TransferChunk>) async throws -> Int = { response in
                    var n = 0
                    for try await chunk in response.messages {
                        if pool { try Chunking.validatePool(chunk, job: view) } else { try Chunking.validate(chunk, job: view) }
                        let bytes: Data = try chunk.serializedBytes()
                        try await store.put(prefix + String(format: "%06d", Int(chunk.index)), job: jobID, data: bytes)
                        sent.received(bytes.count)
                        n += 1
                    }
                    return n
                }
                return pool ? try await client.fetchScreeningPool(r, options: o, onResponse: handle)
                            : try await client.fetchTransferSet(r, options: o, onResponse: handle)
            }
            session.logger.info("received \(got) \(what) chunks (from \(first) of \(total))")
        }
        var smiles: [String] = []
        for index in 0..<total {
            guard let data = try await store.get(prefix + String(format: "%06d", index), job: jobID) else {
                throw NodeError("\(what) chunk \(index) vanished from the store", context: .init(job: jobID, chunk: index))
            }
            smiles += try Concord_V1_TransferChunk(serializedBytes: data).smiles
        }
        guard Digests.smiles(smiles) == (pool ? view.screeningSha256 : view.transferSha256) else {
            throw NodeError("the \(what)'s SHA-256 does not match the job's", code: .integrity, context: .init(job: jobID))
        }
        return smiles
    }

    /// Screens the pool (distances only, kept once made) and uploads the chunks the coordinator does not hold.
    private func screen<Transport>(_ session: NodeSession<Transport>, _ view: Concord_V1_JobView, work: PartnerWork,
                                   fingerprint: FeaturizerSpec) async throws -> [Concord_V1_ScreeningChunk] {
        let jobID = view.jobID, store = session.store, client = session.client
        var chunks: [Concord_V1_ScreeningChunk] = try await session.stored(jobID, prefix: "screening/")
        if chunks.isEmpty {
            let pool = try await PartnerWork.transfer(try await fetchMolecules(session, view, pool: true), fingerprint: fingerprint, parallelism: session.parallelism)
            let screening = try await work.screen(pool: pool.features, keys: pool.keys)
            chunks = Chunking.screeningChunks(jobID: jobID, screening: screening)
            for chunk in chunks { try await store.put(String(format: "screening/%06d", Int(chunk.index)), job: jobID, data: try chunk.serializedBytes()) }
            session.logger.info("screened \(screening.distances.count) public molecules (abstained on \(screening.abstained.filter { $0 }.count) of our own)")
        }
        if session.dryRun { return chunks }
        // Screening takes long on a large pool: the coordinator may have gone on with a quorum meanwhile.
        let current = try await session.refreshed(jobID)
        guard current.state == .screening else {
            session.logger.warning("the coordinator chose the transfer set without our screening (we were late); going on to annotate")
            return chunks
        }
        let held = Set(current.screeningChunksReceived.map(Int.init))
        try await session.send(chunks.filter { !held.contains(Int($0.index)) }, of: chunks.count, job: jobID, method: "UploadScreening", what: "screening",
                               index: \.index, summary: { chunk in
            "screening of public molecules \(chunk.offset)..<\(Int(chunk.offset) + chunk.domainDistances.count): domain distance, \(chunk.abstained.filter { $0 }.count) abstentions"
        }) { missing in
            try await client.uploadScreening(options: CallDefaults.options(timeout: .seconds(600)), requestProducer: { writer in
                for chunk in missing { try await writer.write(chunk) }
            })
        }
        return chunks
    }

    // MARK: Annotation

    private func upload<Transport>(_ session: NodeSession<Transport>, _ chunks: [Concord_V1_AnnotationChunk], view: Concord_V1_JobView) async throws {
        let held = Set(view.annotationChunksReceived.map(Int.init))
        let client = session.client
        try await session.send(chunks.filter { !held.contains(Int($0.index)) }, of: chunks.count, job: view.jobID, method: "UploadAnnotations", what: "annotation",
                               index: \.index, summary: { chunk in
            "annotation of public molecules \(chunk.offset)..<\(Int(chunk.offset) + chunk.probabilities.count): P(active), domain distance, \(chunk.abstained.filter { $0 }.count) abstentions"
        }) { missing in
            try await client.uploadAnnotations(options: CallDefaults.options(timeout: .seconds(600)), requestProducer: { writer in
                for chunk in missing { try await writer.write(chunk) }
            })
        }
    }

    // MARK: Student

    private func fetchStudent<Transport>(_ session: NodeSession<Transport>, _ jobID: String, view: Concord_V1_JobView) async throws -> any ProbabilisticClassifier {
        let data = try await session.artifact(jobID, kind: .studentModel, key: "student")
        guard Digests.sha256(data) == view.studentSha256 else {
            throw NodeError("the student's SHA-256 does not match the job's", code: .integrity, context: .init(job: jobID))
        }
        do { return try StudentCodec.decode(data) } catch { throw NodeError("the student model", code: .integrity, context: .init(job: jobID), cause: error) }
    }

    private func fetchSelection<Transport>(_ session: NodeSession<Transport>, _ jobID: String) async throws -> Concord_V1_StudentSelectionArtifact {
        let data = try await session.artifact(jobID, kind: .studentSelection, key: "selection")
        return try Concord_V1_StudentSelectionArtifact(serializedBytes: data)
    }

    /// What a dry run would have sent, for the operator (the command prints it).
    private func dryRunOutcome<Transport>(_ session: NodeSession<Transport>, jobID: String, chunks: [Concord_V1_AnnotationChunk]) throws -> NodeOutcome {
        let sizes = try chunks.map { chunk -> Int in let data: Data = try chunk.serializedBytes(); return data.count }
        let total = sizes.reduce(0, +)
        let abstained = chunks.reduce(0) { $0 + $1.abstained.filter { $0 }.count }
        return session.outcome(jobID: jobID, state: "dry run", disclosure: [
            "dry run for job \(jobID): nothing below was sent",
            "  Enrol                       1 message   (partner name from the certificate, teacher kind '\(session.config.teacher ?? "rf")')",
            "  UploadAnnotations   \(String(format: "%6d", chunks.count)) chunks    \(total) bytes: P(active), domain distance and abstention flag per public molecule",
            "                                          \(abstained) public molecules abstained on (identical to our own)",
            "  SubmitCalibration           1 message   confusion counts at the job's candidate thresholds",
            "  SubmitEvaluation            1 message   aggregate metrics of student, teacher and hybrid",
            "no SMILES, identity key, fingerprint or label of a private molecule is in any of them",
        ])
    }
}
