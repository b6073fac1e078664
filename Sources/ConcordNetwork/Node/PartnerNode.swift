public import Logging
import ConcordChem
public import ConcordFederation
import ConcordML
import ConcordSecurity
public import ConcordStorage
import ConcordWire
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import SwiftProtobuf
import Synchronization

/// Why a node stopped without finishing its job.
public struct NodeError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// What a node did in one run, for its operator.
public struct NodeOutcome: Sendable {
    public var jobID: String
    public var state: String
    public var threshold: Double
    /// Metrics on the partner's own data (student, teacher, hybrid), as reported to the coordinator.
    public var metrics: [(model: String, test: MetricSet, validation: MetricSet)]
    /// Messages sent and their bytes in this run.
    public var messagesSent: Int
    public var bytesSent: Int
    /// Bytes of the transfer set and student artifacts received in this run.
    public var bytesReceived: Int = 0
}

/// A partner's node: trains the teacher where the data live, annotates the public transfer set,
/// uploads the annotation, fetches the student, returns calibration counts and aggregate metrics,
/// and builds a hybrid locally.
///
/// Every finished step is kept in the node's store (by default the SQLite file its configuration
/// names), so a node killed at any moment and started again continues where it stopped; every
/// message it sends is first written to the audit log. Transport failures are retried with
/// exponential backoff; refusals stop the node with the coordinator's reason.
public struct PartnerNode: Sendable {
    public let config: NodeConfig
    public let logger: Logger
    /// When true, nothing that would disclose anything is sent: the node enrols nowhere, only
    /// reads the job and the transfer set, and reports what it would upload.
    public var dryRun = false
    /// Where the node keeps its finished steps; nil (the default) for the SQLite file at the configuration's `state`.
    public var store: (any NodeStoring)?

    public init(config: NodeConfig, logger: Logger, store: (any NodeStoring)? = nil) {
        self.config = config; self.logger = logger; self.store = store
    }

    /// Runs the node until its job is complete (or, in a dry run, until the annotation is ready).
    public func run() async throws -> NodeOutcome {
        let material = try TLSMaterial.load(directory: config.url(config.tls.directory), name: config.tls.name)
        for warning in material.warnings { logger.warning("\(warning)") }
        guard material.identity.name == config.partner else {
            throw NodeError("the certificate in \(config.tls.directory) is for '\(material.identity.name)', not the configured partner '\(config.partner)'")
        }
        let store: any NodeStoring
        if let configured = self.store {
            store = configured
        } else {
            let stateURL = config.url(config.state)
            try FileManager.default.createDirectory(at: stateURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            store = try SQLiteNodeStore(path: stateURL.path)
        }
        let audit = try AuditLog(url: config.url(config.audit), recordPayloads: config.recordPayloads ?? false)
        let transport = try MutualTLS.clientTransport(host: config.coordinator.host, port: config.coordinator.port,
                                                      serverName: config.serverName ?? config.coordinator.host, material: material)
        return try await withGRPCClient(transport: transport) { client in
            let session = NodeSession(config: config, logger: logger, store: store, audit: audit,
                                      client: Concord_V1_Federation.Client(wrapping: client), dryRun: dryRun)
            return try await session.run()
        }
    }
}

/// One run of a node: the steps, each resumable from the store.
struct NodeSession {
    let config: NodeConfig
    let logger: Logger
    let store: any NodeStoring
    let audit: AuditLog
    let client: Concord_V1_Federation.Client<HTTP2ClientTransport.Posix>
    let dryRun: Bool
    let sent = SentCounter()
    var parallelism: Int { config.threads ?? defaultParallelism }
    var seed: UInt64 { config.seed ?? 1 }
    var poll: Duration { .milliseconds(Int(((config.poll ?? 0.5) * 1000).rounded())) }

