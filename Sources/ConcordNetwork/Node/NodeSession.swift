public import ConcordStorage
import ConcordFederation
import ConcordChem
public import GRPCCore
public import Logging
import ConcordWire
import Foundation
import SwiftProtobuf

/// One run of a node over any gRPC client transport: the generic steps every job kind's partner
/// work uses — finding and polling the job, sending messages (each audited first, within the size
/// limit, retried with backoff on transport failures), uploading chunks, fetching artifacts, and
/// keeping finished steps in the node's store so a restarted node resumes.
///
/// The job kind's partner work (``PartnerJobKind``) decides what to compute and send; the session
/// decides how. Being generic over `Transport`, the same session runs over mutual TLS in a
/// deployment and over grpc-swift's in-process transport in tests.
public struct NodeSession<Transport: ClientTransport>: Sendable {
    /// The node's configuration.
    public let config: NodeConfig
    /// Where progress is reported.
    public let logger: Logger
    /// The node's finished steps.
    public let store: any NodeStoring
    /// Every message sent, written before it is sent.
    let audit: AuditLog
    /// The wire protocol v2 client.
    let client: Concord_V2_Federation.Client<Transport>
    /// When true, nothing that would disclose anything is sent.
    public let dryRun: Bool
    let sent = SentCounter()

    /// Threads for model work.
    public var parallelism: Int { config.threads ?? defaultParallelism }
    /// The node's seed (its teacher, split and hybrid draw hang under it).
    public var seed: UInt64 { config.seed ?? 1 }
    /// How long to wait between polls of the job.
    var poll: Duration { .milliseconds(Int(((config.poll ?? 0.5) * 1000).rounded())) }

    init(config: NodeConfig, logger: Logger, store: any NodeStoring, audit: AuditLog,
         client: Concord_V2_Federation.Client<Transport>, dryRun: Bool) {
        self.config = config; self.logger = logger; self.store = store; self.audit = audit; self.client = client; self.dryRun = dryRun
    }

    /// Finds the configured job (the latest one for us when none is configured), enrolling with
    /// `teacher` unless this is a dry run.
    func findJob(teacher: String) async throws -> Concord_V2_JobView {
        if dryRun {
            var request = Concord_V2_GetJobRequest()
            request.jobID = config.job ?? ""
            if request.jobID.isEmpty { request.waitMs = Self.jobWaitMs }
            return try await call("GetJob", job: request.jobID, request, summary: "which job (\(request.jobID.isEmpty ? "latest" : request.jobID))",
                                  waitForJob: request.jobID.isEmpty, timeout: CallDefaults.timeout(holding: request.waitMs)) { [client] r, o in
                try await client.getJob(r, options: o)
            }
        }
        var request = Concord_V2_EnrolRequest()
        request.jobID = config.job ?? ""
        request.protocolVersion = WireLimits.protocolVersion
        request.softwareVersion = "concord 0.1"
        request.teacher = teacher
        if request.jobID.isEmpty { request.waitMs = Self.jobWaitMs }
        let response = try await call("Enrol", job: request.jobID, request, summary: teacher.isEmpty ? "enrol" : "enrol with teacher kind '\(teacher)'",
                                      waitForJob: request.jobID.isEmpty, timeout: CallDefaults.timeout(holding: request.waitMs)) { [client] r, o in
            try await client.enrol(r, options: o)
        }
        logger.info("enrolled in job \(response.jobID) as \(response.partner)")
        return response.job
    }

    // MARK: Waiting

    /// The job as the coordinator sees it now or, with `unchangedSince` (a view's revision) and a
    /// wait, once it differs from that view (a long poll).
    func refreshed(_ jobID: String, unchangedSince: Data = Data(), waitMs: UInt32 = 0) async throws -> Concord_V2_JobView {
        var request = Concord_V2_GetJobRequest()
        request.jobID = jobID
        request.unchangedSince = unchangedSince
        request.waitMs = waitMs
        return try await call("GetJob", job: jobID, request, summary: waitMs > 0 ? "job status (waiting for a change)" : "job status", quiet: true,
                              timeout: CallDefaults.timeout(holding: waitMs)) { [client] r, o in
            try await client.getJob(r, options: o)
        }
    }

