public import ConcordFederation
import ConcordReport
import ConcordStorage
public import Foundation
import ConcordChem
import ConcordML
import Logging
import ConcordWire
import SwiftProtobuf
import Synchronization

/// Where the coordinator reads public transfer molecules from: given a job's `transfer_source`,
/// returns the pool of SMILES (and how many leading ones are drawn first).
public typealias TransferSource = @Sendable (String) async throws -> (smiles: [String], preferred: Int)

/// The distillation job kind as the coordinator runs it: draws the transfer set (or a pool to
/// screen), chooses the transfer set from partners' screenings, collects and assembles
/// annotations, federates them, trains the student, calibrates its threshold from partners'
/// counts, publishes it, collects evaluations and writes the report.
///
/// Everything it keeps in memory (the stored molecule sets' fingerprints, the consensus) is a
/// cache of what it stored, rebuilt from the store after a restart.
public final class DistillationCoordinator: CoordinatorJobKind {
    /// Where transfer molecules come from.
    let transferSource: TransferSource
    private let cache = Mutex(Cache())

    private struct Cache {
        var sets: [String: TransferSet] = [:]
        var counts: [String: Int] = [:]
        var consensus: [String: ConsensusRecord] = [:]
    }

    /// Artifact names in the store.
    enum Artifact {
        static let transfer = "transfer", screening = "screening", consensus = "consensus", student = "student", selection = "selection", report = "report"
    }

    /// A distillation kind reading public molecules from `transferSource`.
    public init(transferSource: @escaping TransferSource) { self.transferSource = transferSource }

    public var descriptor: JobKindDescriptor { DistillationJob.descriptor }

    public func validate(spec: Data) throws(CoordinatorRefusal) { try DistillationJobSettings.validate(try Self.spec(spec)) }

    public func initialMessage(spec: Data) -> String { "preparing the transfer set" }

    /// The student (the job's product); the transfer set, the consensus and the selection go.
    public var retainedArtifacts: Set<String> { [Artifact.student] }

    /// Drops the job's molecule sets (fingerprints of tens of thousands of molecules) and
    /// consensus from memory; a later read of a finished job's consensus comes from the store.
    public func ended(job: String) {
        cache.withLock { cache in
            for key in cache.sets.keys where key.hasSuffix("/" + job) { cache.sets[key] = nil }
            cache.consensus[job] = nil
        }
    }

    /// The jobs whose molecule sets or consensus are held in memory (for tests).
    var jobsInMemory: Set<String> {
        cache.withLock { cache in
            Set(cache.sets.keys.compactMap { $0.split(separator: "/", maxSplits: 1).last.map(String.init) }).union(cache.consensus.keys)
        }
    }

    // MARK: Reading the job

    static func spec(_ data: Data) throws(CoordinatorRefusal) -> DistillationJobSpec {
        do { return try DistillationJobSpec(stored: data) }
        catch { throw CoordinatorRefusal(.internalError, "stored job spec", cause: error) }
    }

    /// Molecules in a stored set (nil before it is drawn, or for a job that has no such set); the
    /// pool may give fewer than asked.
    func moleculeCount(_ artifact: String, job: String, store: any CoordinatorStoring) async throws(CoordinatorRefusal) -> Int? {
        let key = artifact + "/" + job
        if let cached = cache.withLock({ $0.counts[key] }) { return cached }
        let stored: ArtifactRecord?
        do { stored = try await store.artifact(artifact, job: job) } catch { throw .storage("reading artifact '\(artifact)'", error, job: job) }
        guard let stored else { return nil }
        let count = MoleculeSetArtifact.decode(stored.data).count
        cache.withLock { $0.counts[key] = count }
        return count
    }

    func transferCount(_ job: String, store: any CoordinatorStoring) async throws(CoordinatorRefusal) -> Int? {
        try await moleculeCount(Artifact.transfer, job: job, store: store)
    }

    func screeningCount(_ job: String, store: any CoordinatorStoring) async throws(CoordinatorRefusal) -> Int? {
        try await moleculeCount(Artifact.screening, job: job, store: store)
    }

