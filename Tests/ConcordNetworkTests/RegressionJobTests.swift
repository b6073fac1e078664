import ConcordFederation
import ConcordML
import ConcordReport
import ConcordStorage
import ConcordTesting
import ConcordWire
import Foundation
import Logging
import SwiftProtobuf
import Testing
@testable import ConcordNetwork

/// A regression job (a measured value such as pKi) run by real nodes over the in-process
/// transport: regression teachers annotate predicted values, the coordinator federates their
/// domain-weighted mean, trains a regression student, and partners report RMSE, R² and correlations.
@Suite("Regression over the network")
struct RegressionJobTests {
    /// The fixture's job (400 transfer molecules, a forest student on 120 of them) as a regression
    /// job: no calibration, a random selection of molecules with a consensus value.
    static func spec(partners: [String], seed: UInt64 = 7, configure: (inout Concord_V2_DistillationSpec) -> Void = { _ in }) throws -> Concord_V2_JobSpec {
        var spec = try Fixtures.specV2(partners: partners, seed: seed, calibrate: false)
        spec.name = "regression test job"
        spec.distillation.task = "regression"
        spec.distillation.selection = "random"
        configure(&spec.distillation)
        return spec
    }

    @Test("a regression job completes; every partner reports regression metrics; the student's predictions follow the held-out values; the same job gives the same student in process")
    func aRegressionJobOverTheInProcessTransport() async throws {
        let temporary = try TemporaryDirectory(prefix: "concord-regression")
        defer { temporary.cleanUp() }
        let (partners, pool) = DisubstitutedRings.regressionSplit()
        let consortium = try InProcessConsortium(directory: temporary.url, partners: partners, pool: pool)
        let spec = try Self.spec(partners: consortium.nodes.map(\.partner))
        let run = try await consortium.run(spec)
        #expect(run.status.phase == "complete" && run.status.finished, "\(run.status.message)")
        #expect(run.status.distillation.task == "regression")
        // No calibration: partners submit their evaluation only.
        #expect(run.status.partners.allSatisfy { $0.submissions == ["evaluation"] })
        for (name, outcome) in run.outcomes {
            let student = try #require(outcome.regressionMetrics.first { $0.model == "student" }, "\(name) reported no student metrics")
            #expect(outcome.regressionMetrics.map(\.model) == ["student", "teacher", "hybrid"])
            #expect(student.test.n > 10 && student.test.rmse != nil && student.test.mae != nil && student.test.r2 != nil)
            // The partner's test molecules never reached the coordinator: the student's values follow their measured ones.
            #expect((student.test.pearson ?? 0) > 0.5 && (student.test.spearman ?? 0) > 0.5, "\(name): \(student.test)")
            #expect((student.test.rmse ?? .infinity) < 1.0, "\(name): \(student.test)")
        }
        let networked = run.status.distillation.studentSha256
        #expect(networked.count == 64)

        // The coordinator's report shows regression metrics, not MCC.
        let snapshot = try await consortium.engine.snapshot(jobID: run.status.jobID)
        #expect(snapshot.regression && snapshot.partners.allSatisfy { p in p.metrics.contains { $0.model == "student" && $0.regressionTest?.rmse != nil } })
        let report = JobReport.render(snapshot)
        #expect(report.contains("RMSE") && report.contains("R²") && !report.contains("test MCC"))

        // The same job again, in a fresh consortium database: the same student.
        let local = try await LocalFederation.run(spec: spec, nodes: consortium.nodes, database: temporary.url.appending(path: "local.sqlite"),
                                                  transferSource: { _ in (pool, 0) }, parallelism: 2, logger: Logger(label: "test.local"))
        #expect(local.phase == "complete")
        #expect(local.distillation.studentSha256 == networked, "the same regression job gives the same student twice")
        print("regression student SHA-256: \(networked)")
    }