    /// How long the coordinator may hold a long poll for a change of the job.
    static var longPoll: Duration { .seconds(15) }

    /// How long the coordinator may hold a node's call while no job names it (milliseconds): the
    /// node learns of a job when it is submitted, and the coordinator's log has one refusal per
    /// wait instead of one per poll.
    static var jobWaitMs: UInt32 { UInt32(longPoll.components.seconds * 1000) }

    /// The job once it differs from `view`: a long poll (the coordinator answers as soon as the
    /// view changes, or after ``longPoll`` with the same view). Against a coordinator that answers
    /// at once whatever the revision (or sends none), it waits the configured poll interval first,
    /// as plain polling did.
    func next(after view: Concord_V2_JobView) async throws -> Concord_V2_JobView {
        guard !view.revision.isEmpty else {
            try await Task.sleep(for: poll)
            return try await refreshed(view.jobID)
        }
        let started = ContinuousClock.now
        let fresh = try await refreshed(view.jobID, unchangedSince: view.revision, waitMs: UInt32(Self.longPoll.components.seconds * 1000))
        let elapsed = ContinuousClock.now - started
        if fresh.revision == view.revision, elapsed < poll { try await Task.sleep(for: poll - elapsed) }
        return fresh
    }

    /// Polls until the job reaches `phase` (or a later one) of its kind's phases (`kind`); stops
    /// on cancellation or failure.
    func wait(for phase: JobPhase, of kind: JobKindDescriptor, job jobID: String, view: Concord_V2_JobView) async throws -> Concord_V2_JobView {
        var view = view
        var last = ""
        while true {
            if view.phase == JobPhase.cancelled.rawValue { throw NodeError("job \(jobID) was cancelled: \(view.message)", code: .jobEnded, context: .init(job: jobID)) }
            if view.phase == JobPhase.failed.rawValue { throw NodeError("job \(jobID) failed at the coordinator: \(view.message)", code: .jobEnded, context: .init(job: jobID)) }
            guard let machine = try? JobMachine(kind: kind, phase: JobPhase(view.phase), job: jobID) else {
                throw NodeError("job \(jobID) is in phase '\(view.phase)', which a \(kind.name) job does not have", code: .integrity, context: .init(job: jobID))
            }
            if machine.reached(phase) { return view }
            if view.message != last { logger.info("waiting: \(view.message)"); last = view.message }
            view = try await next(after: view)
        }
    }

    // MARK: Sending

    /// Sends one message (auditing it first), retrying transport failures with exponential backoff.
    func call<Request: SwiftProtobuf.Message & Sendable, Result: Sendable>(
        _ method: String, job: String, _ request: Request, summary: String, quiet: Bool = false, waitForJob: Bool = false, auditKind: String? = nil,
        timeout: Duration = CallDefaults.timeout(),
        _ body: @escaping @Sendable (Request, CallOptions) async throws -> Result
    ) async throws -> Result {
        let data: Data = try request.serializedBytes()
        guard data.count <= WireLimits.maxMessageBytes else {
            throw NodeError("\(method): a message of \(data.count) bytes is over the protocol's limit of \(WireLimits.maxMessageBytes) bytes; nothing was sent",
                            context: .init(job: job, method: method))
        }
        try audit.record(job: job, kind: auditKind ?? "\(method)/\(Request.protoMessageName.split(separator: ".").last ?? "")", bytes: data, summary: summary)
        sent.add(data)
        return try await retrying(method, waitForJob: waitForJob) { try await body(request, CallDefaults.options(timeout: timeout)) }
    }