    init(config: NodeConfig, logger: Logger, store: any NodeStoring, audit: AuditLog,
         client: Concord_V1_Federation.Client<HTTP2ClientTransport.Posix>, dryRun: Bool) {
        self.config = config; self.logger = logger; self.store = store; self.audit = audit; self.client = client; self.dryRun = dryRun
    }

    // MARK: The steps

    func run() async throws -> NodeOutcome {
        let teacherName = config.teacher ?? "rf"
        guard let recipe = TrainingRecipe.named(teacherName) else { throw NodeError("unknown teacher '\(teacherName)'; choose rf, mlp, logreg or knn") }

        // 1. Find the job (enrolling, unless this is a dry run).
        var view: Concord_V1_JobView
        if dryRun {
            var request = Concord_V1_GetJobRequest()
            request.jobID = config.job ?? ""
            view = try await call("GetJob", job: request.jobID, request, summary: "which job (\(request.jobID.isEmpty ? "latest" : request.jobID))",
                                  waitForJob: request.jobID.isEmpty) { r, o in
                try await client.getJob(r, options: o)
            }
        } else {
            var request = Concord_V1_EnrolRequest()
            request.jobID = config.job ?? ""
            request.protocolVersion = WireLimits.protocolVersion
            request.softwareVersion = "concord 0.1"
            request.teacher = teacherName
            let response = try await call("Enrol", job: request.jobID, request, summary: "enrol with teacher kind '\(teacherName)'",
                                          waitForJob: request.jobID.isEmpty) { r, o in
                try await client.enrol(r, options: o)
            }
            view = response.job
            logger.info("enrolled in job \(response.jobID) as \(response.partner)")
        }
        let jobID = view.jobID
        let fingerprint: FeaturizerSpec
        do { fingerprint = try FeaturizerSpec(wire: view.fingerprint) } catch { throw NodeError("the job's fingerprint: \(error)") }

        // 2. The private data, fingerprinted as the job asks.
        let data = try await PrivateData.load(config.data, base: config.base, fingerprint: fingerprint.morganOptions, seed: seed, parallelism: parallelism)
        for line in data.skipped.prefix(10) { logger.warning("skipped: \(line)") }
        if data.skipped.count > 10 { logger.warning("… and \(data.skipped.count - 10) more records skipped") }
        logger.info("private data: \(data.train.count) training (\(data.train.actives) active), \(data.validation.count) validation, \(data.test.count) test molecules")
        let work = PartnerWork(partner: config.partner, data: data, recipe: recipe, selfGuard: try PartnerWork.selfGuard(config.selfGuard),
                               seed: seed, parallelism: parallelism, hybrid: try PartnerWork.hybridOptions(config.hybridModel))

        // 3. A screened job: the pool's domain distances (no predictions), unless the coordinator holds them.
        view = try await wait(for: .screening, job: jobID, view: view)
        if view.state == .screening, view.screeningChunksReceived.count < Int(view.screeningChunks) {
            let chunks = try await screen(view, work: work, fingerprint: fingerprint)
            if dryRun {
                let bytes = try chunks.reduce(0) { total, chunk in let data: Data = try chunk.serializedBytes(); return total + data.count }
                print("dry run for job \(jobID): the job is screening its public pool; nothing below was sent")
                print("  UploadScreening     \(String(format: "%6d", chunks.count)) chunks    \(bytes) bytes: domain distance and abstention flag per public pool molecule (no prediction)")
                print("no SMILES, identity key, fingerprint or label of a private molecule is in any of them")
                return NodeOutcome(jobID: jobID, state: "dry run (screening)", threshold: 0, metrics: [], messagesSent: sent.messages, bytesSent: sent.bytes)
            }
        }

        // 4. Wait for the transfer set, then fetch whatever is not yet stored.
        view = try await wait(for: .transferReady, job: jobID, view: try await refreshed(jobID))
        let transfer = try await PartnerWork.transfer(try await fetchTransferSet(view), fingerprint: fingerprint, parallelism: parallelism)

        // 5. The teacher and the annotation (kept once made).
        var chunks = try await storedAnnotation(jobID)
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
        if dryRun { return try dryRunOutcome(jobID: jobID, chunks: chunks) }

        // 6. Upload the chunks the coordinator does not hold.
        try await upload(chunks, view: try await refreshed(jobID))

        // 7. The student and its selection.
        view = try await wait(for: .studentTrained, job: jobID, view: try await refreshed(jobID))
        let student = try await fetchStudent(jobID, view: view)
        let selection = try await fetchSelection(jobID)

        // 8. Calibration counts on our validation molecules (only counts leave).
        if view.state == .studentTrained, !view.calibrationReceived, !data.validation.labels.isEmpty {
            let counts = await work.calibrationCounts(student: student, thresholds: view.candidateThresholds)
            let ack = try await call("SubmitCalibration", job: jobID, counts.wire(jobID: jobID),
                                     summary: "confusion counts at \(view.candidateThresholds.count) thresholds over \(data.validation.count) validation molecules") { r, o in
                try await client.submitCalibration(r, options: o)
            }
            logger.info("calibration: \(ack.message)")
        }

        // 9. Once published: evaluate student, teacher and hybrid on our own data; send the aggregates.
        view = try await wait(for: .studentPublished, job: jobID, view: try await refreshed(jobID))
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
            let ack = try await call("SubmitEvaluation", job: jobID, report,
                                     summary: "aggregate metrics of \(report.models.map(\.model).joined(separator: ", ")) on \(data.test.count) test and \(data.validation.count) validation molecules") { r, o in
                try await client.submitEvaluation(r, options: o)
            }
            logger.info("evaluation: \(ack.message)")
        }
        for o in outcomes {
            logger.info("\(o.model) on our test set: MCC \(o.test.mcc.map { String(format: "%.3f", $0) } ?? "—"), ROC-AUC \(o.test.rocAUC.map { String(format: "%.3f", $0) } ?? "—")")
        }
        let final = try await wait(for: .complete, job: jobID, view: try await refreshed(jobID))
        return NodeOutcome(jobID: jobID, state: "\(final.state)", threshold: threshold, metrics: outcomes.map { (model: $0.model, test: $0.test, validation: $0.validation) },
                           messagesSent: sent.messages, bytesSent: sent.bytes, bytesReceived: sent.bytesReceived)
    }

