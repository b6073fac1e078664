import ConcordFederation
import ConcordML
import ConcordStorage
import ConcordWire
import Foundation
import NIOHTTP1
import Testing
@testable import ConcordNetwork

/// The coordinator's job logic without a network: partners are played in-process.
@Suite("Coordinator engine")
struct CoordinatorEngineTests {
    /// Runs a job to completion; `restart` reopens the store in a new engine once the annotations are in.
    func runJob(seed: UInt64, restart: Bool = false) async throws -> (status: Concord_V2_JobStatus, report: Data, store: URL, engine: CoordinatorEngine) {
        let (partners, pool) = Fixtures.split()
        let directory = Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("coordinator.sqlite").path
        var engine = Fixtures.engine(store: try SQLiteCoordinatorStore(path: path), pool: pool)
        let submitted = try await engine.submit(Fixtures.spec(partners: partners.keys.sorted(), seed: seed))
        await engine.advance()
        #expect(try await engine.status(jobID: submitted.jobID).jobPhase == DistillationJob.transferReady)
        for name in partners.keys.sorted() {
            try await engine.enrol(partner: name, jobID: submitted.jobID)
            let transfer = try await engine.transferSet(partner: name, jobID: submitted.jobID)
            for chunk in try await Fixtures.annotate(partner: name, data: partners[name] ?? [], transfer: transfer.smiles) {
                #expect(try await engine.receive(partner: name, jobID: submitted.jobID, chunk))
            }
        }
        if restart {  // a new process on the same database: the transfer set is re-read, nothing received is lost
            engine = Fixtures.engine(store: try SQLiteCoordinatorStore(path: path), pool: [])
        }
        await engine.advance()
        #expect(try await engine.status(jobID: submitted.jobID).jobPhase == DistillationJob.studentTrained)
        let model = try await engine.student(partner: "alpha", jobID: submitted.jobID)
        for name in partners.keys.sorted() {
            let (counts, report) = try await Fixtures.calibration(student: model, data: partners[name] ?? [])
            try await engine.submit(partner: name, jobID: submitted.jobID, "calibration", counts)
            await engine.advance()
            if name != partners.keys.sorted().last {
                #expect(try await engine.status(jobID: submitted.jobID).jobPhase == DistillationJob.studentTrained, "waits for every partner's counts")
            }
            _ = report
        }
        #expect(try await engine.status(jobID: submitted.jobID).jobPhase == DistillationJob.studentPublished)
        for name in partners.keys.sorted() {
            let (_, report) = try await Fixtures.calibration(student: model, data: partners[name] ?? [])
            try await engine.submit(partner: name, jobID: submitted.jobID, "evaluation", report)
        }
        await engine.advance()
        let status = try await engine.status(jobID: submitted.jobID)
        return (status, try await engine.report(jobID: submitted.jobID), directory, engine)
    }

    @Test("a finished job's molecule sets and consensus leave the coordinator's memory; its status and report still read")
    func finishedJobsLeaveMemory() async throws {
        let run = try await runJob(seed: 9)
        #expect(run.status.jobPhase == .complete)
        let registry = await run.engine.kinds
        let kind = try #require(try registry.kind(DistillationJob.name) as? DistillationCoordinator)
        #expect(!kind.jobsInMemory.contains(run.status.jobID), "\(kind.jobsInMemory)")
        // Reading the finished job again does not bring them back for good.
        #expect(try await run.engine.status(jobID: run.status.jobID).jobPhase == .complete)
        _ = try await run.engine.report(jobID: run.status.jobID)
        #expect(!kind.jobsInMemory.contains(run.status.jobID))
    }

