public import ConcordWire
public import Foundation
public import Logging
import ConcordChem
import ConcordFederation
import ConcordML
import ConcordStorage
import SwiftProtobuf

/// The same job as the networked federation, in one process and without a network: the
/// coordinator's engine and every partner's ``PartnerWork`` exchange the same messages by
/// direct calls. Partners work concurrently, as separate nodes would. Used as the baseline of
/// the networked benchmark and for trying a consortium quickly.
public enum LocalFederation {
    /// Runs `spec` with the partners described by `nodes`, keeping the coordinator's state in `database`.
    /// - Returns: the job's final status.
    public static func run(spec: Concord_V1_JobSpec, nodes: [NodeConfig], database: URL, transferSource: @escaping TransferSource,
                           parallelism: Int = 2, logger: Logger = Logger(label: "concord.local")) async throws -> Concord_V1_JobStatus {
        let engine = CoordinatorEngine(store: try SQLiteCoordinatorStore(path: database.path), transferSource: transferSource,
                                       parallelism: parallelism, logger: logger)
        let job = try await engine.submit(spec).jobID
        for node in nodes {
            var enrol = Concord_V1_EnrolRequest()
            enrol.jobID = job; enrol.protocolVersion = WireLimits.protocolVersion; enrol.teacher = node.teacher ?? "rf"
            enrol.softwareVersion = "concord 0.1 (in process)"
            _ = try await engine.enrol(partner: node.partner, request: enrol)
        }
        await engine.advance()
        let first = nodes.first?.partner ?? ""
        var view = try await engine.view(partner: first, jobID: job)
        let fingerprint = try FeaturizerSpec(wire: view.fingerprint)
        let threads = max(1, parallelism / max(1, nodes.count))

        // Partners: private data — concurrently.
        let loaded = try await withThrowingTaskGroup(of: PartnerWork.self) { group in
            for node in nodes {
                group.addTask {
                    guard let recipe = TrainingRecipe.named(node.teacher ?? "rf") else { throw NodeError("unknown teacher '\(node.teacher ?? "")'") }
                    let data = try await PrivateData.load(node.data, base: node.base, fingerprint: fingerprint.morganOptions, seed: node.seed ?? 1, parallelism: threads)
                    return PartnerWork(partner: node.partner, data: data, recipe: recipe, selfGuard: try PartnerWork.selfGuard(node.selfGuard),
                                       seed: node.seed ?? 1, parallelism: threads, hybrid: try PartnerWork.hybridOptions(node.hybridModel))
                }
            }
            var out: [PartnerWork] = []
            for try await item in group { out.append(item) }
            return out.sorted { $0.partner < $1.partner }
        }

        // A screened job: every partner's domain distances on the pool.
        if view.state == .screening {
            let pool = try await engine.screeningPool(partner: first, jobID: job).smiles
            try await withThrowingTaskGroup(of: Void.self) { group in
                for work in loaded {
                    group.addTask {
                        let molecules = try await PartnerWork.transfer(pool, fingerprint: fingerprint, parallelism: threads)
                        let screening = try await work.screen(pool: molecules.features, keys: molecules.keys)
                        for chunk in Chunking.screeningChunks(jobID: job, screening: screening) {
                            _ = try await engine.receive(partner: work.partner, screening: chunk)
                        }
                    }
                }
                try await group.waitForAll()
            }
            await engine.advance()
            view = try await engine.view(partner: first, jobID: job)
        }
        let smiles = try await engine.transferSet(partner: first, jobID: job).smiles
        let wantsReliability = view.wantsReliability

        // Partners: teacher and annotation — concurrently.
        let works = try await withThrowingTaskGroup(of: (PartnerWork, (features: FingerprintMatrix, teacher: any ProbabilisticClassifier)).self) { group in
            for work in loaded {
                group.addTask {
                    let transfer = try await PartnerWork.transfer(smiles, fingerprint: fingerprint, parallelism: threads)
                    let (teacher, annotation) = try await work.teach(transfer: transfer.features, keys: transfer.keys,
                                                                     reliability: wantsReliability)
                    for chunk in Chunking.annotationChunks(jobID: job, annotation: annotation) {
                        _ = try await engine.receive(partner: work.partner, chunk: chunk)
                    }
                    return (work, (transfer.features, teacher))
                }
            }
            var out: [(PartnerWork, (features: FingerprintMatrix, teacher: any ProbabilisticClassifier))] = []
            for try await item in group { out.append(item) }
            return out
        }
        await engine.advance()

        // The student: calibration counts, then evaluations.
        let student = try StudentCodec.decode(try await engine.studentArtifact(partner: works[0].0.partner, jobID: job, kind: .studentModel).data)
        let selection = try Concord_V1_StudentSelectionArtifact(serializedBytes: try await engine.studentArtifact(partner: works[0].0.partner, jobID: job, kind: .studentSelection).data)
        if spec.calibrate {
            for (work, _) in works where !work.data.validation.labels.isEmpty {
                let counts = await work.calibrationCounts(student: student, thresholds: view.candidateThresholds)
                _ = try await engine.calibrate(partner: work.partner, counts: counts.wire(jobID: job))
            }
            await engine.advance()
        }
        let threshold = try await engine.status(jobID: job).threshold
        let hybrid = Dictionary(uniqueKeysWithValues: nodes.map { ($0.partner, $0.hybrid ?? true) })
        let reports = try await withThrowingTaskGroup(of: (String, Concord_V1_EvaluationReport).self) { group in
            for (work, state) in works {
                group.addTask {
                    let outcomes = try await work.evaluate(student: student, threshold: threshold, studentRows: selection.rows.count, teacher: state.teacher,
                                                           selection: selection.rows.map { Int($0) }, transfer: state.features,
                                                           hybrid: hybrid[work.partner] ?? true)
                    return (work.partner, PartnerWork.report(jobID: job, outcomes))
                }
            }
            var out: [(String, Concord_V1_EvaluationReport)] = []
            for try await item in group { out.append(item) }
            return out
        }
        for (partner, report) in reports.sorted(by: { $0.0 < $1.0 }) { _ = try await engine.evaluate(partner: partner, report: report) }
        await engine.advance()
        return try await engine.status(jobID: job)
    }
}