    @Test("a regression spec with calibration, a classification-only scheme or an unknown one is refused with a reason",
          arguments: ["calibrate", "confidence", "majority", "nonsense", "logreg", "balanced", "soft labels", "ranking"])
    func refusedSpecs(_ what: String) async throws {
        func change(_ d: inout Concord_V2_DistillationSpec) {
            switch what {
            case "calibrate": d.calibrate = true
            case "confidence", "majority", "nonsense": d.scheme = what
            case "logreg": d.studentModel = what
            case "balanced": d.selection = what
            case "soft labels": d.softLabels = true
            default: d.task = what
            }
        }
        let temporary = try TemporaryDirectory(prefix: "concord-regression-refusal")
        defer { temporary.cleanUp() }
        let store = try SQLiteCoordinatorStore(path: temporary.url.appending(path: "coordinator.sqlite").path(percentEncoded: false))
        let engine = CoordinatorEngine(store: store, transferSource: { _ in ([], 0) }, parallelism: 1)
        let spec = try Self.spec(partners: ["alpha", "beta"], configure: change)
        do {
            _ = try await engine.submitJob(spec)
            Issue.record("a regression job with \(what) was accepted")
        } catch {
            #expect(error.code == .invalidArgument)
            let text = "\(error)"
            #expect(text.contains("regression") || text.contains("task"), "\(what): \(text)")
        }
    }

    @Test("an annotation chunk with a NaN value is refused, naming the molecule")
    func aNaNValueIsRefused() async throws {
        let temporary = try TemporaryDirectory(prefix: "concord-regression-nan")
        defer { temporary.cleanUp() }
        let (_, pool) = DisubstitutedRings.regressionSplit()
        let store = try SQLiteCoordinatorStore(path: temporary.url.appending(path: "coordinator.sqlite").path(percentEncoded: false))
        let engine = CoordinatorEngine(store: store, transferSource: { _ in (pool, 0) }, parallelism: 1)
        let job = try await engine.submitJob(try Self.spec(partners: ["alpha", "beta"])).jobID
        var enrol = Concord_V2_EnrolRequest()
        enrol.jobID = job
        enrol.protocolVersion = WireLimits.protocolVersion
        enrol.teacher = "rf"
        _ = try await engine.enrol(partner: "alpha", request: enrol)
        await engine.advance()
        let size = Int(try await engine.jobStatus(jobID: job).distillation.transferSize)
        #expect(size > 17, "the fixture pool gives a transfer set of \(size)")
        var values = [Double](repeating: 6.5, count: size)
        values[17] = .nan
        let annotation = RegressionAnnotation(partner: "alpha", values: values, domainDistances: .init(repeating: 0.3, count: size))
        let chunk: Data = try #require(Chunking.annotationChunks(annotation).first).serializedBytes()
        do {
            _ = try await engine.receiveUpload(partner: "alpha", jobID: job, upload: "annotation", payload: chunk)
            Issue.record("a NaN value was accepted")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect("\(error)".contains("molecule 17") && "\(error)".contains("not a finite number"), "\(error)")
        }
        // Probabilities in a regression job's annotation are refused too; finite values are accepted.
        var probabilities = Chunking.annotationChunks(Annotation(partner: "alpha", probabilities: .init(repeating: 0.5, count: size),
                                                                 domainDistances: .init(repeating: 0.3, count: size)))[0]
        probabilities.unknownFields = .init()
        await #expect(throws: CoordinatorRefusal.self) {
            _ = try await engine.receiveUpload(partner: "alpha", jobID: job, upload: "annotation", payload: try probabilities.serializedBytes())
        }
        values[17] = 7.25
        let good = try #require(Chunking.annotationChunks(RegressionAnnotation(partner: "alpha", values: values, domainDistances: .init(repeating: 0.3, count: size))).first)
        #expect(try await engine.receiveUpload(partner: "alpha", jobID: job, upload: "annotation", payload: try good.serializedBytes()))
        // A regression job takes no calibration counts.
        await #expect(throws: CoordinatorRefusal.self) {
            _ = try await engine.receiveSubmission(partner: "alpha", jobID: job, submission: "calibration",
                                                   payload: try FederatedCalibration.counts(truth: [1, 0], probabilities: [0.9, 0.1], thresholds: FederatedCalibration.grid).wire.serializedBytes())
        }
    }
}
