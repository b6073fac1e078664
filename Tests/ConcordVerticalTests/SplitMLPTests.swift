import ConcordML
import ConcordPrivacy
import Foundation
import Testing
@testable import ConcordVertical

/// A problem no linear model solves: the outcome is the sign of a product of one label-holder
/// column and one feature-holder column (an interaction across the parties), plus a linear part.
private func interaction(rows: Int, seed: UInt64) throws -> (FeatureBlock, [Double], FeatureBlock) {
    var generator = CryptographicGenerator(seed: .reproducible(from: seed, label: "test.vertical.mlp"))
    var a: [Double] = [], b: [Double] = [], y: [Double] = []
    for _ in 0..<rows {
        let x = (0..<4).map { _ in Double.random(in: -1.5...1.5, using: &generator) }
        let logit = 4 * x[0] * x[2] + 0.5 * x[1]
        y.append(Double.random(in: 0..<1, using: &generator) < 1 / (1 + exp(-logit)) ? 1 : 0)
        a += [x[0], x[1]]; b += [x[2], x[3]]
    }
    return (try FeatureBlock(rows: rows, columns: 2, values: a), y, try FeatureBlock(rows: rows, columns: 2, values: b))
}

@Suite("Split MLP on secret shares")
struct SplitMLPTests {
    static let dealer = SecretSource.reproducible(.reproducible(from: 9, label: "test.vertical.mlp.dealer"))

