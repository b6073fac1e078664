import ConcordClinical
import ConcordFederation
import ConcordTesting
import ConcordWire
import Foundation
import Testing
@testable import ConcordNetwork

/// A partner's long poll (GetJob with `unchanged_since`): the coordinator answers as soon as the
/// caller's view changes, holds an unchanged view until the wait ends, and lets no held poll keep
/// it from shutting down. The operator's (GetStatus with `unchanged_since`) waits for a new phase.
@Suite("Long polls of a partner's job view")
struct LongPollTests {
    @Test("A change wakes every waiter of its job and no other; a wait without a change ends at its timeout")
    func changesWakeWaiters() async throws {
        let changes = JobChanges()
        let start = changes.generation("a")
        // Timeouts of an hour: a wait that ends by its timeout is told apart by what it returns, not by the clock.
        async let woken = changes.wait("a", after: start, timeout: .seconds(3600))
        async let alsoWoken = changes.wait("a", after: start, timeout: .seconds(3600))
        async let other = changes.wait("b", after: changes.generation("b"), timeout: .milliseconds(300))
        try await Task.sleep(for: .milliseconds(50))
        changes.changed("c")
        #expect(changes.generation("a") == start && changes.generation("c") == 1)
        let otherWoken = await other
        #expect(otherWoken == false, "a change of another job does not wake it")
        changes.changed("a")
        let both = await (woken, alsoWoken)
        #expect(both.0 && both.1, "the change woke both")
        #expect(changes.generation("a") == start + 1)
        // A change before the wait began: it returns woken at once.
        #expect(await changes.wait("a", after: start, timeout: .seconds(3600)))
        // No change: the wait ends at its timeout, not before.
        let quiet = ContinuousClock.now
        #expect(await changes.wait("d", after: changes.generation("d"), timeout: .milliseconds(200)) == false)
        #expect(ContinuousClock.now - quiet >= .milliseconds(200))
    }

    @Test("A change that concerns one partner wakes that partner's waiters and the operator's, not the other partners'; a new message wakes a partner that would see it differently")
    func scopedChangesWakeOnlyWhomTheyConcern() async throws {
        let changes = JobChanges()
        let start = changes.generation("a")
        // The partners' waits end by their timeout when nothing concerning them changed (false).
        async let alpha = changes.wait("a", partner: "alpha", after: start, timeout: .milliseconds(400))
        async let beta = changes.wait("a", partner: "beta", after: start, timeout: .seconds(3600))
        async let operatorView = changes.wait("a", after: start, timeout: .seconds(3600))
        while changes.waiting("a") < 3 { try await Task.sleep(for: .milliseconds(5)) }  // all three waits begun
        changes.changed("a", .partner("beta"))  // beta's upload: only beta's view and the operator's show it
        let woken = await (beta, operatorView)
        #expect(woken.0 && woken.1)
        #expect(await alpha == false, "another partner's upload does not wake alpha")
        #expect(changes.generation("a") == start + 1, "the job's count moves whoever it concerns")

        // A new message in the same phase: a partner whose view would show it differently wakes, one that would not stays.
        let now = changes.generation("a")
        let hides: @Sendable (String) -> Bool = { _ in false }
        let shows: @Sendable (String) -> Bool = { $0.contains("gamma") }
        async let hiding = changes.wait("a", partner: "alpha", showsMessage: hides, after: now, timeout: .milliseconds(400))
        async let showing = changes.wait("a", partner: "gamma", showsMessage: shows, after: now, timeout: .seconds(3600))
        while changes.waiting("a") < 2 { try await Task.sleep(for: .milliseconds(5)) }
        changes.changed("a", .message("waiting for gamma"))
        #expect(await showing)
        #expect(await hiding == false)
        // Any other change wakes every partner.
        let later = changes.generation("a")
        async let anyone = changes.wait("a", partner: "alpha", showsMessage: hides, after: later, timeout: .seconds(3600))
        while changes.waiting("a") < 1 { try await Task.sleep(for: .milliseconds(5)) }
        changes.changed("a")
        #expect(await anyone)
    }

