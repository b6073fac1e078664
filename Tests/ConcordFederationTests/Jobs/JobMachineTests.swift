import ConcordFederation
import Testing

/// Tests of the job engine's transport-free parts (`Sources/ConcordFederation/Jobs`).
enum Jobs {}

extension Jobs {
/// The job state machine, driven without a network or a store.
@Suite("Job machine")
struct MachineTests {
    let kind = DistillationJob.descriptor

    @Test("the distillation kind's description is consistent")
    func distillationDescriptor() throws {
        _ = try kind.validated()
        #expect(kind.phases.first == .created && kind.phases.last == .complete)
        #expect(kind.collectingPhases == [DistillationJob.screening, DistillationJob.transferReady])
        #expect(kind.phase(collecting: DistillationJob.Upload.annotation) == DistillationJob.transferReady)
        #expect(kind.title(DistillationJob.screening) == "screening pool distributed")
        #expect(kind.title(.failed) == "failed")
    }

    @Test("a job runs through every phase in order, with and without the skippable ones")
    func happyPaths() throws {
        var full = try JobMachine(kind: kind)
        for phase in kind.phases.dropFirst() { try full.move(to: phase) }
        #expect(full.isFinished && full.phase == .complete)

        var short = try JobMachine(kind: kind)
        for phase in kind.phases.dropFirst() where !kind.skippable.contains(phase) { try short.move(to: phase) }
        #expect(short.phase == .complete)
    }

    @Test("reached follows the kind's order: screening lies between created and transfer-ready")
    func reached() throws {
        let screening = try JobMachine(kind: kind, phase: DistillationJob.screening)
        #expect(screening.reached(.created))
        #expect(screening.reached(DistillationJob.screening))
        #expect(!screening.reached(DistillationJob.transferReady))
        #expect(!screening.reached(DistillationJob.studentTrained))
        #expect(try JobMachine(kind: kind, phase: DistillationJob.transferReady).reached(DistillationJob.screening))
        #expect(!(try JobMachine(kind: kind).reached(DistillationJob.screening)))
        #expect(try JobMachine(kind: kind, phase: .cancelled).reached(DistillationJob.evaluationsCollected), "a finished job has reached every phase")
    }

    @Test("illegal transitions throw a typed error naming the phases", arguments: [
        (DistillationJob.transferReady, JobPhase.created),                           // backwards
        (DistillationJob.transferReady, DistillationJob.screening),                  // backwards over a skippable phase
        (JobPhase.created, DistillationJob.annotationsCollected),                    // over transfer-ready, which cannot be skipped
        (DistillationJob.federated, DistillationJob.thresholdCalibrated),            // over student-trained
        (DistillationJob.evaluationsCollected, DistillationJob.studentPublished),
    ])
    func illegal(from: JobPhase, to: JobPhase) throws {
        var job = try JobMachine(kind: kind, phase: from, job: "job-1")
        #expect(!job.canMove(to: to))
        let error = #expect(throws: JobError.self) { try job.move(to: to) }
        #expect(error?.code == .illegalTransition)
        #expect(error?.context == JobError.Context(kind: "distillation", job: "job-1", phase: from, target: to))
        #expect(job.phase == from, "a refused move changes nothing")
    }

    @Test("a finished job cannot move, be cancelled or failed", arguments: [JobPhase.complete, .cancelled, .failed])
    func finished(phase: JobPhase) throws {
        var job = try JobMachine(kind: kind, phase: phase)
        #expect(job.isFinished && job.successors.isEmpty)
        #expect((#expect(throws: JobError.self) { try job.cancel() })?.code == .finished)
        #expect((#expect(throws: JobError.self) { try job.fail() })?.code == .finished)
        #expect((#expect(throws: JobError.self) { try job.move(to: phase) })?.code == .finished)
    }

