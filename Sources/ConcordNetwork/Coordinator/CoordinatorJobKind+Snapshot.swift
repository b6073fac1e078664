public import ConcordReport
public import ConcordWire
import ConcordStorage
public import SwiftProtobuf
public import Foundation

extension CoordinatorJobKind {
    /// The generic snapshot of a job, for a kind that has nothing of its own to show on the pages:
    /// its phase and message, its settings, its partners' enrolment and traffic, and its events.
    public func snapshot(status: Concord_V2_JobStatus, context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> JobSnapshot {
        let events = await context.pageEvents()
        let partners = status.partners.map { p in
            PartnerSnapshot(name: p.name, enrolled: p.enrolled, teacher: p.teacher, annotationChunksReceived: 0, annotationChunksTotal: 0,
                            calibrationReceived: false, evaluationReceived: false, contribution: nil, abstentions: nil,
                            lastSeenMs: p.lastSeenUnixMs, bytesReceived: p.bytesReceived, metrics: [])
        }
        return JobSnapshot(jobID: status.jobID, name: status.name, stateIndex: 0, state: status.phaseTitle, message: status.message,
                           createdMs: status.createdUnixMs, updatedMs: status.updatedUnixMs, transferSize: 0, studentSize: 0, threshold: nil,
                           studentSHA256: nil, settings: settings(spec: context.job.spec), partners: partners, consensus: [],
                           latePartners: status.latePartners, events: events)
    }
}

extension CoordinatorJobContext {
    /// The job's events for its pages (none when the store cannot be read: a page shows what it can).
    public func pageEvents() async -> [JobSnapshot.Event] {
        ((try? await store.events(job: job.id)) ?? []).map { JobSnapshot.Event(timeMs: $0.timeMs, message: $0.message) }
    }
}

extension CoordinatorJobContext {
    /// A kind's view or status message, serialised for the generic job view or status.
    /// - Throws: ``CoordinatorRefusal`` (`internalError`, naming the job) when it cannot be serialised.
    public func serialized(_ message: some SwiftProtobuf.Message) throws(CoordinatorRefusal) -> Data {
        do { return try message.serializedBytes() }
        catch { throw CoordinatorRefusal(.internalError, "serialising the job's details", context: .init(job: job.id), cause: error) }
    }
}

extension Concord_V2_JobStatus {
    /// The details of a job of kind `kind` as its status message (an empty message for another
    /// kind's job, or details that do not decode).
    public func details<Details: SwiftProtobuf.Message>(of kind: String, as type: Details.Type = Details.self) -> Details {
        guard self.kind == kind else { return Details() }
        return (try? Details(serializedBytes: details)) ?? Details()
    }
}