    @Test func aJobRunsToAReportAndTheSameSeedGivesTheSameStudent() async throws {
        let first = try await runJob(seed: 7)
        #expect(first.status.jobPhase == .complete)
        #expect(first.status.threshold > 0 && first.status.threshold < 1)
        #expect(first.status.partners.allSatisfy { $0.annotationComplete && $0.calibrationReceived && $0.evaluationReceived })
        #expect(first.status.partners.reduce(0) { $0 + $1.contribution } > 0)
        #expect(String(decoding: first.report, as: UTF8.self).contains(first.status.jobID))
        let second = try await runJob(seed: 7, restart: true)
        #expect(second.status.studentSha256 == first.status.studentSha256, "a restart midway changes nothing")
        #expect(second.status.threshold == first.status.threshold)
        let other = try await runJob(seed: 8)
        #expect(other.status.studentSha256 != first.status.studentSha256, "another seed gives another student")
    }

    @Test func chunksAreStoredOnceAndMalformedOnesAreRefusedWithAReason() async throws {
        let (partners, pool) = Fixtures.split()
        let store = try SQLiteCoordinatorStore(path: Fixtures.temporaryDirectory().appendingPathComponent("c.sqlite").path)
        let engine = Fixtures.engine(store: store, pool: pool)
        let job = try await engine.submit(Fixtures.spec(partners: ["alpha", "beta"]))
        await engine.advance()
        let transfer = try await engine.transferSet(partner: "alpha", jobID: job.jobID)
        let chunks = try await Fixtures.annotate(partner: "alpha", data: partners["alpha"] ?? [], transfer: transfer.smiles)
        let good = try #require(chunks.first)

        func refusal(_ chunk: Concord_V2_AnnotationPayload, partner: String = "alpha") async -> CoordinatorRefusal? {
            do { _ = try await engine.receive(partner: partner, jobID: job.jobID, chunk); return nil } catch { return error }
        }
        var nan = good; nan.probabilities[3] = .nan
        #expect(await refusal(nan)?.reason.contains("molecule 3: probability nan is not in [0, 1]") == true)
        var outside = good; outside.probabilities[0] = 1.5
        #expect(await refusal(outside)?.kind == .invalidArgument)
        var short = good; short.probabilities.removeLast()
        #expect(await refusal(short)?.reason.contains("probabilities, expected") == true)
        var tampered = good; tampered.probabilities[0] = tampered.probabilities[0] == 0 ? 0.25 : 0
        tampered.domainDistances = good.domainDistances
        #expect(await refusal(tampered)?.reason.contains("digest mismatch") == true)
        #expect(await refusal(good, partner: "mallory")?.kind == .permissionDenied, "a partner not in the job is refused")

        #expect(try await engine.receive(partner: "alpha", jobID: job.jobID, good))
        #expect(try await engine.receive(partner: "alpha", jobID: job.jobID, good) == false, "a chunk received twice is stored once")
        #expect(try await store.uploadIndices(job: job.jobID, kind: "annotation", partner: "alpha") == [0])
        let receipt = try await engine.receipt(partner: "alpha", jobID: job.jobID, upload: "annotation", duplicates: 1)
        #expect(receipt.complete && receipt.stored == [0])
        // The receipt carries alpha's view after the upload: what GetJob answers now, its chunk held.
        let now = try await engine.partnerView(partner: "alpha", jobID: job.jobID)
        #expect(receipt.hasView && receipt.view == now && !receipt.view.revision.isEmpty)
        #expect(receipt.view.uploads.contains { (progress: Concord_V2_UploadProgress) -> Bool in progress.name == "annotation" && progress.held == [0] })
        // beta cannot see alpha's progress: its own view shows none of alpha's chunks.
        #expect(try await engine.partnerView(partner: "beta", jobID: job.jobID).uploads.allSatisfy { $0.held.isEmpty })
        // Nothing is federated until every partner (or the quorum after the deadline) has annotated.
        await engine.advance()
        #expect(try await engine.status(jobID: job.jobID).jobPhase == DistillationJob.transferReady)
    }