    // MARK: Transfer set and screening pool

    private func fetchTransferSet(_ view: Concord_V1_JobView) async throws -> [String] {
        try await fetchMolecules(view, pool: false)
    }

    /// The transfer set's SMILES (or, with `pool`, the screening pool's), fetching the chunks not yet stored.
    private func fetchMolecules(_ view: Concord_V1_JobView, pool: Bool) async throws -> [String] {
        let jobID = view.jobID
        let total = Int(pool ? view.screeningChunks : view.transferChunks)
        let prefix = pool ? "pool/" : "transfer/", what = pool ? "screening pool" : "transfer"
        let method = pool ? "FetchScreeningPool" : "FetchTransferSet"
        while true {
            let held = Set(try await store.keys(job: jobID, prefix: prefix).compactMap { Int($0.dropFirst(prefix.count)) })
            guard let first = (0..<total).first(where: { !held.contains($0) }) else { break }
            var request = Concord_V1_FetchTransferSetRequest()
            request.jobID = jobID
            request.fromChunk = UInt32(first)
            let store = self.store, sent = self.sent, client = self.client
            let got: Int = try await call(method, job: jobID, request, summary: "request \(what) chunks from \(first)") { r, o in
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
            logger.info("received \(got) \(what) chunks (from \(first) of \(total))")
        }
        var smiles: [String] = []
        for index in 0..<total {
            guard let data = try await store.get(prefix + String(format: "%06d", index), job: jobID) else { throw NodeError("\(what) chunk \(index) vanished from the store") }
            smiles += try Concord_V1_TransferChunk(serializedBytes: data).smiles
        }
        guard Digests.smiles(smiles) == (pool ? view.screeningSha256 : view.transferSha256) else {
            throw NodeError("the \(what)'s SHA-256 does not match the job's")
        }
        return smiles
    }

    /// Screens the pool (distances only, kept once made) and uploads the chunks the coordinator does not hold.
    @discardableResult
    private func screen(_ view: Concord_V1_JobView, work: PartnerWork, fingerprint: FeaturizerSpec) async throws -> [Concord_V1_ScreeningChunk] {
        let jobID = view.jobID
        var chunks: [Concord_V1_ScreeningChunk] = try await stored(jobID, prefix: "screening/")
        if chunks.isEmpty {
            let pool = try await PartnerWork.transfer(try await fetchMolecules(view, pool: true), fingerprint: fingerprint, parallelism: parallelism)
            let screening = try await work.screen(pool: pool.features, keys: pool.keys)
            chunks = Chunking.screeningChunks(jobID: jobID, screening: screening)
            for chunk in chunks { try await store.put(String(format: "screening/%06d", Int(chunk.index)), job: jobID, data: try chunk.serializedBytes()) }
            logger.info("screened \(screening.distances.count) public molecules (abstained on \(screening.abstained.filter { $0 }.count) of our own)")
        }
        if dryRun { return chunks }
        // Screening takes long on a large pool: the coordinator may have gone on with a quorum meanwhile.
        let current = try await refreshed(jobID)
        guard current.state == .screening else {
            logger.warning("the coordinator chose the transfer set without our screening (we were late); going on to annotate")
            return chunks
        }
        let held = Set(current.screeningChunksReceived.map(Int.init))
        try await send(chunks.filter { !held.contains(Int($0.index)) }, of: chunks.count, job: jobID, method: "UploadScreening", what: "screening",
                       index: \.index, summary: { chunk in
            "screening of public molecules \(chunk.offset)..<\(Int(chunk.offset) + chunk.domainDistances.count): domain distance, \(chunk.abstained.filter { $0 }.count) abstentions"
        }) { [client] missing in
            try await client.uploadScreening(options: CallDefaults.options(timeout: .seconds(600)), requestProducer: { writer in
                for chunk in missing { try await writer.write(chunk) }
            })
        }
        return chunks
    }

    // MARK: Annotation

    private func storedAnnotation(_ jobID: String) async throws -> [Concord_V1_AnnotationChunk] {
        try await stored(jobID, prefix: "annotation/")
    }

    /// The chunks kept under `prefix`, in key order; one that no longer parses is left out.
    private func stored<Chunk: SwiftProtobuf.Message>(_ jobID: String, prefix: String) async throws -> [Chunk] {
        var chunks: [Chunk] = []
        for key in try await store.keys(job: jobID, prefix: prefix) {
            if let data = try await store.get(key, job: jobID), let chunk = try? Chunk(serializedBytes: data) { chunks.append(chunk) }
        }
        return chunks
    }

    private func upload(_ chunks: [Concord_V1_AnnotationChunk], view: Concord_V1_JobView) async throws {
        let held = Set(view.annotationChunksReceived.map(Int.init))
        try await send(chunks.filter { !held.contains(Int($0.index)) }, of: chunks.count, job: view.jobID, method: "UploadAnnotations", what: "annotation",
                       index: \.index, summary: { chunk in
            "annotation of public molecules \(chunk.offset)..<\(Int(chunk.offset) + chunk.probabilities.count): P(active), domain distance, \(chunk.abstained.filter { $0 }.count) abstentions"
        }) { [client] missing in
            try await client.uploadAnnotations(options: CallDefaults.options(timeout: .seconds(600)), requestProducer: { writer in
                for chunk in missing { try await writer.write(chunk) }
            })
        }
    }

    /// Uploads the `missing` chunks of an upload of `total`: each is checked against the size
    /// limit and written to the audit log before anything is sent, then all go in one retried
    /// call; the coordinator must then hold every chunk.
    private func send<Chunk: SwiftProtobuf.Message & Sendable>(
        _ missing: [Chunk], of total: Int, job: String, method: String, what: String, index: (Chunk) -> UInt32,
        summary: (Chunk) -> String, _ call: @escaping @Sendable ([Chunk]) async throws -> Concord_V1_UploadReceipt
    ) async throws {
        guard !missing.isEmpty else { return }
        for chunk in missing {
            let data: Data = try chunk.serializedBytes()
            guard data.count <= WireLimits.maxMessageBytes else {
                throw NodeError("\(what) chunk \(index(chunk)) is \(data.count) bytes, over the protocol's limit of \(WireLimits.maxMessageBytes) bytes; nothing was sent")
            }
            try audit.record(job: job, kind: "\(method)/\(Chunk.protoMessageName.split(separator: ".").last ?? "")", bytes: data, summary: summary(chunk))
            sent.add(data)
        }
        let receipt = try await retrying(method) { try await call(missing) }
        logger.info("uploaded \(missing.count) \(what) chunks; the coordinator holds \(receipt.stored.count) (\(receipt.duplicates) duplicates)")
        guard receipt.complete else { throw NodeError("the coordinator holds \(receipt.stored.count) of \(total) \(what) chunks after the upload") }
    }

    // MARK: Student

    private func fetchStudent(_ jobID: String, view: Concord_V1_JobView) async throws -> any ProbabilisticClassifier {
        let data = try await artifact(jobID, kind: .studentModel, key: "student")
        guard Digests.sha256(data) == view.studentSha256 else { throw NodeError("the student's SHA-256 does not match the job's") }
        do { return try StudentCodec.decode(data) } catch { throw NodeError("the student model: \(error)") }
    }

    private func fetchSelection(_ jobID: String) async throws -> Concord_V1_StudentSelectionArtifact {
        let data = try await artifact(jobID, kind: .studentSelection, key: "selection")
        return try Concord_V1_StudentSelectionArtifact(serializedBytes: data)
    }

    private func artifact(_ jobID: String, kind: Concord_V1_ArtifactKind, key: String) async throws -> Data {
        if let data = try await store.get(key, job: jobID) { return data }
        var request = Concord_V1_FetchStudentRequest()
        request.jobID = jobID
        request.kind = kind
        let chunks: [Concord_V1_ArtifactChunk] = try await call("FetchStudent", job: jobID, request, summary: "request artifact \(key)") { r, o in
            try await client.fetchStudent(r, options: o) { response in
                var out: [Concord_V1_ArtifactChunk] = []
                for try await chunk in response.messages { out.append(chunk) }
                return out
            }
        }
        let data = try Chunking.assembleArtifact(chunks)
        sent.received(chunks.reduce(0) { $0 + $1.data.count })
        try await store.put(key, job: jobID, data: data)
        return data
    }

    // MARK: Waiting and calling

    private func refreshed(_ jobID: String) async throws -> Concord_V1_JobView {
        var request = Concord_V1_GetJobRequest()
        request.jobID = jobID
        return try await call("GetJob", job: jobID, request, summary: "job status", quiet: true) { r, o in try await client.getJob(r, options: o) }
    }

    /// Polls until the job reaches `state` (or a later one); stops on cancellation or failure.
    private func wait(for state: Concord_V1_JobState, job jobID: String, view: Concord_V1_JobView) async throws -> Concord_V1_JobView {
        var view = view
        var last = ""
        while true {
            if view.state == .cancelled { throw NodeError("job \(jobID) was cancelled: \(view.message)") }
            if view.state == .failed { throw NodeError("job \(jobID) failed at the coordinator: \(view.message)") }
            if CoordinatorEngine.reached(view.state.rawValue, state) { return view }
            if view.message != last { logger.info("waiting: \(view.message)"); last = view.message }
            try await Task.sleep(for: poll)
            view = try await refreshed(jobID)
        }
    }

    /// Sends one message (auditing it first), retrying transport failures with exponential backoff.
    private func call<Request: SwiftProtobuf.Message & Sendable, Result: Sendable>(
        _ method: String, job: String, _ request: Request, summary: String, quiet: Bool = false, waitForJob: Bool = false,
        _ body: @escaping @Sendable (Request, CallOptions) async throws -> Result
    ) async throws -> Result {
        let data: Data = try request.serializedBytes()
        guard data.count <= WireLimits.maxMessageBytes else {
            throw NodeError("\(method): a message of \(data.count) bytes is over the protocol's limit of \(WireLimits.maxMessageBytes) bytes; nothing was sent")
        }
        try audit.record(job: job, kind: "\(method)/\(Request.protoMessageName.split(separator: ".").last ?? "")", bytes: data, summary: summary)
        sent.add(data)
        return try await retrying(method, waitForJob: waitForJob) { try await body(request, CallDefaults.options(timeout: .seconds(600))) }
    }

    private func retrying<T: Sendable>(_ method: String, waitForJob: Bool = false, _ body: () async throws -> T) async throws -> T {
        var delay = 0.2
        var attempt = 0
        let started = Date()
        while true {
            do {
                return try await body()
            } catch let error as RPCError where [.unavailable, .deadlineExceeded, .unknown, .aborted, .cancelled].contains(error.code) {
                attempt += 1
                let cause = error.cause.map { " — \($0)" } ?? ""
                if let limit = config.giveUpAfter, Date().timeIntervalSince(started) > limit {
                    throw NodeError("\(method): the coordinator has been unreachable for \(Int(limit)) s: \(error.message)\(cause)")
                }
                logger.warning("\(method): coordinator unreachable (\(error.code): \(error.message)\(cause)); retry \(attempt) in \(String(format: "%.1f", delay)) s")
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
                delay = min(delay * 2, 10)
            } catch let error as RPCError where waitForJob && error.code == .notFound {
                if attempt == 0 { logger.info("no job for us yet (\(error.message)); waiting") }
                attempt += 1
                try await Task.sleep(for: poll)
            } catch let error as RPCError {
                throw NodeError("the coordinator refused \(method): \(error.message) (\(error.code))")
            }
        }
    }

    private func dryRunOutcome(jobID: String, chunks: [Concord_V1_AnnotationChunk]) throws -> NodeOutcome {
        let sizes = try chunks.map { chunk -> Int in let data: Data = try chunk.serializedBytes(); return data.count }
        let total = sizes.reduce(0, +)
        print("dry run for job \(jobID): nothing below was sent")
        print("  Enrol                       1 message   (partner name from the certificate, teacher kind '\(config.teacher ?? "rf")')")
        print("  UploadAnnotations   \(String(format: "%6d", chunks.count)) chunks    \(total) bytes: P(active), domain distance and abstention flag per public molecule")
        let abstained = chunks.reduce(0) { $0 + $1.abstained.filter { $0 }.count }
        print("                                          \(abstained) public molecules abstained on (identical to our own)")
        print("  SubmitCalibration           1 message   confusion counts at the job's candidate thresholds")
        print("  SubmitEvaluation            1 message   aggregate metrics of student, teacher and hybrid")
        print("no SMILES, identity key, fingerprint or label of a private molecule is in any of them")
        return NodeOutcome(jobID: jobID, state: "dry run", threshold: 0, metrics: [], messagesSent: sent.messages, bytesSent: sent.bytes)
    }
}

/// Messages and bytes a node has sent in this run, and the bytes of the messages it received.
final class SentCounter: Sendable {
    private let state = Mutex<(messages: Int, bytes: Int, received: Int)>((0, 0, 0))
    func add(_ data: Data) { state.withLock { $0.messages += 1; $0.bytes += data.count } }
    func received(_ count: Int) { state.withLock { $0.received += count } }
    var messages: Int { state.withLock { $0.messages } }
    var bytes: Int { state.withLock { $0.bytes } }
    var bytesReceived: Int { state.withLock { $0.received } }
}