    @Test("any unfinished phase may be cancelled or failed, or stay where it is", arguments: DistillationJob.descriptor.phases.dropLast())
    func cancelAndFail(phase: JobPhase) throws {
        var stay = try JobMachine(kind: kind, phase: phase)
        try stay.move(to: phase)
        #expect(stay.phase == phase)
        var cancelled = stay
        try cancelled.cancel()
        #expect(cancelled.phase == .cancelled)
        try stay.fail()
        #expect(stay.phase == .failed)
    }

    @Test("a phase the kind does not have is refused")
    func unknownPhase() throws {
        #expect((#expect(throws: JobError.self) { try JobMachine(kind: kind, phase: "aggregating") })?.code == .unknownPhase)
        var job = try JobMachine(kind: kind)
        #expect((#expect(throws: JobError.self) { try job.move(to: "aggregating") })?.code == .unknownPhase)
    }

    @Test("uploads are collected in their phase only; submissions from their opening phase until the job finishes")
    func collecting() throws {
        let screening = try JobMachine(kind: kind, phase: DistillationJob.screening)
        #expect(screening.collects(DistillationJob.Upload.screening) && !screening.collects(DistillationJob.Upload.annotation))
        let transfer = try JobMachine(kind: kind, phase: DistillationJob.transferReady)
        #expect(transfer.collects(DistillationJob.Upload.annotation) && !transfer.collects(DistillationJob.Upload.screening))
        #expect(try JobMachine(kind: kind, phase: DistillationJob.federated).collecting.isEmpty)

        #expect(!transfer.accepts(submission: DistillationJob.Submission.calibration))
        let published = try JobMachine(kind: kind, phase: DistillationJob.studentPublished)
        #expect(published.accepts(submission: DistillationJob.Submission.calibration))
        #expect(published.accepts(submission: DistillationJob.Submission.evaluation))
        #expect(!(try JobMachine(kind: kind, phase: DistillationJob.studentTrained)).accepts(submission: DistillationJob.Submission.evaluation))
        #expect(!(try JobMachine(kind: kind, phase: .complete)).accepts(submission: DistillationJob.Submission.evaluation))
        #expect(!published.accepts(submission: "no such submission"))
    }

    @Test("inconsistent kind descriptions are refused", arguments: [
        JobKindDescriptor(name: "", phases: [.created, .complete]),
        JobKindDescriptor(name: "k", phases: [.created, "a"]),
        JobKindDescriptor(name: "k", phases: ["a", .complete]),
        JobKindDescriptor(name: "k", phases: [.created, "a", "a", .complete]),
        JobKindDescriptor(name: "k", phases: [.created, .failed, .complete]),
        JobKindDescriptor(name: "k", phases: [.created, "a", .complete], skippable: [.created]),
        JobKindDescriptor(name: "k", phases: [.created, "a", .complete], uploads: ["b": ["x"]]),
        JobKindDescriptor(name: "k", phases: [.created, "a", .complete], submissions: ["x": .complete]),
        JobKindDescriptor(name: "k", phases: [.created, "a", .complete], titles: ["b": "B"]),
    ])
    func invalidKinds(kind: JobKindDescriptor) {
        #expect((#expect(throws: JobError.self) { try kind.validated() })?.code == .invalidKind)
    }

    @Test("a second kind with its own phases runs on the same machine")
    func anotherKind() throws {
        let rounds = try JobKindDescriptor(name: "fedavg", phases: [.created, "round-open", "aggregated", .complete],
                                           uploads: ["round-open": ["update"]]).validated()
        var job = try JobMachine(kind: rounds)
        try job.move(to: "round-open")
        #expect(job.collects("update"))
        #expect((#expect(throws: JobError.self) { try job.move(to: .complete) })?.code == .illegalTransition)
        try job.move(to: "aggregated")
        try job.move(to: .complete)
        #expect(job.isFinished)
    }

    @Test("errors print their code, message and context")
    func description() throws {
        var job = try JobMachine(kind: kind, phase: DistillationJob.federated, job: "job-9")
        let error = #expect(throws: JobError.self) { try job.move(to: .created) }
        #expect(error?.description == "illegal transition: a distillation job cannot move from 'federated' to 'created'; next is student-trained (kind distillation, job job-9, phase federated, target created)")
    }
}
}