    @Test func aQuorumAfterTheDeadlineFederatesAndNamesTheLatePartner() async throws {
        let (partners, pool) = Fixtures.split()
        let store = try SQLiteCoordinatorStore(path: Fixtures.temporaryDirectory().appendingPathComponent("c.sqlite").path)
        let clock = TestClock()
        let engine = Fixtures.engine(store: store, pool: pool, clock: clock)
        var spec = Fixtures.spec(partners: ["alpha", "beta", "gamma"])
        spec.quorum = 2
        spec.collectionDeadlineS = 60
        let job = try await engine.submit(spec)
        await engine.advance()
        let transfer = try await engine.transferSet(partner: "alpha", jobID: job.jobID)
        for name in ["alpha", "beta"] {
            for chunk in try await Fixtures.annotate(partner: name, data: partners[name] ?? [], transfer: transfer.smiles) {
                _ = try await engine.receive(partner: name, jobID: job.jobID, chunk)
            }
        }
        await engine.advance()
        #expect(try await engine.status(jobID: job.jobID).jobPhase == DistillationJob.transferReady, "before the deadline it waits for gamma")
        clock.advance(seconds: 61)
        await engine.advance()
        let status = try await engine.status(jobID: job.jobID)
        #expect(status.jobPhase == DistillationJob.studentTrained)
        #expect(status.latePartners == ["gamma"])
        #expect(status.message.contains("waiting for calibration"))
    }

    @Test("an annotation whose chunks fail its whole digest is left out; the job goes on with the other partners")
    func aBadWholeAnnotationRejectsOnlyThatPartner() async throws {
        let (partners, pool) = Fixtures.split()
        let store = try SQLiteCoordinatorStore(path: Fixtures.temporaryDirectory().appendingPathComponent("c.sqlite").path)
        let engine = Fixtures.engine(store: store, pool: pool)
        let names = partners.keys.sorted()
        let job = try await engine.submit(Fixtures.spec(partners: names))
        await engine.advance()
        let transfer = try await engine.transferSet(partner: names[0], jobID: job.jobID)
        for name in names {
            var chunks = try await Fixtures.annotate(partner: name, data: partners[name] ?? [], transfer: transfer.smiles)
            if name == names[0] {
                // Every chunk consistent with the others, but the whole annotation's digest is another's.
                for k in chunks.indices { chunks[k].annotationSha256 = Data(repeating: 0xAB, count: 32) }
            }
            for chunk in chunks { _ = try await engine.receive(partner: name, jobID: job.jobID, chunk) }
        }
        await engine.advance()
        let status = try await engine.status(jobID: job.jobID)
        #expect(status.jobPhase == DistillationJob.studentTrained, "the job goes on: \(status.message)")
    }

    @Test func invalidJobsAreRefusedBeforeTheyStart() async throws {
        let store = try SQLiteCoordinatorStore(path: Fixtures.temporaryDirectory().appendingPathComponent("c.sqlite").path)
        let engine = Fixtures.engine(store: store, pool: [])
        var spec = Fixtures.spec(partners: ["alpha"])
        spec.distillation.scheme = "loudest"
        await #expect(throws: CoordinatorRefusal.self) { try await engine.submit(spec) }
        spec = Fixtures.spec(partners: ["alpha", "alpha"])
        await #expect(throws: CoordinatorRefusal.self) { try await engine.submit(spec) }
        spec = Fixtures.spec(partners: ["alpha"]); spec.quorum = 3
        await #expect(throws: CoordinatorRefusal.self) { try await engine.submit(spec) }
        spec = Fixtures.spec(partners: ["alpha"]); spec.distillation.fingerprint.bits = 1000
        await #expect(throws: CoordinatorRefusal.self) { try await engine.submit(spec) }
        spec = Fixtures.spec(partners: ["alpha"]); spec.distillation.softTemperature = -1
        await #expect(throws: CoordinatorRefusal.self) { try await engine.submit(spec) }
        spec = Fixtures.spec(partners: ["alpha"]); spec.distillation.studentWeighting = "loudest"
        await #expect(throws: CoordinatorRefusal.self) { try await engine.submit(spec) }
        spec = Fixtures.spec(partners: ["alpha"]); spec.distillation.studentWeighting = "confidence"  // the fixture's student is a forest
        await #expect(throws: CoordinatorRefusal.self) { try await engine.submit(spec) }
        #expect(try await store.jobs().isEmpty)
    }

