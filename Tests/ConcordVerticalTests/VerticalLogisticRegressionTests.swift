import ConcordPrivacy
import Foundation
import Testing
import ConcordVertical

/// A small vertically split problem: the label holder's two columns and the feature holder's two
/// columns both carry signal.
func problem(rows: Int, seed: UInt64) throws -> (FeatureBlock, [Double], FeatureBlock) {
    var generator = CryptographicGenerator(seed: .reproducible(from: seed, label: "test.vertical"))
    var a: [Double] = [], b: [Double] = [], y: [Double] = []
    for _ in 0..<rows {
        let x = (0..<4).map { _ in Double.random(in: -2...2, using: &generator) }
        let logit = 0.8 * x[0] - 0.5 * x[1] + 1.2 * x[2] + 0.7 * x[3]
        y.append(Double.random(in: 0..<1, using: &generator) < 1 / (1 + exp(-logit)) ? 1 : 0)
        a += [x[0], x[1]]; b += [x[2], x[3]]
    }
    return (try FeatureBlock(rows: rows, columns: 2, values: a), y, try FeatureBlock(rows: rows, columns: 2, values: b))
}

@Suite("Vertical logistic regression with Paillier")
struct VerticalLogisticRegressionTests {
    @Test("the encrypted, masked protocol gives the joined table's Taylor-approximated model to 1e-7 (features enter in fixed point at 2⁻²⁴)")
    func matchesTheJoinedTable() async throws {
        let (a, y, b) = try problem(rows: 48, seed: 1)
        let settings = VerticalSettings(iterations: 3, learningRate: 1)
        let model = try await VerticalLogisticRegression.train(labelHolder: a, labels: y, featureHolder: b, settings: settings,
                                                               source: .reproducible(.reproducible(from: 2, label: "test.vertical.source")))
        let clear = VerticalLogisticRegression.trainInTheClear(labelHolder: a, labels: y, featureHolder: b, settings: settings)
        for (x, z) in zip(model.labelHolderWeights + model.featureHolderWeights, clear.labelHolderWeights + clear.featureHolderWeights) {
            #expect(abs(x - z) < 1e-7, "\(x) vs \(z)")
        }
        #expect(model.featureHolderWeights.allSatisfy { $0 > 0.05 })  // both of its columns carry signal
        // Per iteration: 48 shares each way and 3 + 2 masked sums.
        #expect(model.traffic.ciphertextsFromLabelHolder == 3 * (48 + 3))
        #expect(model.traffic.ciphertextsFromFeatureHolder == 3 * (48 + 2))
    }

    @Test("a mask hides the value from the key holder: the decrypted plaintext changes with every mask, the unmasked value does not")
    func masksHide() throws {
        var source = SecretSource.reproducible(.reproducible(from: 3, label: "test.vertical.mask"))
        let key = try PaillierPrivateKey.generate(using: &source)
        let c = try key.publicKey.encrypt(12.375, using: &source)
        let (m1, k1) = try c.masked(bound: 100, using: &source)
        let (m2, k2) = try c.masked(bound: 100, using: &source)
        let p1 = try key.decryptMasked(m1), p2 = try key.decryptMasked(m2)
        #expect(p1 != p2)
        #expect(try k1.unmask(p1) == 12.375 && k2.unmask(p2) == 12.375)
        // The masked plaintext is at least 40 bits wider than the value at its scale.
        #expect(p1.bytes.count - 1 >= (7 + 40 + 40) / 8 - 1)
        #expect(throws: PrivacyError.self) { try c.masked(bound: 0, using: &source) }
        #expect(throws: PrivacyError.self) { try c.masked(bound: 100, statisticalBits: 30, using: &source) }
        #expect(throws: PrivacyError.self) { try c.masked(bound: .infinity, using: &source) }
        #expect(throws: PrivacyError.self) { try PaillierMaskedPlaintext(bytes: [2, 1]) }
    }

    @Test("misaligned rows and non-binary labels are refused")
    func refusals() async throws {
        let (a, y, b) = try problem(rows: 8, seed: 4)
        let short = try FeatureBlock(rows: 7, columns: 2, values: Array(b.values.prefix(14)))
        await #expect(throws: PrivacyError.self) {
            _ = try await VerticalLogisticRegression.train(labelHolder: a, labels: y, featureHolder: short, settings: .init(iterations: 1))
        }
        await #expect(throws: PrivacyError.self) {
            _ = try await VerticalLogisticRegression.train(labelHolder: a, labels: y.map { $0 * 2 }, featureHolder: b, settings: .init(iterations: 1))
        }
        #expect(throws: PrivacyError.self) { try FeatureBlock(rows: 2, columns: 2, values: [1, 2, 3]) }
    }
}
