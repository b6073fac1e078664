import ConcordChem
import ConcordFederation
import ConcordML
import Foundation
import Testing

/// Attacks on synthetic molecules: random fingerprints with random labels, so a teacher can only
/// memorise them, and one near copy of every target in the public set.
@Suite("Membership-inference attacks")
struct MembershipAttacksTests {
    static let bits = 1024

    /// 300 random fingerprints (30 on-bits each) with random labels: members 0..<100, non-members 100..<200, others 200..<300;
    /// the public set holds a copy of each of the first 200 with three bits changed.
    static func molecules() -> (bases: [BitFingerprint], labels: [UInt8], copies: FingerprintMatrix) {
        var rng = SeededRandom(seed: 2022)
        var bases: [BitFingerprint] = [], labels: [UInt8] = []
        for _ in 0..<300 {
            var on = Set<Int>()
            while on.count < 30 { on.insert(rng.below(bits)) }
            bases.append(BitFingerprint(bitCount: bits, onBits: on))
            labels.append(UInt8(rng.below(2)))
        }
        var copies = FingerprintMatrix(bitCount: bits)
        for b in bases.prefix(200) {
            var c = b
            let on = (0..<bits).filter { c[$0] }
            c.clear(on[rng.below(on.count)]); c.clear(on[rng.below(on.count)]); c.set(rng.below(bits))
            copies.append(c)
        }
        return (bases, labels, copies)
    }

    static func teacher(_ rows: Range<Int>, model: ModelSpec, seed: UInt64) async throws -> (Teacher, Annotation, PublicNeighbours, [UInt8]) {
        let (bases, labels, copies) = molecules()
        let training = FingerprintMatrix(bitCount: bits, fingerprints: rows.map { bases[$0] })
        let teacher = try await Teacher.train(partner: "T1", features: training, labels: rows.map { labels[$0] }, recipe: TrainingRecipe(model: model),
                                              domain: DomainSettings(k: 1, sampleFraction: 1), seeds: SeedTree(seed))
        let annotation = try await teacher.annotate(copies)
        let targets = FingerprintMatrix(bitCount: bits, fingerprints: bases.prefix(200))
        let near = try await PublicNeighbours.find(targets: targets, targetKeys: [], public: copies, publicKeys: [], k: 3)
        return (teacher, annotation, near, Array(labels.prefix(200)))
    }

    static func auc(_ scores: [Double]) throws -> Double {
        try AttackFigure.measure(members: Array(scores[..<100]), nonMembers: Array(scores[100..<200]), seed: 0, partner: "T1",
                                 artefact: .annotations, attack: .confidence).auc
    }

    static let models: [ModelSpec] = [.knn(k: 1), .randomForest(ForestOptions(treeCount: 30, maxDepth: nil))]

    @Test("a teacher that memorised its molecules gives them away through its annotations of their public neighbours", arguments: models)
    func memorising(model: ModelSpec) async throws {
        let (_, annotation, near, labels) = try await Self.teacher(0..<100, model: model, seed: 5)
        let confidence = try Self.auc(MembershipAttacks.confidence(annotation.probabilities, labels: labels, neighbours: near))
        let distance = try Self.auc(MembershipAttacks.domainDistance(annotation.domainDistances, neighbours: near))
        // Random labels: a member's copy is annotated with its label, a non-member's with a coin's (AUC ≈ 0.75).
        #expect(confidence > 0.65, "confidence attack AUC \(confidence)")
        // Every member is in the domain reference, three bits from its copy; a non-member's copy is far from all of them.
        #expect(distance > 0.95, "domain-distance attack AUC \(distance)")
    }

    @Test("a teacher trained on unrelated molecules tells members from non-members no better than a coin", arguments: models)
    func unrelated(model: ModelSpec) async throws {
        let (_, annotation, near, labels) = try await Self.teacher(200..<300, model: model, seed: 5)
        let confidence = try Self.auc(MembershipAttacks.confidence(annotation.probabilities, labels: labels, neighbours: near))
        let distance = try Self.auc(MembershipAttacks.domainDistance(annotation.domainDistances, neighbours: near))
        // 100 against 100: the AUC's standard deviation under no signal is about 0.04.
        #expect(abs(confidence - 0.5) < 0.12, "confidence attack AUC \(confidence)")
        #expect(abs(distance - 0.5) < 0.12, "domain-distance attack AUC \(distance)")
    }

    @Test("the likelihood ratio calibrates each target's difficulty, which the loss attack cannot")
    func likelihoodRatio() throws {
        // Each target has its own difficulty (logit confidence from −3 to 3); the model adds 1 for members only.
        var rng = SeededRandom(seed: 9)
        let n = 200
        let difficulty = (0..<n).map { _ in rng.nextUnit() * 6 - 3 }
        func probability(_ logit: Double) -> Double { 1 / (1 + exp(-logit)) }
        let labels = (0..<n).map { UInt8($0 % 2) }
        func asActive(_ logits: [Double]) -> [Double] { logits.indices.map { labels[$0] == 1 ? probability(logits[$0]) : 1 - probability(logits[$0]) } }
        let target = asActive((0..<n).map { difficulty[$0] + ($0 < n / 2 ? 1 : 0) })
        let shadows = (0..<4).map { _ in asActive(difficulty.map { $0 + (rng.nextUnit() - 0.5) * 0.2 }) }
        let lira = MembershipAttacks.likelihoodRatio(target, shadows: shadows, labels: labels)
        let loss = MembershipAttacks.loss(target, labels: labels)
        func auc(_ s: [Double]) throws -> Double {
            try AttackFigure.measure(members: Array(s[..<(n / 2)]), nonMembers: Array(s[(n / 2)...]), seed: 0, partner: "T1",
                                     artefact: .student, attack: .likelihoodRatio).auc
        }
        #expect(try auc(lira) > 0.99)
        #expect(try auc(loss) < 0.75)
        #expect(lira.allSatisfy { $0.isFinite })
    }

    @Test("the neighbour attacks skip abstentions and NaN, and give a target without usable neighbours the release's mean")
    func unusable() {
        let near = PublicNeighbours(rows: [[0, 1], [2]], similarities: [[1, 0.5], [1]])
        let distance = MembershipAttacks.domainDistance([0.2, 0.8, 0], abstained: [false, false, true], neighbours: near)
        #expect(abs(distance[0] - -(0.2 + 0.5 * 0.8) / 1.5) < 1e-6)
        #expect(abs(distance[1] - -0.5) < 1e-9)  // the mean of the usable molecules 0 and 1
        let confidence = MembershipAttacks.confidence([.nan, 0.9, 0.3], labels: [1, 0], neighbours: near)
        #expect(abs(confidence[0] - 0.9) < 1e-9 && abs(confidence[1] - 0.7) < 1e-9)
    }
}
