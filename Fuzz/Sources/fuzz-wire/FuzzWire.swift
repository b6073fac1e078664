// Every message a coordinator or a node receives from the other side.
//
// The coordinator's side runs through its engine, as the gRPC services call it, against one
// SQLite store holding a clinical job collecting summaries, a clinical job in training, and a PSI
// job collecting the receiver's request: the first byte chooses what the rest is sent as (a
// summary, an update, a submission, a PSI request chunk, or a whole UploadChunk or Submission
// message). The node's side decodes the artifacts a coordinator publishes (the student model, the
// model file format). A refusal is the right answer to bad input; a crash, a trap or a failed
// job is a finding.
import ConcordClinical
import ConcordML
import ConcordNetwork
import ConcordStorage
import ConcordWire
import Foundation
import FuzzDriver
import SwiftProtobuf

/// The coordinator and its jobs, made once per fuzzing process.
struct Fixture: Sendable {
    let engine: CoordinatorEngine
    let summaries: String
    let training: String
    let psi: String
    static let sites = ["alpha", "beta", "gamma"]

    static func clinicalSpec() -> Concord_V2_JobSpec {
        var spec = Concord_V2_JobSpec()
        spec.name = "fuzz"
        spec.partners = sites
        spec.seed = 9
        var clinical = Concord_V2_ClinicalSpec()
        clinical.benchmark = "heart-disease"
        clinical.strategy = "fedavg"
        clinical.rounds = 3
        spec.kind = .clinical(clinical)
        return spec
    }

    static func make() async throws -> Fixture {
        // In memory when the machine has a RAM disk: the store's fsyncs would dominate every input.
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
        let directory = base.appending(path: "concord-fuzz-\(getpid())")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteCoordinatorStore(path: directory.appending(path: "c.sqlite").path(percentEncoded: false))
        let engine = CoordinatorEngine(store: store, transferSource: { _ in ([], 0) })
        let summaries = try await engine.submitJob(clinicalSpec()).jobID
        let training = try await engine.submitJob(clinicalSpec()).jobID
        await engine.advance()
        // Valid summaries from every site open the second job's training.
        var summary = Concord_V2_ClinicalSummary()
        summary.rows = 10
        summary.features = (0..<HeartDisease.featureNames.count).map { k in
            var f = Concord_V2_FeatureSummaryPayload()
            f.count = 10; f.mean = Double(k); f.m2 = 2
            return f
        }
        for site in sites {
            _ = try await engine.receive(partner: site, upload: Chunking.uploadChunk(jobID: training, upload: ClinicalJob.Upload.summary, index: 0, of: 1,
                                                                                     payload: try summary.serializedBytes()))
        }
        await engine.advance()
        var psiSpec = Concord_V2_JobSpec()
        psiSpec.name = "fuzz psi"
        psiSpec.partners = ["centre", "lab"]
        var psi = Concord_V2_PSISpec()
        psi.receiver = "centre"
        psi.identifier = "patient number"
        psiSpec.kind = .psi(psi)
        let psiJob = try await engine.submitJob(psiSpec).jobID
        await engine.advance()
        return Fixture(engine: engine, summaries: summaries, training: training, psi: psiJob)
    }
}

let fixture: Fixture = blocking {
    do { return try await Fixture.make() } catch { fatalError("cannot set up the fuzzing coordinator: \(error)") }
}

/// Sends the input to the coordinator as the selector says; refusals are expected.
func coordinator(_ selector: UInt8, _ payload: Data) {
    let f = fixture
    _ = blocking { () async -> Bool in
        let engine = f.engine
        let index = Int(selector >> 3)  // a chunk index of 0…31
        var accepted = false
        do {
            switch selector % 7 {
            case 0:
                accepted = try await engine.receive(partner: "alpha", upload: Chunking.uploadChunk(jobID: f.summaries, upload: ClinicalJob.Upload.summary,
                                                                                             index: 0, of: 1, payload: payload))
            case 1:
                accepted = try await engine.receive(partner: "alpha", upload: Chunking.uploadChunk(jobID: f.training, upload: ClinicalJob.Upload.update,
                                                                                             index: max(1, index), of: max(1, index), payload: payload))
            case 2, 3:
                var submission = Concord_V2_Submission()
                submission.jobID = selector % 7 == 2 ? f.summaries : f.training
                submission.submission = selector % 7 == 2 ? ClinicalJob.Submission.withdrawal : ClinicalJob.Submission.evaluation
                submission.payload = payload
                _ = try await engine.receive(partner: "beta", submission: submission)
                accepted = true
            case 4:
                accepted = try await engine.receive(partner: "centre", upload: Chunking.uploadChunk(jobID: f.psi, upload: PSIJob.Upload.request,
                                                                                              index: index, of: index + 1, payload: payload))
            case 5:
                // A whole chunk as it comes off the wire, for any of the jobs (its job id names one or none).
                var chunk = try Concord_V2_UploadChunk(serializedBytes: payload)
                if chunk.jobID.isEmpty { chunk.jobID = [f.summaries, f.training, f.psi][index % 3] }
                accepted = try await engine.receive(partner: ["alpha", "centre"][index % 2], upload: chunk)
            default:
                var submission = try Concord_V2_Submission(serializedBytes: payload)
                if submission.jobID.isEmpty { submission.jobID = [f.summaries, f.training, f.psi][index % 3] }
                _ = try await engine.receive(partner: "gamma", submission: submission)
                accepted = true
            }
        } catch {}
        // A refused message wrote nothing. One that was taken must not fail a job when the engine
        // acts on it: a bad message is refused, it never fails the job.
        guard accepted else { return true }
        await engine.advance()
        for job in [f.summaries, f.training, f.psi] {
            guard let status = try? await engine.jobStatus(jobID: job) else { fatalError("job \(job) cannot be read") }
            if status.phase == "failed" { fatalError("a partner's message failed job \(job): \(status.message)") }
        }
        return true
    }
}

/// Decodes the input as a node decodes what the coordinator publishes.
func node(_ selector: UInt8, _ payload: Data) {
    switch selector % 3 {
    case 0: _ = try? StudentCodec.decode(payload)
    case 1: _ = try? StudentCodec.decodeRegressor(payload)
    default: _ = try? ModelFile.decode(payload)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = Selected(input(data, size))
    if input.selector & 0x80 == 0 { coordinator(input.selector, input.rest) } else { node(input.selector, input.rest) }
    return 0
}

@_cdecl("fuzz_wire_main")
func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    _ = fixture  // set up before fuzzing starts, so its coverage is not counted as the first input's
    return runFuzzer(argc, argv, testOne)
}