    @Test("Closing wakes every waiter at once and later waits do not wait")
    func closeWakesAll() async throws {
        let changes = JobChanges()
        async let held = changes.wait("a", after: 0, timeout: .seconds(3600))
        try await Task.sleep(for: .milliseconds(50))
        changes.close()
        let heldWoken = await held
        #expect(heldWoken)
        #expect(changes.isClosed)
        #expect(await changes.wait("a", after: 0, timeout: .seconds(3600)))
    }

    @Test("The engine holds a view until it changes: the caller's own upload ends the wait with a new revision")
    func engineHoldsUnchangedViews() async throws {
        let directory = try TemporaryDirectory()
        let engine = try ClinicalKindTests.engine(directory)
        let job = try await engine.submitJob(ClinicalKindTests.spec()).jobID
        await engine.advance()
        let view = try await engine.partnerView(partner: "alpha", jobID: job)
        #expect(view.revision.count == 32)
        #expect(try await engine.partnerView(partner: "alpha", jobID: job).revision == view.revision, "the same state, the same revision")

        // Unchanged: held for the whole wait, then the same view.
        let began = ContinuousClock.now
        let unchanged = try await engine.partnerView(partner: "alpha", jobID: job, unchangedSince: view.revision, waitMs: 300)
        #expect(ContinuousClock.now - began >= .milliseconds(300))
        #expect(unchanged.revision == view.revision)

        // Another partner's upload changes nothing alpha sees.
        try await ClinicalKindTests.upload(engine, "beta", job, "summary", index: 0, total: 1, ClinicalKindTests.summary())
        #expect(try await engine.partnerView(partner: "alpha", jobID: job, unchangedSince: view.revision, waitMs: 300).revision == view.revision)
        // Alpha's own upload does, and ends the wait. (On a loaded machine the upload may come only after
        // a whole wait has ended unchanged; each wait ends at a change or at its timeout, so wait again.)
        let upload = Task {
            try await Task.sleep(for: .milliseconds(100))
            try await ClinicalKindTests.upload(engine, "alpha", job, "summary", index: 0, total: 1, ClinicalKindTests.summary())
        }
        var changed = try await engine.partnerView(partner: "alpha", jobID: job, unchangedSince: view.revision, waitMs: EngineLimits.longWait)
        for _ in 0..<30 where changed.revision == view.revision {
            changed = try await engine.partnerView(partner: "alpha", jobID: job, unchangedSince: view.revision, waitMs: EngineLimits.longWait)
        }
        try await upload.value
        #expect(changed.revision != view.revision)
        #expect(changed.uploads.first { $0.name == "summary" }?.held == [0], "the view that ended the wait shows alpha's upload")
        // A revision the caller does not hold now (or none): answered at once.
        #expect(try await engine.partnerView(partner: "alpha", jobID: job, unchangedSince: Data(), waitMs: EngineLimits.longWait).revision == changed.revision)
        #expect(try await engine.partnerView(partner: "alpha", jobID: job, unchangedSince: view.revision, waitMs: EngineLimits.longWait).revision == changed.revision)
    }