    /// Uploads the `missing` chunks of the upload `name` (of `total` chunks): each is wrapped in
    /// its envelope, checked against the size limit and written to the audit log before anything
    /// is sent, then all go in one retried call; the coordinator must then hold every chunk sent
    /// and, unless `requireComplete` is false (an upload that grows, one chunk a round), the whole upload.
    /// - Returns: the coordinator's receipt (nil when nothing was missing); its `view`, when the
    ///   coordinator sent one, is the job as it stands after the upload.
    @discardableResult
    func upload(_ name: String, _ missing: [(index: Int, payload: Data, summary: String)], of total: Int, job: String,
                requireComplete: Bool = true) async throws -> Concord_V2_UploadReceipt? {
        guard !missing.isEmpty else { return nil }
        let method = "Upload"
        var chunks: [Concord_V2_UploadChunk] = []
        for item in missing {
            let chunk = Chunking.uploadChunk(jobID: job, upload: name, index: item.index, of: total, payload: item.payload)
            let data: Data = try chunk.serializedBytes()
            guard data.count <= WireLimits.maxMessageBytes else {
                throw NodeError("\(name) chunk \(item.index) is \(data.count) bytes, over the protocol's limit of \(WireLimits.maxMessageBytes) bytes; nothing was sent",
                                context: .init(job: job, method: method, chunk: item.index))
            }
            try audit.record(job: job, kind: "\(method)/\(name)", bytes: data, summary: item.summary)
            sent.add(data)
            chunks.append(chunk)
        }
        let client = self.client, outgoing = chunks
        let receipt = try await retrying(method) {
            try await client.upload(options: CallDefaults.options(timeout: CallDefaults.timeout(transferring: outgoing.reduce(0) { $0 + $1.payload.count })), requestProducer: { writer in
                for chunk in outgoing { try await writer.write(chunk) }
            })
        }
        logger.info("uploaded \(missing.count) \(name) chunks; the coordinator holds \(receipt.stored.count) (\(receipt.duplicates) duplicates)")
        let held = Set(receipt.stored.map(Int.init))
        guard requireComplete ? receipt.complete : missing.allSatisfy({ held.contains($0.index) }) else {
            throw NodeError("the coordinator holds \(receipt.stored.count) of \(total) \(name) chunks after the upload", context: .init(job: job, method: method))
        }
        return receipt
    }

    /// Sends a one-shot submission `name` (the kind's `payload` message), audited first.
    func submit(_ name: String, job: String, payload: some SwiftProtobuf.Message, summary: String) async throws -> Concord_V2_Ack {
        var submission = Concord_V2_Submission()
        submission.jobID = job
        submission.submission = name
        submission.payload = try payload.serializedBytes()
        return try await call("Submit", job: job, submission, summary: summary, auditKind: "Submit/\(name)") { [client] r, o in
            try await client.submit(r, options: o)
        }
    }

    /// Runs `body`, retrying transport failures with exponential backoff (and, with `waitForJob`,
    /// waiting while the coordinator has no job for us); a refusal stops the node with its reason.
    func retrying<T: Sendable>(_ method: String, waitForJob: Bool = false, _ body: () async throws -> T) async throws -> T {
        var delay = 0.2
        var attempt = 0
        let started = Date()
        while true {
            let attemptStarted = ContinuousClock.now
            do {
                return try await body()
            } catch let error as RPCError where CallDefaults.isTransient(error) {
                attempt += 1
                let cause = error.cause.map { " — \($0)" } ?? ""
                if let limit = config.giveUpAfter, Date().timeIntervalSince(started) > limit {
                    throw NodeError("\(method): the coordinator has been unreachable for \(Int(limit)) s",
                                    code: .unreachable, context: .init(method: method), cause: error)
                }
                logger.warning("\(method): coordinator unreachable (\(error.code): \(error.message)\(cause)); retry \(attempt) in \(String(format: "%.1f", delay)) s")
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
                delay = min(delay * 2, 10)
            } catch let error as RPCError where waitForJob && error.code == .notFound {
                if attempt == 0 { logger.info("no job for us yet (\(error.message)); waiting") }
                attempt += 1
                // The coordinator held the call while it waited for a job (a long poll): ask again
                // at once. One that answered at once (an older coordinator) is asked every poll.
                let waited = ContinuousClock.now - attemptStarted
                if waited < poll { try await Task.sleep(for: poll - waited) }
            } catch let error as RPCError {
                throw NodeError("the coordinator refused \(method)", code: .refused, context: .init(method: method), cause: error)
            }
        }
    }