    /// The job's consensus once federated (nil before); read once, since it never changes after it is stored.
    func consensusRecord(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> ConsensusRecord? {
        let job = context.job.id
        if let cached = cache.withLock({ $0.consensus[job] }) { return cached }
        guard let stored = try await context.artifact(Artifact.consensus), let record = ConsensusRecord(decoding: stored.data) else { return nil }
        // Kept for a job under way only: a finished one's is read when asked, not held for ever.
        if !JobPhase(context.job.phase).isTerminal { cache.withLock { $0.consensus[job] = record } }
        return record
    }

    /// A stored set of public molecules (the transfer set, or a screened job's pool) with its
    /// fingerprints, rebuilt from the stored SMILES after a restart. The stored molecules all
    /// parsed when they were drawn, so re-fingerprinting them gives the same rows.
    func molecules(_ artifact: String, _ context: CoordinatorJobContext, settings: DistillationJobSettings) async throws(CoordinatorRefusal) -> TransferSet {
        let key = artifact + "/" + context.job.id
        if let cached = cache.withLock({ $0.sets[key] }) { return cached }
        let name = artifact == Artifact.screening ? "screening pool" : "transfer set"
        guard let stored = try await context.artifact(artifact) else { throw CoordinatorRefusal(.internalError, "the \(name) is missing", context: .init(job: context.job.id)) }
        guard let set = await TransferSet.restoring(MoleculeSetArtifact.decode(stored.data), options: settings.fingerprint, parallelism: context.parallelism) else {
            throw CoordinatorRefusal(.internalError, "the stored \(name) no longer parses", context: .init(job: context.job.id))
        }
        cache.withLock { $0.sets[key] = set }
        return set
    }

    /// Stores a molecule set as an artifact and caches its fingerprints.
    func store(_ set: TransferSet, as artifact: String, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) {
        let data = MoleculeSetArtifact.encode(set.smiles)
        try await context.put(ArtifactRecord(name: artifact, data: data, sha256: Digests.sha256(data)))
        let key = artifact + "/" + context.job.id
        cache.withLock { $0.sets[key] = set; $0.counts[key] = set.count }
    }

    /// The partners whose annotations went into the consensus (those who must calibrate and evaluate).
    func participants(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [String] {
        guard let record = try await consensusRecord(context) else {
            throw CoordinatorRefusal(.internalError, "the stored consensus is missing", context: .init(job: context.job.id))
        }
        return record.partners
    }

    /// The partners who sent every chunk of `upload` (a set of `size` molecules), in the store's order.
    func completeUploaders(_ upload: String, size: Int, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> (done: [String], waiting: [String]) {
        let total = Chunking.chunkCount(size)
        var done: [String] = [], waiting: [String] = []
        for partner in try await context.partners() {
            let held = try await context.uploadIndices(upload, partner: partner.partner).count
            if total > 0 && held == total { done.append(partner.partner) } else { waiting.append(partner.partner) }
        }
        return (done, waiting)
    }

    /// Every complete annotation, assembled.
    func collectedAnnotations(_ context: CoordinatorJobContext, transferSize: Int) async throws(CoordinatorRefusal) -> [Annotation] {
        try await collected(context, transferSize: transferSize) { partner, chunks in try Chunking.assemble(partner: partner, chunks: chunks, transferSize: transferSize) }
    }

    /// Every complete regression annotation (predicted values), assembled.
    func collectedRegressionAnnotations(_ context: CoordinatorJobContext, transferSize: Int) async throws(CoordinatorRefusal) -> [RegressionAnnotation] {
        try await collected(context, transferSize: transferSize) { partner, chunks in
            try Chunking.assembleRegression(partner: partner, chunks: chunks, transferSize: transferSize)
        }
    }

    private func collected<Assembled>(_ context: CoordinatorJobContext, transferSize: Int,
                                      assemble: (String, [Concord_V2_AnnotationPayload]) throws -> Assembled) async throws(CoordinatorRefusal) -> [Assembled] {
        var annotations: [Assembled] = []
        for partner in try await context.partners() {
            let chunks = try await context.uploads(DistillationJob.Upload.annotation, partner: partner.partner)
                .compactMap { try? Concord_V2_AnnotationPayload(serializedBytes: $0.payload) }
            guard chunks.count == Chunking.chunkCount(transferSize) else { continue }
            // A partner whose chunks do not assemble (its whole annotation's digest fails) is left
            // out: its upload is rejected, not the job; the others' work goes on.
            do { annotations.append(try assemble(partner.partner, chunks)) }
            catch { context.logger.warning("\(partner.partner)'s annotation is left out: its chunks do not assemble: \(error)", metadata: ["job": "\(context.job.id)"]) }
        }
        guard !annotations.isEmpty else { throw CoordinatorRefusal(.failedPrecondition, "no complete annotation", context: .init(job: context.job.id)) }
        return annotations
    }

    /// The evaluation reports received, by partner.
    func evaluations(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [(partner: String, report: Concord_V2_EvaluationReport)] {
        try await context.submissions(DistillationJob.Submission.evaluation).compactMap { item in
            (try? Concord_V2_EvaluationReport(serializedBytes: item.payload)).map { (item.partner, $0) }
        }
    }
}