    @Test("training on shares gives the descent in the clear to 1e-5 (2⁻²⁰ rounding and local truncation only), whatever the dealer's randomness")
    func matchesTheClear() throws {
        let (a, y, b) = try interaction(rows: 160, seed: 1)
        let settings = SplitMLPSettings(hidden: 6, iterations: 40, learningRate: 0.2, seed: 3)
        let model = try SplitMLP.train(labelHolder: a, labels: y, featureHolder: b, settings: settings, dealer: Self.dealer)
        let clear = try SplitMLP.trainInTheClear(labelHolder: a, labels: y, featureHolder: b, settings: settings)
        let initial = SplitMLPWeights.initial(labelHolderColumns: 2, featureHolderColumns: 2, settings: settings)
        func flat(_ w: SplitMLPWeights) -> [Double] { w.labelHolderLayer + w.featureHolderLayer + w.output + [w.bias] }
        for (x, z) in zip(flat(model.weights), flat(clear)) { #expect(abs(x - z) < 1e-5, "\(x) vs \(z)") }
        // It learned: the weights moved well beyond the rounding.
        #expect(zip(flat(clear), flat(initial)).map { abs($0 - $1) }.max() ?? 0 > 0.05)
        let other = try SplitMLP.train(labelHolder: a, labels: y, featureHolder: b, settings: settings, dealer: .system)
        for (x, z) in zip(flat(other.weights), flat(clear)) { #expect(abs(x - z) < 1e-5) }
    }

    @Test("each value is opened once: every step sends exactly the padded values and opened gradient shares the protocol names")
    func traffic() throws {
        let (a, y, b) = try interaction(rows: 50, seed: 2)
        let settings = SplitMLPSettings(hidden: 3, iterations: 2, seed: 1)
        let model = try SplitMLP.train(labelHolder: a, labels: y, featureHolder: b, settings: settings, dealer: Self.dealer)
        let (n, h, pA, pB) = (50, 3, 3, 2)  // the label holder's block carries the intercept
        // Once: each party's columns under a pad. Each step, the label holder: z_A, v, d_A, h_Aᵀ,
        // δh_A and δz_A under pads, and its share of X_Bᵀδz.
        #expect(model.traffic.ciphertextsFromLabelHolder == pA * n + 2 * (4 * n * h + n + h + pB * h))
        // The feature holder: z_B, h_B, d_B, δh_B and δz_B under pads, and its shares of hᵀd, Σd and X_Aᵀδz.
        #expect(model.traffic.ciphertextsFromFeatureHolder == pB * n + 2 * (4 * n * h + n + h + 1 + pA * h))
        // The dealer: two seeds, then one share of each product: z_A ⊙ z_B, h_B v, h_Aᵀd_B, h_Bᵀd_A,
        // d_B vᵀ, z_A ⊙ δh_B, z_B ⊙ δh_A, X_Aᵀδz_B and X_Bᵀδz_A.
        #expect(model.traffic.dealerBytes == 64 + 16 * 2 * (4 * n * h + n + 2 * h + (pA + pB) * h))
        #expect(model.traffic.bytes - model.traffic.dealerBytes == 16 * (model.traffic.ciphertextsFromLabelHolder + model.traffic.ciphertextsFromFeatureHolder))
    }

    @Test("an interaction across the parties, which no linear model learns, is learned on shares")
    func learnsAnInteraction() async throws {
        let (a, y, b) = try interaction(rows: 400, seed: 4)
        let (aTest, yTest, bTest) = try interaction(rows: 400, seed: 5)
        let truth = yTest.map { UInt8($0) }
        let model = try SplitMLP.train(labelHolder: a, labels: y, featureHolder: b,
                                       settings: SplitMLPSettings(hidden: 4, iterations: 150, learningRate: 0.2, seed: 1), dealer: Self.dealer)
        let scored = try SplitMLP.score(labelHolder: aTest, featureHolder: bTest, weights: model.weights, dealer: Self.dealer)
        let clearScores = model.weights.scoresInTheClear(labelHolder: aTest, featureHolder: bTest)
        for (x, z) in zip(scored.scores, clearScores) { #expect(abs(x - z) < 1e-4) }
        // Scoring: the forward pass plus the feature holder's share of each score.
        #expect(scored.traffic.ciphertextsFromFeatureHolder == 2 * 400 * 4 + 400)
        let mlp = try Metrics.rocAUC(truth: truth, scores: scored.scores)
        let linear = VerticalLogisticRegression.trainInTheClear(labelHolder: a, labels: y, featureHolder: b, settings: VerticalSettings(iterations: 150))
        let lr = try Metrics.rocAUC(truth: truth, scores: VerticalLogisticRegression.scores(labelHolder: aTest, featureHolder: bTest, model: linear))
        #expect(mlp > 0.8, "split MLP \(mlp)")
        #expect(mlp > lr + 0.15, "split MLP \(mlp) against logistic regression \(lr)")
    }

    @Test("what a party receives is uniform: a constant value opened under the dealer's pad fills the top-byte bins alike")
    func openedValuesAreUniform() {
        var session = SharedSession(dealer: Self.dealer)
        let constant = [UInt128](repeating: UInt128(bitPattern: Int128(3 << 20)), count: 8_192)
        let opened = session.open(constant, by: .labelHolder)
        var bins = [Double](repeating: 0, count: 256)
        for value in opened.opened { bins[Int(truncatingIfNeeded: value >> 120)] += 1 }
        let expected = Double(constant.count) / 256
        // χ² with 255 degrees of freedom below its 0.1% point, 330.5.
        #expect(bins.reduce(0) { $0 + ($1 - expected) * ($1 - expected) / expected } < 330.5)
        #expect(session.traffic.ciphertextsFromLabelHolder == constant.count && session.traffic.ciphertextsFromFeatureHolder == 0)
    }

    @Test("a product on shares equals the product in the clear, also when an opened value is reused; each share alone is far from it")
    func productOnShares() throws {
        var session = SharedSession(dealer: Self.dealer)
        let x = (0..<12).map { Double($0) / 4 - 1.3 }, y = (0..<8).map { 0.7 - Double($0) / 5 }
        let openedX = session.open(try Ring.encode(x), by: .featureHolder), openedY = session.open(try Ring.encode(y), by: .labelHolder)
        for _ in 0..<2 {  // the same openings, a fresh triple each time
            let product = session.multiply(openedX, openedY, rows: 3, inner: 4, columns: 2)
            let left = Ring.truncate(product.left, bits: SplitMLP.fractionalBits, party: .labelHolder)
            let right = Ring.truncate(product.right, bits: SplitMLP.fractionalBits, party: .featureHolder)
            let value = Ring.decode(Ring.add(left, right), bits: SplitMLP.fractionalBits)
            for i in 0..<3 {
                for j in 0..<2 {
                    let expected = (0..<4).reduce(0.0) { $0 + x[i * 4 + $1] * y[$1 * 2 + j] }
                    #expect(abs(value[i * 2 + j] - expected) < 1e-5)
                    #expect(abs(Ring.decodeOne(product.left[i * 2 + j], bits: 2 * SplitMLP.fractionalBits) - expected) > 1)
                }
            }
        }
        let transposed = openedX.transposed(rows: 3, columns: 4)
        #expect(transposed.opened == Ring.transpose(openedX.opened, rows: 3, columns: 4))
        #expect(session.traffic.ciphertextsFromFeatureHolder == 12 && session.traffic.ciphertextsFromLabelHolder == 8)
    }

    @Test("diverging steps, a hidden layer of 0 or 1,000, misaligned rows, non-binary labels, huge features and mismatched layers are refused")
    func refusals() throws {
        let (a, y, b) = try interaction(rows: 40, seed: 6)
        #expect(throws: PrivacyError.self) {
            try SplitMLP.train(labelHolder: a, labels: y, featureHolder: b, settings: SplitMLPSettings(iterations: 50, learningRate: 50), dealer: Self.dealer)
        }
        for hidden in [0, 1_000] {
            #expect(throws: PrivacyError.self) { try SplitMLP.train(labelHolder: a, labels: y, featureHolder: b, settings: SplitMLPSettings(hidden: hidden)) }
        }
        let short = try FeatureBlock(rows: 39, columns: 2, values: Array(b.values.prefix(78)))
        #expect(throws: PrivacyError.self) { try SplitMLP.train(labelHolder: a, labels: y, featureHolder: short, settings: SplitMLPSettings()) }
        #expect(throws: PrivacyError.self) { try SplitMLP.trainInTheClear(labelHolder: a, labels: y.map { $0 * 2 }, featureHolder: b, settings: SplitMLPSettings()) }
        let huge = try FeatureBlock(rows: 40, columns: 2, values: b.values.enumerated().map { $0.offset == 5 ? 3e6 : $0.element })
        #expect(throws: PrivacyError.self) { try SplitMLP.train(labelHolder: a, labels: y, featureHolder: huge, settings: SplitMLPSettings()) }
        let weights = SplitMLPWeights.initial(labelHolderColumns: 3, featureHolderColumns: 2, settings: SplitMLPSettings())
        #expect(throws: PrivacyError.self) { try SplitMLP.score(labelHolder: a, featureHolder: b, weights: weights) }
    }
}
