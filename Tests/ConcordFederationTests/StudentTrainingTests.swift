import ConcordChem
import ConcordML
import ConcordTesting
import Foundation
import Testing
@testable import ConcordFederation

@Suite("Student training")
struct StudentTrainingTests {
    /// The library's molecules as a transfer set, three teachers' annotations of it (each knows
    /// the rule on part of the chemistry and abstains on some molecules), and their consensus.
    static func setting() async throws -> (transfer: FingerprintMatrix, labels: [UInt8], annotations: [Annotation], consensus: Consensus) {
        let data = await Library.labelled()
        var annotations: [Annotation] = []
        for t in 0..<3 {
            var rng = SeededRandom(seed: UInt64(40 + t))
            let p = data.labels.enumerated().map { i, y -> Double in
                let noise = rng.nextUnit() * 0.3
                return i % 3 == t ? (y == 1 ? 0.9 - noise : 0.1 + noise) : 0.35 + 0.3 * rng.nextUnit()
            }
            let distances = data.labels.indices.map { i in i % 3 == t ? 0.1 + 0.3 * rng.nextUnit() : 0.5 + 0.5 * rng.nextUnit() }
            let abstained = data.labels.indices.map { ($0 + t) % 17 == 0 }
            annotations.append(Annotation(partner: "T\(t + 1)", probabilities: p, domainDistances: distances, abstained: abstained))
        }
        let weights = try Federation.domainWeights(annotations, power: 4)
        let consensus = try Federation.consensus(annotations, scheme: .weighted, weights: weights)
        return (data.features, data.labels, annotations, consensus)
    }

    static var recipe: TrainingRecipe {
        TrainingRecipe(model: .mlp(MLP.TrainingOptions(hidden: [32], dropout: 0.1, learningRate: 3e-3, batchSize: 32, maxEpochs: 15,
                                                       patience: 5, lazyFirstLayer: true), validationFraction: 0.1))
    }

    @Test("teacher heads train with every teacher's annotation, publish the consensus output alone, and are seeded")
    func teacherHeads() async throws {
        let (transfer, labels, annotations, consensus) = try await Self.setting()
        let selection = try await StudentSelection.select(consensus, mode: .ranked, size: 400, seed: 1)
        func fit(heads: Bool, seed: UInt64 = 7) async throws -> any ProbabilisticClassifier {
            try await StudentTraining.fit(recipe: Self.recipe, softLabels: true, teacherHeads: heads, consensus: consensus, annotations: annotations,
                                          selection: selection, transfer: transfer, seed: seed, parallelism: 2)
        }
        let withHeads = try #require(try await fit(heads: true) as? MLP)
        #expect(withHeads.taskCount == 1, "only the consensus output leaves the coordinator")
        #expect(withHeads.layerSizes == [2048, 32, 1])
        #expect(try #require(try await fit(heads: true) as? MLP) == withHeads, "the same seed gives the same student")
        #expect(try #require(try await fit(heads: true, seed: 8) as? MLP) != withHeads)
        let plain = try #require(try await fit(heads: false) as? MLP)
        #expect(plain != withHeads, "the teachers' outputs change what the shared layer learns")
        // Without heads the student is exactly the soft fit on the consensus.
        let soft = try await Self.recipe.model.fitSoft(transfer.rows(selection.rows), probabilities: selection.rows.map { consensus.probabilities[$0] },
                                                       seed: 7, parallelism: 2)
        #expect(soft as? MLP == plain)
        // The student with heads still learns the consensus: it ranks the library's actives above its inactives.
        let p = await withHeads.predictProbability(transfer)
        let auc = try Metrics.rocAUC(truth: labels, scores: p)
        #expect(auc > 0.8, "ROC-AUC \(auc)")
    }

