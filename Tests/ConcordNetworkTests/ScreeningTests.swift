import ConcordChem
import ConcordFederation
import ConcordML
import ConcordReport
import ConcordStorage
import ConcordWire
import Foundation
import Testing
@testable import ConcordNetwork

/// Domain-aware transfer selection over the wire: the coordinator draws a pool, partners return
/// domain distances only, and the transfer set is chosen from them.
@Suite("Coordinator engine: screening")
struct ScreeningTests {
    static func screenedSpec(partners: [String], seed: UInt64 = 7) -> Concord_V2_JobSpec {
        var spec = Fixtures.spec(partners: partners, seed: seed)
        spec.distillation.transferSize = 120
        spec.distillation.studentSize = 60
        spec.distillation.screenPool = 400
        spec.distillation.domainFraction = 0.5
        spec.distillation.domainWeightPower = 8
        return spec
    }

    static func enrol(_ engine: CoordinatorEngine, _ name: String, job: String) async throws {
        try await engine.enrol(partner: name, jobID: job)
    }

    @Test func aScreenedJobChoosesItsTransferSetNearThePartnersAndSurvivesARestart() async throws {
        let (partners, pool) = Fixtures.split()
        let names = partners.keys.sorted()
        let path = Fixtures.temporaryDirectory().appendingPathComponent("coordinator.sqlite").path
        var engine = Fixtures.engine(store: try SQLiteCoordinatorStore(path: path), pool: pool)
        let job = try await engine.submit(Self.screenedSpec(partners: names)).jobID
        for name in names { try await Self.enrol(engine, name, job: job) }
        await engine.advance()
        #expect(try await engine.status(jobID: job).jobPhase == DistillationJob.screening)
        let view = try await engine.view(partner: "alpha", jobID: job)
        let drawn = try await engine.screeningPool(partner: "alpha", jobID: job)
        #expect(view.screeningSize == UInt32(drawn.smiles.count) && drawn.smiles.count > 120)
        let artifact = try #require(try await engine.partnerView(partner: "alpha", jobID: job).artifacts.first { $0.name == "screening" })
        #expect(artifact.sha256 == Digests.sha256(MoleculeSetArtifact.encode(drawn.smiles)))
        #expect(view.transferSize == 0, "no transfer set before the screenings are in")
        await #expect(throws: CoordinatorRefusal.self) { try await engine.transferSet(partner: "alpha", jobID: job) }

        var sent: [String: [Concord_V2_ScreeningPayload]] = [:]
        for name in names {
            let chunks = try await Fixtures.screen(partner: name, data: partners[name] ?? [], pool: drawn.smiles)
            sent[name] = chunks
            for chunk in chunks { #expect(try await engine.receive(partner: name, jobID: job, upload: "screening", chunk)) }
            #expect(try await engine.receive(partner: name, jobID: job, upload: "screening", chunks[0]) == false, "a chunk received twice is stored once")
            if name != names.last {
                await engine.advance()
                let status = try await engine.status(jobID: job)
                #expect(status.jobPhase == DistillationJob.screening, "waits for every partner's screening")
                #expect(status.partners.first { $0.name == name }?.upload("screening")?.complete == true)
                #expect(status.message.contains(names.last ?? "?"))
            }
        }
        // A new process on the same database: the pool is re-read from the store, nothing received is lost.
        engine = Fixtures.engine(store: try SQLiteCoordinatorStore(path: path), pool: [])
        await engine.advance()
        let status = try await engine.status(jobID: job)
        #expect(status.jobPhase == DistillationJob.transferReady, "\(status.message)")
        let transfer = try await engine.transferSet(partner: "beta", jobID: job).smiles
        #expect(transfer.count == 120)
        #expect(Set(transfer).isSubset(of: Set(drawn.smiles)))

        // The coordinator's choice is DomainSelection over exactly what the partners sent.
        let screenings = try names.map { try Chunking.assemble(partner: $0, screeningChunks: sent[$0] ?? [], poolSize: drawn.smiles.count) }
        let rows = try DomainSelection.choose(screenings, size: 120, domainFraction: 0.5, seed: SeedTree(7).stage(.screening).seed)
        #expect(transfer == rows.map { drawn.smiles[$0] })
        // And it lies nearer the partners than the pool does: mean distance to the nearest partner.
        func nearestDistance(_ m: Int) -> Double {
            var best = Double.infinity
            for s in screenings where s.abstained.isEmpty || !s.abstained[m] { best = min(best, s.distances[m]) }
            return best
        }
        let chosen = Set(rows)
        let inside: [Double] = rows.map(nearestDistance).filter(\.isFinite)
        let outside: [Double] = (0..<drawn.smiles.count).filter { !chosen.contains($0) }.map(nearestDistance).filter(\.isFinite)
        let insideMean = inside.reduce(0, +) / Double(inside.count), outsideMean = outside.reduce(0, +) / Double(outside.count)
        #expect(insideMean < outsideMean)

        // The job goes on as any other, federating with the job's weight power.
        var annotations: [Annotation] = []
        for name in names {
            let chunks = try await Fixtures.annotate(partner: name, data: partners[name] ?? [], transfer: transfer)
            for chunk in chunks { _ = try await engine.receive(partner: name, jobID: job, chunk) }
            annotations.append(try Chunking.assemble(partner: name, chunks: chunks, transferSize: transfer.count))
        }
        await engine.advance()
        let trained = try await engine.status(jobID: job)
        #expect(trained.jobPhase == DistillationJob.studentTrained)
        let contributions = names.map { name in trained.partners.first { $0.name == name }?.contribution ?? -1 }
        let eighth = try Federation.consensus(annotations, scheme: .weighted, weights: try Federation.domainWeights(annotations, power: 8))
        let fluid = try Federation.consensus(annotations, scheme: .weighted)
        #expect(zip(contributions, eighth.contributions).allSatisfy { abs($0 - $1) < 1e-9 }, "\(contributions) vs \(eighth.contributions)")
        #expect(!zip(contributions, fluid.contributions).allSatisfy { abs($0 - $1) < 1e-9 }, "the power changes the weights")
        let settings = try await engine.snapshot(jobID: job).settings.first { $0.name == "transfer set" }?.value ?? ""
        #expect(settings.contains("chosen from 400 screened"))
    }

    @Test func screeningsAreCheckedAndOnlyTakenWhileTheJobScreens() async throws {
        let (partners, pool) = Fixtures.split()
        let store = try SQLiteCoordinatorStore(path: Fixtures.temporaryDirectory().appendingPathComponent("c.sqlite").path)
        let engine = Fixtures.engine(store: store, pool: pool)
        let job = try await engine.submit(Self.screenedSpec(partners: ["alpha", "beta"])).jobID, jobID = job
        await engine.advance()
        let drawn = try await engine.screeningPool(partner: "alpha", jobID: job)
        let chunks = try await Fixtures.screen(partner: "alpha", data: partners["alpha"] ?? [], pool: drawn.smiles)
        let good = try #require(chunks.first)
        func refusal(_ chunk: Concord_V2_ScreeningPayload, partner: String = "alpha", job: String? = nil) async -> CoordinatorRefusal? {
            do { _ = try await engine.receive(partner: partner, jobID: job ?? jobID, upload: "screening", chunk); return nil } catch { return error }
        }
        var negative = good; negative.domainDistances[3] = -1
        #expect(await refusal(negative)?.reason.contains("molecule 3: domain distance -1.0") == true)
        var short = good; short.domainDistances.removeLast()
        #expect(await refusal(short)?.kind == .invalidArgument)
        var tampered = good; tampered.domainDistances[0] += 0.125
        #expect(await refusal(tampered)?.reason.contains("digest mismatch") == true)
        #expect(await refusal(good, partner: "mallory")?.kind == .permissionDenied)
        #expect(await refusal(good) == nil)
        // A chunk of another screening (different whole digest) is refused once one is stored.
        var other = Screening(partner: "alpha", distances: Array(repeating: 0.5, count: drawn.smiles.count))
        other.distances[0] = 0.25
        #expect(await refusal(Chunking.screeningChunks(other)[0])?.reason.contains("different screening") == true)
        // Annotations are not taken while the job screens.
        let annotation = Chunking.annotationChunks(Annotation(partner: "alpha", probabilities: [0.5, 0.5], domainDistances: [0, 0]))
        do { _ = try await engine.receive(partner: "alpha", jobID: job, annotation[0]); Issue.record("an annotation was taken while screening") }
        catch { #expect(error.reason.contains("not collecting annotations")) }

        // An unscreened job has no pool and takes no screening.
        let plain = try await engine.submit(Fixtures.spec(partners: ["alpha"])).jobID
        await engine.advance()
        #expect(try await engine.view(partner: "alpha", jobID: plain).screeningSize == 0)
        do { _ = try await engine.screeningPool(partner: "alpha", jobID: plain); Issue.record("an unscreened job served a pool") }
        catch { #expect(error.reason.contains("publishes no artifact 'screening'") && error.code == .invalidArgument, "\(error.reason)") }
        #expect(await refusal(good, job: plain)?.reason.contains("not collecting screenings") == true)
        // Calibration is not taken while the job screens (screening comes before the student is trained).
        do { _ = try await engine.submit(partner: "alpha", jobID: job, "calibration", Concord_V2_CalibrationCounts()); Issue.record("calibration taken while screening") }
        catch { #expect(error.kind == .failedPrecondition) }
    }

    @Test func invalidScreeningSettingsAreRefused() async throws {
        let engine = Fixtures.engine(store: try SQLiteCoordinatorStore(path: Fixtures.temporaryDirectory().appendingPathComponent("c.sqlite").path), pool: [])
        var spec = Self.screenedSpec(partners: ["alpha"])
        spec.distillation.screenPool = 100  // smaller than the transfer set
        do { _ = try await engine.submit(spec); Issue.record("accepted a pool smaller than the transfer set") }
        catch { #expect(error.reason.contains("at least the transfer size")) }
        spec = Self.screenedSpec(partners: ["alpha"]); spec.distillation.domainFraction = 1.5
        do { _ = try await engine.submit(spec); Issue.record("accepted a domain fraction of 1.5") }
        catch { #expect(error.reason.contains("--domain-fraction must lie in [0, 1]") && error.reason.contains("domainFraction"), "\(error.reason)") }
        spec.distillation.domainFraction = .nan
        await #expect(throws: CoordinatorRefusal.self) { try await engine.submit(spec) }
        spec = Self.screenedSpec(partners: ["alpha"]); spec.distillation.domainWeightPower = -2
        do { _ = try await engine.submit(spec); Issue.record("accepted a negative weight power") }
        catch { #expect(error.reason.contains("--weight-power must be a positive number") && error.reason.contains("weightPower"), "\(error.reason)") }
    }
}
