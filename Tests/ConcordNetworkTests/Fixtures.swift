import SwiftProtobuf
import ConcordChem
import ConcordFederation
import ConcordML
import ConcordStorage
import ConcordWire
import Foundation
import Synchronization
@testable import ConcordNetwork

/// Small, deterministic chemistry for coordinator tests: para-disubstituted rings; a molecule is
/// active when a substituent carries nitrogen.
enum Fixtures {
    static let substituents = ["C", "O", "N", "Cl", "F", "CC", "OC", "NC", "C(=O)O", "C#N", "CN", "CCO", "S", "Br"]
    static let cores = ["c1ccc(X)cc1Y", "c1cnc(X)cc1Y", "C1CCC(X)CC1Y", "c1cc(X)sc1Y"]

    static var molecules: [(smiles: String, label: UInt8)] {
        var out: [(String, UInt8)] = []
        for core in cores {
            for x in substituents {
                for y in substituents {
                    let s = core.replacingOccurrences(of: "X", with: x).replacingOccurrences(of: "Y", with: y)
                    out.append((s, x.contains("N") || y.contains("N") ? 1 : 0))
                }
            }
        }
        return out
    }

    /// Three partners' private sets (disjoint by core) and the public pool (everything else).
    static func split() -> (partners: [String: [(smiles: String, label: UInt8)]], pool: [String]) {
        let all = molecules
        var partners: [String: [(String, UInt8)]] = ["alpha": [], "beta": [], "gamma": []]
        var pool: [String] = []
        for (i, m) in all.enumerated() {
            switch i % 7 {
            case 0: partners["alpha"]?.append(m)
            case 1: partners["beta"]?.append(m)
            case 2: partners["gamma"]?.append(m)
            default: pool.append(m.smiles)
            }
        }
        return (partners, pool)
    }

    /// The fixture's job: a distillation of 400 transfer molecules into a 120-molecule forest student.
    static func spec(partners: [String], seed: UInt64 = 7, calibrate: Bool = true) -> Concord_V2_JobSpec {
        var spec = Concord_V2_JobSpec()
        spec.name = "test job"
        spec.partners = partners
        spec.seed = seed
        var distillation = Concord_V2_DistillationSpec()
        distillation.transferSource = "fixture"
        distillation.transferSize = 400
        distillation.studentSize = 120
        distillation.selection = "balanced"
        distillation.scheme = "weighted"
        distillation.studentModel = "rf"
        distillation.softLabels = false
        distillation.calibrate = calibrate
        distillation.fingerprint = FeaturizerSpec(radius: 2, bits: 1024, features: true).wire
        spec.distillation = distillation
        return spec
    }

    /// The same job (the name older tests use).
    static func specV2(partners: [String], seed: UInt64 = 7, calibrate: Bool = true) throws -> Concord_V2_JobSpec {
        spec(partners: partners, seed: seed, calibrate: calibrate)
    }

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("concord-network-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func engine(store: any CoordinatorStoring, pool: [String], clock: TestClock? = nil) -> CoordinatorEngine {
        CoordinatorEngine(store: store, transferSource: { _ in (pool, 0) }, parallelism: 2,
                          clock: { clock?.nowMs ?? CoordinatorEngine.nowMs() })
    }

    /// What a partner does in-process: train a teacher on its molecules and annotate the transfer set.
    /// - Parameter reliability: measure the teacher's reliability (`.some(nil)`), state this one, or send none (`nil`).
    static func annotate(partner: String, data: [(smiles: String, label: UInt8)], transfer: [String], bits: Int = 1024,
                         reliability: Double?? = nil) async throws -> [Concord_V2_AnnotationPayload] {
        let options = FeaturizerSpec(radius: 2, bits: bits, features: true).morganOptions
        let own = await MoleculeFeaturizer.featurize(data.map(\.smiles), options: options)
        let fps = try own.map { try $0.get().fingerprint }
        let keys = try own.map { try $0.get().key }
        let teacher = try await Teacher.train(partner: partner, features: FingerprintMatrix(bitCount: bits, fingerprints: fps),
                                              labels: data.map(\.label), keys: keys,
                                              recipe: TrainingRecipe(model: .randomForest(ForestOptions(treeCount: 20, maxDepth: 8, classWeight: .balanced, computeOutOfBag: false))),
                                              domain: DomainSettings(), seeds: SeedTree(11), measureReliability: reliability != nil, parallelism: 2)
        let public_ = await MoleculeFeaturizer.featurize(transfer, options: options)
        let matrix = FingerprintMatrix(bitCount: bits, fingerprints: try public_.map { try $0.get().fingerprint })
        var annotation = try await teacher.annotate(matrix, keys: try public_.map { try $0.get().key }, guard: SelfAnnotationGuard(identical: true))
        if case .some(.some(let stated)) = reliability { annotation.reliability = stated }
        return Chunking.annotationChunks(annotation)
    }

    /// What a partner does in-process for a screened job: train a teacher on its molecules and screen the pool.
    static func screen(partner: String, data: [(smiles: String, label: UInt8)], pool: [String], bits: Int = 1024) async throws -> [Concord_V2_ScreeningPayload] {
        let options = FeaturizerSpec(radius: 2, bits: bits, features: true).morganOptions
        let own = await MoleculeFeaturizer.featurize(data.map(\.smiles), options: options)
        let teacher = try await Teacher.train(partner: partner, features: FingerprintMatrix(bitCount: bits, fingerprints: try own.map { try $0.get().fingerprint }),
                                              labels: data.map(\.label), keys: try own.map { try $0.get().key },
                                              recipe: TrainingRecipe(model: .randomForest(ForestOptions(treeCount: 5, maxDepth: 4, computeOutOfBag: false))),
                                              domain: DomainSettings(), seeds: SeedTree(11), parallelism: 2)
        let molecules = await MoleculeFeaturizer.featurize(pool, options: options)
        let matrix = FingerprintMatrix(bitCount: bits, fingerprints: try molecules.map { try $0.get().fingerprint })
        let screening = try await teacher.screen(matrix, keys: try molecules.map { try $0.get().key }, guard: SelfAnnotationGuard(identical: true))
        return Chunking.screeningChunks(screening)
    }

    /// Calibration counts and an evaluation report for a partner, from a student.
    static func calibration(student: any ProbabilisticClassifier, data: [(smiles: String, label: UInt8)],
                            bits: Int = 1024) async throws -> (Concord_V2_CalibrationCounts, Concord_V2_EvaluationReport) {
        let options = FeaturizerSpec(radius: 2, bits: bits, features: true).morganOptions
        let fps = try await MoleculeFeaturizer.featurize(data.map(\.smiles), options: options).map { try $0.get().fingerprint }
        let p = await student.predictProbability(FingerprintMatrix(bitCount: bits, fingerprints: fps))
        let counts = FederatedCalibration.counts(truth: data.map(\.label), probabilities: p).wire
        var report = Concord_V2_EvaluationReport()
        var m = Concord_V2_ModelMetrics()
        m.model = "student"
        m.test = Evaluation.metrics(truth: data.map(\.label), probabilities: p).wire
        m.validation = m.test
        report.models = [m]
        return (counts, report)
    }
}

/// A clock that stands still until the test moves it forward, for deadlines: however slowly
/// the machine runs the test, no deadline passes before the test says so.
final class TestClock: Sendable {
    private let start = CoordinatorEngine.nowMs()
    private let offset = Mutex<Int64>(0)
    var nowMs: Int64 { start + offset.withLock { $0 } }
    func advance(seconds: Int64) { offset.withLock { $0 += seconds * 1000 } }
}