    // MARK: Kept steps

    /// The messages kept under `prefix`, in key order; one that no longer parses is left out.
    func stored<Message: SwiftProtobuf.Message>(_ jobID: String, prefix: String) async throws -> [Message] {
        var messages: [Message] = []
        for key in try await store.keys(job: jobID, prefix: prefix) {
            if let data = try await store.get(key, job: jobID), let message = try? Message(serializedBytes: data) { messages.append(message) }
        }
        return messages
    }

    /// An artifact the coordinator publishes, fetched in chunks (kept once fetched) and checked
    /// against what the job view announces for it.
    /// - Parameter inline: the artifact's bytes if the kind's view carried them: taken (not kept,
    ///   as the view carries them again) when their SHA-256 is the one the view lists, else fetched.
    func artifact(_ name: String, view: Concord_V2_JobView, label: String? = nil, inline: Data = Data()) async throws -> Data {
        let jobID = view.jobID
        let key = "artifact/" + name
        if let data = try await store.get(key, job: jobID) { return data }
        guard let info = view.artifacts.first(where: { $0.name == name }) else {
            throw NodeError("the coordinator publishes no \(name) for job \(jobID) yet", code: .integrity, context: .init(job: jobID, method: "Fetch"))
        }
        if !inline.isEmpty {
            if info.isArtifact(inline) { return inline }
            logger.warning("the view's copy of \(label ?? name) does not match its SHA-256; fetching it")
        }
        var request = Concord_V2_FetchRequest()
        request.jobID = jobID
        request.artifact = name
        let data: Data = try await call("Fetch", job: jobID, request, summary: "request artifact \(name)", timeout: CallDefaults.timeout(transferring: Int(info.totalBytes))) { [client] r, o in
            try await client.fetch(r, options: o) { response in
                var assembler = ArtifactAssembler(name: name, sha256: info.sha256, bytes: info.totalBytes)
                do {
                    for try await chunk in response.messages { try assembler.add(chunk) }
                    return try assembler.finish()
                } catch let error as WireError {
                    throw NodeError("artifact \(name)", code: .integrity, context: .init(job: jobID, method: "Fetch"), cause: error)
                }
            }
        }
        sent.received(data.count)
        // Kept before it is logged: a node killed after saying it has the artifact has it.
        try await store.put(key, job: jobID, data: data)
        logger.info("received \(Chunking.chunkCount(data.count, perChunk: WireLimits.artifactChunkBytes)) \(label ?? name) chunks (\(data.count) bytes)")
        return data
    }

    /// What this run sent and received so far, as an outcome.
    func outcome(jobID: String, state: String, threshold: Double = 0, metrics: [(model: String, test: MetricSet, validation: MetricSet)] = [],
                 disclosure: [String] = []) -> NodeOutcome {
        NodeOutcome(jobID: jobID, state: state, threshold: threshold, metrics: metrics, messagesSent: sent.messages, bytesSent: sent.bytes,
                    bytesReceived: sent.bytesReceived, disclosure: disclosure)
    }
}

extension Concord_V2_ArtifactInfo {
    /// Whether `data` is the artifact this entry lists (its size and SHA-256): how a node checks a
    /// copy carried in a kind's view before it takes it instead of fetching.
    func isArtifact(_ data: Data) -> Bool {
        data.count == Int(totalBytes) && Digests.sha256(data) == sha256
    }
}
