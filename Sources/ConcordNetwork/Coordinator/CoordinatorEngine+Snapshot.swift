public import ConcordReport
import ConcordStorage
import ConcordWire

extension CoordinatorEngine {
    /// Every job's snapshot, most recent first (for the status page and metrics); a job whose
    /// snapshot cannot be built is left out.
    public func snapshots() async -> [JobSnapshot] {
        guard let jobs = try? await store.jobs() else { return [] }
        var snapshots: [JobSnapshot] = []
        for job in jobs.reversed() {
            if let snapshot = try? await snapshot(jobID: job.id) { snapshots.append(snapshot) }
        }
        return snapshots
    }

    /// A job as plain values for pages and reports: its generic status, made into a snapshot by its kind.
    /// - Throws: ``CoordinatorRefusal`` for an unknown job or a kind this coordinator does not run.
    public func snapshot(jobID: String) async throws(CoordinatorRefusal) -> JobSnapshot {
        let status = try await jobStatus(jobID: jobID)
        let job = try await record(status.jobID)
        return try await kinds.kind(job.kind).snapshot(status: status, context: context(job))
    }
}