    @Test("The operator's status is held until the job's phase changes: partners' uploads and new messages do not end the wait")
    func engineHoldsUnchangedStatus() async throws {
        let directory = try TemporaryDirectory()
        let engine = try ClinicalKindTests.engine(directory)
        let job = try await engine.submitJob(ClinicalKindTests.spec()).jobID
        await engine.advance()
        let status = try await engine.jobStatus(jobID: job)
        #expect(status.revision.count == 32)
        #expect(try await engine.jobStatus(jobID: job).revision == status.revision, "the same phase, the same revision")
        // An empty id is the most recent job, answered at once without a revision.
        #expect(try await engine.jobStatus(jobID: "", unchangedSince: Data(), waitMs: EngineLimits.longWait).jobID == job)

        // Unchanged: held for the whole wait, then the same status.
        let began = ContinuousClock.now
        #expect(try await engine.jobStatus(jobID: job, unchangedSince: status.revision, waitMs: 300).revision == status.revision)
        #expect(ContinuousClock.now - began >= .milliseconds(300))

        // Two sites' summaries change the message and the partners' progress, not the phase: still held.
        for site in ["alpha", "beta"] {
            try await ClinicalKindTests.upload(engine, site, job, "summary", index: 0, total: 1, ClinicalKindTests.summary())
        }
        await engine.advance()
        let progressed = try await engine.jobStatus(jobID: job, unchangedSince: status.revision, waitMs: 300)
        #expect(progressed.revision == status.revision && progressed.phase == status.phase)
        #expect(progressed.message != status.message, "the message moved on (\(progressed.message))")

        // The last summary opens training: the phase changes and the wait ends with it.
        let last = Task {
            try await Task.sleep(for: .milliseconds(100))
            try await ClinicalKindTests.upload(engine, "gamma", job, "summary", index: 0, total: 1, ClinicalKindTests.summary())
            await engine.advance()
        }
        var changed = try await engine.jobStatus(jobID: job, unchangedSince: status.revision, waitMs: EngineLimits.longWait)
        for _ in 0..<30 where changed.revision == status.revision {
            changed = try await engine.jobStatus(jobID: job, unchangedSince: status.revision, waitMs: EngineLimits.longWait)
        }
        try await last.value
        #expect(changed.revision != status.revision)
        #expect(changed.phase == ClinicalJob.training.rawValue)
    }

    @Test("A node in no job yet is held until a job naming it is submitted; one for others does not end its wait, and a wait without a job ends refused")
    func enrolWaitsForAJob() async throws {
        let directory = try TemporaryDirectory()
        let engine = try ClinicalKindTests.engine(directory)
        var request = Concord_V2_EnrolRequest()
        request.protocolVersion = WireLimits.protocolVersion
        // Without a wait: refused at once, as before.
        var atOnce: CoordinatorRefusal.Code?
        do { _ = try await engine.enrol(partner: "alpha", request: request) } catch { atOnce = error.code }
        #expect(atOnce == CoordinatorRefusal.Code.notFound)
        // With a wait and no job: refused as not found, after the wait and not before.
        request.waitMs = 300
        let began = ContinuousClock.now
        var refusal: CoordinatorRefusal.Code?
        do { _ = try await engine.enrol(partner: "alpha", request: request) } catch { refusal = error.code }
        let waited: Duration = ContinuousClock.now - began
        #expect(refusal == CoordinatorRefusal.Code.notFound)
        #expect(waited >= Duration.milliseconds(300))

        // A job for other partners is submitted during the wait: alpha goes on waiting (the wait
        // is woken and looks again); then alpha's job comes and ends it.
        let others = ClinicalKindTests.spec(partners: ["beta", "gamma"])
        let submissions = Task { () async throws -> String in
            try await Task.sleep(for: .milliseconds(100))
            _ = try await engine.submitJob(others)
            try await Task.sleep(for: .milliseconds(100))
            return try await engine.submitJob(ClinicalKindTests.spec()).jobID
        }
        request.waitMs = EngineLimits.longWait
        var enrolled: Concord_V2_EnrolResponse?
        // On a loaded machine a whole wait may end before the job comes: each ends refused or enrolled.
        for _ in 0..<30 where enrolled == nil {
            do { enrolled = try await engine.enrol(partner: "alpha", request: request) } catch {
                #expect(error.code == CoordinatorRefusal.Code.notFound)
            }
        }
        let job: String = try await submissions.value
        let enrolledJob: String? = enrolled?.jobID
        #expect(enrolledJob == job, "enrolled in the job that names alpha")
        // The same long poll through GetJob (a dry run's node): the job is there, answered at once.
        let view = try await engine.partnerView(partner: "alpha", jobID: "", unchangedSince: Data(), waitMs: EngineLimits.longWait)
        #expect(view.jobID == job)
    }
}

/// Waits long enough that a test passing early proves something woke it.
enum EngineLimits {
    static let longWait = CoordinatorEngine.maximumWaitMs
}