    @Test func aConfidenceJobAsksForReliabilitiesRefusesAnnotationsWithoutAndWeighsTeachersByThem() async throws {
        let (partners, pool) = Fixtures.split()
        let store = try SQLiteCoordinatorStore(path: Fixtures.temporaryDirectory().appendingPathComponent("c.sqlite").path)
        let engine = Fixtures.engine(store: store, pool: pool)
        var spec = Fixtures.spec(partners: ["alpha", "beta"])
        spec.distillation.scheme = "confidence"
        let job = try await engine.submit(spec)
        await engine.advance()
        #expect(try await engine.view(partner: "alpha", jobID: job.jobID).wantsReliability)
        #expect(try await !engine.view(partner: "alpha", jobID: try await engine.submit(Fixtures.spec(partners: ["alpha"])).jobID).wantsReliability)
        let transfer = try await engine.transferSet(partner: "alpha", jobID: job.jobID).smiles
        // Silence would count as full reliability: refused, with the reason.
        let silent = try await Fixtures.annotate(partner: "alpha", data: partners["alpha"] ?? [], transfer: transfer)
        await #expect(throws: CoordinatorRefusal.self) { try await engine.receive(partner: "alpha", jobID: job.jobID, silent[0]) }
        // Out of range: refused by validation.
        var wild = try await Fixtures.annotate(partner: "alpha", data: partners["alpha"] ?? [], transfer: transfer, reliability: .some(1.5))
        await #expect(throws: CoordinatorRefusal.self) { try await engine.receive(partner: "alpha", jobID: job.jobID, wild[0]) }
        // alpha measures its teacher (out-of-bag is off in the fixture, so cross-validated); beta's teacher is at chance.
        let alpha = try await Fixtures.annotate(partner: "alpha", data: partners["alpha"] ?? [], transfer: transfer, reliability: .some(nil))
        let measured = try #require(alpha.first?.hasReliability == true ? alpha.first?.reliability : nil)
        #expect(measured > 0.5 && measured <= 1 && alpha.allSatisfy { $0.reliability == measured })
        let beta = try await Fixtures.annotate(partner: "beta", data: partners["beta"] ?? [], transfer: transfer, reliability: .some(0.5))
        for chunk in alpha { #expect(try await engine.receive(partner: "alpha", jobID: job.jobID, chunk)) }
        // A chunk of the same annotation stating another reliability is refused.
        wild = alpha; wild[0].reliability = 0.9
        await #expect(throws: CoordinatorRefusal.self) { try await engine.receive(partner: "alpha", jobID: job.jobID, wild[0]) }
        for chunk in beta { #expect(try await engine.receive(partner: "beta", jobID: job.jobID, chunk)) }
        await engine.advance()
        let status = try await engine.status(jobID: job.jobID)
        #expect(status.jobPhase == DistillationJob.studentTrained)
        let contribution = Dictionary(uniqueKeysWithValues: status.partners.map { ($0.name, $0.contribution) })
        // The coordinator's consensus is the confidence consensus of what was sent, reliabilities included.
        let sent = try [("alpha", alpha), ("beta", beta)].map { name, chunks in
            try Chunking.assemble(partner: name, chunks: chunks, transferSize: transfer.count)
        }
        #expect(sent.map(\.reliability) == [measured, 0.5])
        let confidence = try Federation.consensus(sent, scheme: .confidence)
        let weighted = try Federation.consensus(sent, scheme: .weighted)
        #expect([contribution["alpha"], contribution["beta"]] == confidence.contributions.map { Optional($0) })
        // A teacher at chance (ROC-AUC 0.5) has weight 0: beta counts only where alpha's domain weight is 0 as well.
        #expect(confidence.contributions[1] < weighted.contributions[1] && confidence.contributions[0] > weighted.contributions[0])
    }

    @Test func aJobWithTeacherHeadsPublishesAConsensusOnlyStudentEqualToTheSharedTraining() async throws {
        let (partners, pool) = Fixtures.split()
        let store = try SQLiteCoordinatorStore(path: Fixtures.temporaryDirectory().appendingPathComponent("c.sqlite").path)
        let engine = Fixtures.engine(store: store, pool: pool)
        // Teacher heads belong to a soft-label MLP: refused for a forest, or for hard labels, with the reason.
        var bad = Fixtures.spec(partners: ["alpha", "beta"])
        bad.distillation.teacherHeads = true
        await #expect(throws: CoordinatorRefusal.self) { try await engine.submit(bad) }
        bad.distillation.studentModel = "mlp"
        await #expect(throws: CoordinatorRefusal.self) { try await engine.submit(bad) }
        var spec = bad
        spec.distillation.softLabels = true
        spec.distillation.selection = "ranked"
        let job = try await engine.submit(spec)
        await engine.advance()
        let transfer = try await engine.transferSet(partner: "alpha", jobID: job.jobID).smiles
        var sent: [Annotation] = []
        for name in ["alpha", "beta"] {
            let chunks = try await Fixtures.annotate(partner: name, data: partners[name] ?? [], transfer: transfer)
            for chunk in chunks { #expect(try await engine.receive(partner: name, jobID: job.jobID, chunk)) }
            sent.append(try Chunking.assemble(partner: name, chunks: chunks, transferSize: transfer.count))
        }
        await engine.advance()
        #expect(try await engine.status(jobID: job.jobID).jobPhase == DistillationJob.studentTrained)
        let published = try await engine.student(partner: "alpha", jobID: job.jobID)
        let student = try #require(published as? MLP)
        #expect(student.taskCount == 1, "the partners' heads never leave the coordinator")
        // The same student as the shared training code on what was sent.
        let consensus = try Federation.consensus(sent, scheme: .weighted, weights: try Federation.domainWeights(sent))
        let features = try await PartnerWork.transfer(transfer, fingerprint: FeaturizerSpec(radius: 2, bits: 1024, features: true), parallelism: 2).features
        let selection = try await StudentSelection.select(consensus, mode: .ranked, size: Int(spec.distillation.studentSize), seed: SeedTree(spec.seed).stage(.selection).seed)
        let recipe = try #require(TrainingRecipe.named("mlp", student: true))
        let expected = try await StudentTraining.fit(recipe: recipe, softLabels: true, teacherHeads: true, consensus: consensus, annotations: sent,
                                                     selection: selection, transfer: features, seed: SeedTree(spec.seed).stage(.student).seed)
        #expect(expected as? MLP == student)
        let plain = try await StudentTraining.fit(recipe: recipe, softLabels: true, teacherHeads: false, consensus: consensus, annotations: sent,
                                                  selection: selection, transfer: features, seed: SeedTree(spec.seed).stage(.student).seed)
        #expect(plain as? MLP != student, "the heads were used")
    }

    @Test func theStatusPortServesThePageMetricsAndReports() async throws {
        let first = try await runJob(seed: 7)
        let engine = Fixtures.engine(store: try SQLiteCoordinatorStore(path: first.store.appendingPathComponent("coordinator.sqlite").path), pool: [])
        let page = await StatusHandler.respond(path: "/", engine: engine)
        #expect(page.0 == .ok && page.2.contains(first.status.jobID) && page.2.contains("report/\(first.status.jobID)"))
        let metrics = await StatusHandler.respond(path: "/metrics", engine: engine)
        #expect(metrics.1.hasPrefix("text/plain; version=0.0.4"))
        #expect(metrics.2.contains("concord_job_state{job=\"\(first.status.jobID)\"} 9"))
        let report = await StatusHandler.respond(path: "/report/\(first.status.jobID)", engine: engine)
        #expect(report.0 == .ok && report.2 == String(decoding: first.report, as: UTF8.self))
        #expect(await StatusHandler.respond(path: "/report/job-none", engine: engine).0 == .notFound)
        #expect(await StatusHandler.respond(path: "/secrets", engine: engine).0 == .notFound)
    }
}
