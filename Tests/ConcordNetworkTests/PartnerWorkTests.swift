import ConcordChem
import ConcordFederation
import ConcordML
import Foundation
import Testing
@testable import ConcordNetwork

@Suite("Partner work")
struct PartnerWorkTests {
    /// Alpha's private file (every 4th molecule a test molecule), loaded as a node loads it, and the public pool's fingerprints.
    static func setting() async throws -> (data: PrivateData, pool: FingerprintMatrix) {
        let (partners, pool) = Fixtures.split()
        let rows = (partners["alpha"] ?? []).enumerated().map { i, m in "\(m.smiles),\(m.label),\(i % 4 == 0 ? "test" : "train")" }
        let file = Fixtures.temporaryDirectory().appendingPathComponent("alpha.csv")
        try (["smiles,label,split"] + rows).joined(separator: "\n").appending("\n").write(to: file, atomically: true, encoding: .utf8)
        let spec = FeaturizerSpec(radius: 2, bits: 1024, features: true)
        let data = try await PrivateData.load(NodeConfig.DataSource(path: file.path, labelColumn: "label", splitColumn: "split"),
                                              base: file.deletingLastPathComponent(), fingerprint: spec.morganOptions, seed: 1, parallelism: 2)
        let transfer = try await PartnerWork.transfer(pool, fingerprint: spec, parallelism: 2)
        return (data, transfer.features)
    }

    @Test("a node's hybrid is the default preset's forest, or the student fine-tuned when configured; a forest student falls back")
    func hybrids() async throws {
        let (data, pool) = try await Self.setting()
        #expect(data.validation.count > 0 && data.test.count > 0)
        let forest = TrainingRecipe(model: .randomForest(ForestOptions(treeCount: 10, maxDepth: 6, classWeight: .balanced)))
        let teacher = try await forest.train(data.train.features, labels: data.train.labels, seed: 1).model
        // A student of the default shape, distilled from that teacher's probabilities on the pool.
        let mlp = try await TrainingRecipe(model: .mlp(SimulationSettings.studentMLP, validationFraction: 0.1)).model
            .fitSoft(pool, probabilities: await teacher.predictProbability(pool), seed: 2, parallelism: 2)
        let selection = Array(0..<min(pool.rowCount, 300))
        func evaluate(_ model: String?, student: any ProbabilisticClassifier) async throws -> [PartnerWork.Outcome] {
            let work = PartnerWork(partner: "alpha", data: data, recipe: forest, selfGuard: .off, seed: 3, parallelism: 2,
                                   hybrid: try PartnerWork.hybridOptions(model))
            return try await work.evaluate(student: student, threshold: 0.5, studentRows: selection.count, teacher: teacher,
                                           selection: selection, transfer: pool, hybrid: true)
        }
        let own = data.train.count, extra = Int((0.5 * Double(own)).rounded())
        let standard = try await evaluate(nil, student: mlp)
        let tuned = try await evaluate("finetune", student: mlp)
        #expect(standard.map(\.model) == ["student", "teacher", "hybrid", "deployed"] && tuned.map(\.model) == standard.map(\.model))
        // The model the partner deploys is its hybrid or its teacher, never worse than the teacher on its validation molecules.
        for outcomes in [standard, tuned] {
            let teacherMCC = outcomes[1].validation.mcc ?? 0, deployed = outcomes[3]
            #expect(deployed.validation.mcc ?? 0 >= teacherMCC, "deployed \(deployed.validation.mcc ?? .nan), teacher \(teacherMCC)")
            #expect(deployed.test == outcomes[2].test || deployed.trainSize == data.train.count, "the hybrid, or the teacher")
        }
        #expect(standard[2].trainSize == own + extra, "own molecules plus half as many public ones")
        #expect(tuned[2].trainSize == own + extra)
        #expect(tuned[2].test != standard[2].test, "the fine-tuned student is another model than the forest")
        // On the partner's own test molecules the partner's labels improve on the student it started from.
        #expect(try #require(tuned[2].test.rocAUC) > (try #require(standard[0].test.rocAUC)),
                "ROC-AUC: student \(standard[0].test.rocAUC ?? .nan), fine-tuned \(tuned[2].test.rocAUC ?? .nan) on \(data.test.count) molecules")
        // The same seed gives the same hybrid.
        #expect(try await evaluate("finetune", student: mlp)[2].test == tuned[2].test)
        // A job whose student is a forest cannot be fine-tuned: the node builds the forest hybrid instead.
        let fallback = try await evaluate("finetune", student: teacher)
        #expect(fallback[2].test == (try await evaluate(nil, student: teacher))[2].test)
        #expect(throws: NodeError.self) { try PartnerWork.hybridOptions("boosted") }
        #expect(try PartnerWork.hybridOptions(nil).model == .recipe && PartnerWork.hybridOptions("finetune").model == .fineTunedStudent)
    }
}
