import ConcordStorage
public import ConcordWire
public import Foundation
import ConcordFederation
import SwiftProtobuf

/// The distillation kind's messages in wire protocol v2: its specification (`DistillationSpec`,
/// whose field numbers are those of the v1 `JobSpec`, so a stored specification of either
/// version reads the same), and its parts of the job view and status.
extension DistillationCoordinator {
    public func spec(from wire: Concord_V2_JobSpec.OneOf_Kind) -> Data? {
        guard case .distillation(let spec) = wire else { return nil }
        return try? spec.serializedBytes()
    }

    /// The transfer set, the student and its selection; and first the pool, when the job is screened.
    public func partnerArtifacts(spec data: Data) -> [String] {
        let screened = ((try? Self.spec(data))?.screenPool ?? 0) > 0
        return (screened ? [Artifact.screening] : []) + [Artifact.transfer, Artifact.student, Artifact.selection]
    }

    public func view(partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data {
        let spec = try Self.spec(context.job.spec)
        var view = Concord_V2_DistillationView()
        view.fingerprint.radius = spec.fingerprint.radius
        view.fingerprint.bits = spec.fingerprint.bits
        view.fingerprint.features = spec.fingerprint.features
        view.chunkSize = UInt32(WireLimits.moleculesPerChunk)
        view.threshold = context.job.threshold ?? 0
        view.candidateThresholds = FederatedCalibration.grid
        view.wantsReliability = spec.scheme == FederationScheme.confidence.rawValue
        view.transferSize = UInt32(try await transferCount(context.job.id, store: context.store) ?? 0)
        view.screeningSize = UInt32(try await screeningCount(context.job.id, store: context.store) ?? 0)
        view.task = spec.task
        return try context.serialized(view)
    }

    public func status(context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data {
        let spec = try Self.spec(context.job.spec)
        var status = Concord_V2_DistillationStatus()
        status.transferSize = UInt32(try await transferCount(context.job.id, store: context.store) ?? Int(spec.transferSize))
        status.threshold = context.job.threshold ?? 0
        status.screened = spec.screenPool > 0
        status.task = spec.task
        let digest: Data?
        do { digest = try await context.store.artifactDigest(Artifact.student, job: context.job.id) }
        catch { throw .storage("reading artifact '\(Artifact.student)'", error, job: context.job.id) }
        if let digest { status.studentSha256 = Digests.hex(digest) }
        return try context.serialized(status)
    }

    public func partnerStatus(partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data {
        var status = Concord_V2_DistillationPartnerStatus()
        if let consensus = try await consensusRecord(context), let i = consensus.partners.firstIndex(of: partner) {
            status.contribution = consensus.contributions[i]
            status.abstentions = UInt32(consensus.abstentions[i])
        }
        return try context.serialized(status)
    }

}

extension Concord_V2_JobStatus {
    /// The distillation kind's details of the job (empty for another kind's job, or details that do not decode).
    public var distillation: Concord_V2_DistillationStatus { details(of: DistillationJob.name) }
}