    @Test("teacher heads need a soft-label MLP, and annotations of another length are refused")
    func refusals() async throws {
        let (transfer, _, annotations, consensus) = try await Self.setting()
        let selection = try await StudentSelection.select(consensus, mode: .ranked, size: 200, seed: 1)
        let forest = TrainingRecipe(model: .randomForest(ForestOptions(treeCount: 5, maxDepth: 4)))
        await #expect(throws: FederationError.self) {
            try await StudentTraining.fit(recipe: forest, softLabels: true, teacherHeads: true, consensus: consensus, annotations: annotations,
                                          selection: selection, transfer: transfer, seed: 1)
        }
        var short = annotations
        short[1] = Annotation(partner: "T2", probabilities: Array(annotations[1].probabilities.dropLast()),
                              domainDistances: Array(annotations[1].domainDistances.dropLast()))
        await #expect(throws: FederationError.self) {
            try await StudentTraining.fit(recipe: Self.recipe, softLabels: true, teacherHeads: true, consensus: consensus, annotations: short,
                                          selection: selection, transfer: transfer, seed: 1)
        }
        // Hard labels ignore the heads: the recipe trains on the selection's labels.
        let hard = try await StudentTraining.fit(recipe: forest, softLabels: false, teacherHeads: false, consensus: consensus, annotations: annotations,
                                                 selection: selection, transfer: transfer, seed: 1)
        #expect(hard is RandomForestClassifier)
        var settings = SimulationSettings.standard
        #expect(settings.teacherHeads)
        settings.student = forest
        #expect(throws: FederationError.self) { try settings.validate() }
        settings.teacherHeads = false
        #expect(throws: Never.self) { try settings.validate() }
    }

    @Test("a temperature sharpens or softens the targets, and weightings follow their definitions with mean 1")
    func softOptions() throws {
        let sharp = StudentTraining.SoftOptions(temperature: 0.5), flat = StudentTraining.SoftOptions(temperature: 2)
        #expect(StudentTraining.SoftOptions().target(0.8) == 0.8)
        #expect(abs(sharp.target(0.8) - 0.64 / (0.64 + 0.04)) < 1e-12, "σ(2·logit p) = p² / (p² + (1 − p)²)")
        #expect(abs(flat.target(0.8) - 0.8.squareRoot() / (0.8.squareRoot() + 0.2.squareRoot())) < 1e-12)
        #expect(sharp.target(0.5) == 0.5 && sharp.target(0) == 0 && sharp.target(1) == 1 && flat.target(0.3) > 0.3)
        for bad in [0.0, -1, .nan, .infinity] {
            #expect(throws: FederationError.self) { try StudentTraining.SoftOptions(temperature: bad).validate() }
        }
        let consensus = Consensus(scheme: .weighted, partners: ["A", "B"], probabilities: [0.9, 0.5, 0.2, 0.7], contributions: [2, 2])
        let a = Annotation(partner: "A", probabilities: [0.9, 0.5, 0.2, 0.7], domainDistances: [0.1, 0.5, 0.9, 0.3])
        let b = Annotation(partner: "B", probabilities: [0.9, 0.5, 0.2, 0.7], domainDistances: [0.7, 0.2, 0.9, 0.0],
                           abstained: [false, false, false, true])
        let rows = [0, 1, 2, 3]
        #expect(StudentTraining.weights(.none, rows: rows, consensus: consensus, annotations: [a, b]) == nil)
        let confidence = try #require(StudentTraining.weights(.confidence, rows: rows, consensus: consensus, annotations: [a, b]))
        let raw = [0.8, 0.05, 0.6, 0.4]  // |2p − 1|, with the floor 0.05 for p = 0.5
        let mean = raw.reduce(0, +) / 4
        #expect(zip(confidence, raw).allSatisfy { abs($0 - $1 / mean) < 1e-12 })
        // Nearest partner's distance: 0.1, 0.2, 0.9, 0.3 (B abstains on the last); scaled over [0, 0.9] (B's 0 is an abstention's).
        let domain = try #require(StudentTraining.weights(.domain, rows: rows, consensus: consensus, annotations: [a, b]))
        let lo = 0.1, hi = 0.9
        let near = [0.1, 0.2, 0.9, 0.3].map { max(0.05, 1 - ($0 - lo) / (hi - lo)) }
        let nearMean = near.reduce(0, +) / 4
        #expect(zip(domain, near).allSatisfy { abs($0 - $1 / nearMean) < 1e-12 }, "\(domain)")
    }

    @Test("a weighted or sharpened student differs from the plain one; weighting needs an MLP")
    func weightedStudents() async throws {
        let (transfer, _, annotations, consensus) = try await Self.setting()
        let selection = try await StudentSelection.select(consensus, mode: .ranked, size: 300, seed: 1)
        func fit(_ soft: StudentTraining.SoftOptions, recipe: TrainingRecipe = Self.recipe) async throws -> any ProbabilisticClassifier {
            try await StudentTraining.fit(recipe: recipe, softLabels: true, teacherHeads: false, soft: soft, consensus: consensus, annotations: annotations,
                                          selection: selection, transfer: transfer, seed: 3, parallelism: 2)
        }
        let plain = try #require(try await fit(.init()) as? MLP)
        for options in [StudentTraining.SoftOptions(temperature: 0.5), .init(weighting: .confidence), .init(weighting: .domain)] {
            let other = try #require(try await fit(options) as? MLP)
            #expect(other != plain && other.taskCount == 1, "\(options)")
        }
        let forest = TrainingRecipe(model: .randomForest(ForestOptions(treeCount: 5, maxDepth: 4)))
        await #expect(throws: FederationError.self) { try await fit(.init(weighting: .confidence), recipe: forest) }
        _ = try await fit(.init(temperature: 0.5), recipe: forest)  // a temperature works for any soft fit
    }
}
