import ConcordFederation
public import ConcordReport
public import ConcordWire
public import Foundation
import ConcordLinkage
import SwiftProtobuf
import ConcordStorage

extension PSICoordinator {
    public func view(partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data {
        let spec = try Self.spec(context.job.spec)
        var view = Concord_V2_PSIView()
        view.role = spec.role(of: partner) ?? ""
        view.peer = partner == spec.receiver ? spec.sender : spec.receiver
        view.session = PSIJobSpec.session(jobID: context.job.id)
        view.cardinalityOnly = spec.psi.cardinalityOnly
        view.revealToSender = spec.psi.revealToSender
        view.maximumSetSize = UInt64(spec.limit)
        view.dateOrder = spec.psi.dateOrder
        view.caseSensitive = spec.psi.caseSensitive
        view.identifier = spec.psi.identifier
        return try context.serialized(view)
    }

    public func status(context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data {
        try context.serialized(try await details(context))
    }

    /// The job's sizes and traffic, from the messages published so far.
    func details(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Concord_V2_PSIStatus {
        let spec = try Self.spec(context.job.spec)
        var status = Concord_V2_PSIStatus()
        status.receiver = spec.receiver
        status.sender = spec.sender
        status.cardinalityOnly = spec.psi.cardinalityOnly
        status.revealToSender = spec.psi.revealToSender
        let settings: PSISettings
        do { settings = try spec.settings(jobID: context.job.id) } catch { throw CoordinatorRefusal(.internalError, "the job's PSI settings", context: .init(job: context.job.id), cause: error) }
        if let request = try await Self.frame(PSIJob.Artifact.request, context, settings) {
            status.receiverSetSize = UInt64(request.receiverCount)
            status.requestBytes = UInt64(request.byteCount)
        }
        if let response = try await Self.frame(PSIJob.Artifact.response, context, settings) {
            status.senderSetSize = UInt64(response.senderCount)
            status.responseBytes = UInt64(response.byteCount)
        }
        if let reveal = try await Self.frame(PSIJob.Artifact.reveal, context, settings) {
            status.revealedCount = UInt64(reveal.receiverCount)
            status.revealBytes = UInt64(reveal.byteCount)
        }
        return status
    }

    /// The job's sizes and traffic for its report.
    func summary(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> LinkageSummary {
        let d = try await details(context)
        func sent(_ bytes: UInt64, _ value: UInt64) -> Int? { bytes > 0 ? Int(clamping: value) : nil }
        return LinkageSummary(receiver: d.receiver, sender: d.sender, cardinalityOnly: d.cardinalityOnly, revealToSender: d.revealToSender,
                              receiverSetSize: sent(d.requestBytes, d.receiverSetSize), senderSetSize: sent(d.responseBytes, d.senderSetSize),
                              revealedCount: sent(d.revealBytes, d.revealedCount), requestBytes: sent(d.requestBytes, d.requestBytes),
                              responseBytes: sent(d.responseBytes, d.responseBytes), revealBytes: sent(d.revealBytes, d.revealBytes))
    }

    public func partnerStatus(partner: String, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> Data {
        var status = Concord_V2_PSIPartnerStatus()
        status.role = try Self.spec(context.job.spec).role(of: partner) ?? ""
        return try context.serialized(status)
    }

    public func settings(spec data: Data) -> [JobSnapshot.Setting] {
        guard let spec = try? PSIJobSpec(stored: data) else { return [] }
        let identifier = spec.psi.identifier.isEmpty ? "" : " (\(spec.psi.identifier))"
        let normalised = (spec.psi.caseSensitive ? "case kept" : "case-folded") + ", Unicode NFKC, white space collapsed"
            + (spec.psi.dateOrder.isEmpty ? "" : ", dates read \(spec.psi.dateOrder)")
        return [
            .init(name: "protocol", value: "elliptic-curve Diffie–Hellman PSI in ristretto255 (RFC 9380 hash to group, RFC 9496 encodings); identifiers hashed under the job's own session"),
            .init(name: "receiver", value: "\(spec.receiver): learns " + (spec.psi.cardinalityOnly ? "how many identifiers are shared, not which" : "the shared identifiers")),
            .init(name: "sender", value: "\(spec.sender): learns " + (spec.psi.revealToSender ? "the shared identifiers (the receiver reveals them)" : "only how many identifiers the receiver holds")),
            .init(name: "coordinator", value: "relays the messages; learns both set sizes" + (spec.psi.revealToSender ? " and how many identifiers are shared" : "") + ", never an identifier"),
            .init(name: "identifiers", value: "normalised at each party: \(normalised)\(identifier); at most \(spec.limit) per party"),
            .init(name: "deadline", value: spec.job.collectionDeadlineS == 0 ? "none (each party's message is awaited)" : "\(spec.job.collectionDeadlineS) s per message, then the job fails"),
        ]
    }

    public func snapshot(status: Concord_V2_JobStatus, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> JobSnapshot {
        let events = await context.pageEvents()
        let partners = status.partners.map { p in
            PartnerSnapshot(name: p.name, enrolled: p.enrolled, teacher: (try? Concord_V2_PSIPartnerStatus(serializedBytes: p.details))?.role ?? "",
                            annotationChunksReceived: p.uploads.reduce(0) { $0 + Int($1.chunksReceived) },
                            annotationChunksTotal: p.uploads.reduce(0) { $0 + Int($1.chunksTotal) }, calibrationReceived: false, evaluationReceived: false,
                            contribution: nil, abstentions: nil, lastSeenMs: p.lastSeenUnixMs, bytesReceived: p.bytesReceived, metrics: [])
        }
        let details = try await details(context)
        var sizes: [JobSnapshot.Setting] = []
        if details.requestBytes > 0 {
            sizes.append(.init(name: "receiver's set", value: "\(details.receiverSetSize) distinct identifiers (request \(formattedByteCount(Int(details.requestBytes))))"))
        }
        if details.responseBytes > 0 {
            sizes.append(.init(name: "sender's set", value: "\(details.senderSetSize) distinct identifiers (response \(formattedByteCount(Int(details.responseBytes))))"))
        }
        if details.revealBytes > 0 {
            sizes.append(.init(name: "shared", value: "\(details.revealedCount) identifiers (reveal \(formattedByteCount(Int(details.revealBytes))))"))
        }
        return JobSnapshot(jobID: status.jobID, name: status.name, stateIndex: PSIJob.statusNumber(JobPhase(status.phase)), state: status.phaseTitle,
                           message: status.message, createdMs: status.createdUnixMs, updatedMs: status.updatedUnixMs, transferSize: 0, studentSize: 0,
                           threshold: nil, studentSHA256: nil, settings: settings(spec: context.job.spec) + sizes, partners: partners, consensus: [],
                           latePartners: status.latePartners, events: events)
    }
}

extension Concord_V2_JobStatus {
    /// The PSI kind's details of the job (empty for another kind's job).
    public var psi: Concord_V2_PSIStatus { details(of: PSIJob.name) }
}
