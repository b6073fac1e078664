import ConcordPrivacy
import Foundation
import Testing
@testable import ConcordVertical

@Suite("Vertical logistic regression with secret sharing")
struct SecretSharedLogisticRegressionTests {
    static let dealer = SecretSource.reproducible(.reproducible(from: 5, label: "test.vertical.dealer"))

    @Test("the shared protocol gives the joined table's Taylor-approximated model to 1e-4 (values in the ring at 2⁻¹⁶); another dealer gives the same model")
    func matchesTheJoinedTable() async throws {
        let (a, y, b) = try problem(rows: 200, seed: 6)
        let settings = VerticalSettings(iterations: 20, learningRate: 1, method: .secretSharing)
        let model = try SecretSharedLogisticRegression.train(labelHolder: a, labels: y, featureHolder: b, settings: settings, dealer: Self.dealer)
        let clear = VerticalLogisticRegression.trainInTheClear(labelHolder: a, labels: y, featureHolder: b, settings: settings)
        for (x, z) in zip(model.labelHolderWeights + model.featureHolderWeights, clear.labelHolderWeights + clear.featureHolderWeights) {
            #expect(abs(x - z) < 1e-4, "\(x) vs \(z)")
        }
        #expect(model.featureHolderWeights.allSatisfy { $0 > 0.05 })
        // Per iteration each party sends its padded residual share (200) and its product shares (the other's columns).
        #expect(model.traffic.ciphertextsFromLabelHolder == 20 * (200 + 2))
        #expect(model.traffic.ciphertextsFromFeatureHolder == 20 * (200 + 3))
        // Another dealer's randomness gives the same model: the masks cancel exactly.
        let other = try SecretSharedLogisticRegression.train(labelHolder: a, labels: y, featureHolder: b, settings: settings, dealer: .system)
        #expect(other.labelHolderWeights == model.labelHolderWeights && other.featureHolderWeights == model.featureHolderWeights)
    }

    @Test("a cross product computed on shares equals Xᵀd in the clear; neither share alone, nor the padded matrix, is the product or the data")
    func crossProduct() throws {
        var source = Self.dealer
        let rows = 64, columns = 3
        let x = (0..<(rows * columns)).map { Double($0 % 7) - 3.25 }, d = (0..<rows).map { Double($0) / 16 - 1.5 }
        let xr = x.map(RingFixedPoint.encode), dr = d.map(RingFixedPoint.encode)
        let dealer = CrossProductDealer(rows: rows, columns: columns, source: &source)
        let e = zip(xr, dealer.mask).map { $0 &- $1 }
        let t = dealer.triple(source: &source)
        let f = zip(dr, t.v).map { $0 &- $1 }
        let vectorShare = zip(RingFixedPoint.transposeTimes(e, rows: rows, columns: columns, dr), t.vectorShare).map { $0 &+ $1 }
        let matrixShare = zip(RingFixedPoint.transposeTimes(dealer.mask, rows: rows, columns: columns, f), t.matrixShare).map { $0 &+ $1 }
        let product = zip(vectorShare, matrixShare).map { RingFixedPoint.decodeProduct($0 &+ $1) }
        let expected = (0..<columns).map { j in (0..<rows).reduce(0.0) { $0 + x[$1 * columns + j] * d[$1] } }
        for j in 0..<columns {
            #expect(abs(product[j] - expected[j]) < 1e-6)
            #expect(abs(RingFixedPoint.decodeProduct(vectorShare[j]) - expected[j]) > 1)
            #expect(abs(RingFixedPoint.decodeProduct(matrixShare[j]) - expected[j]) > 1)
        }
        // The padded matrix the vector's holder receives is uniform: its top bytes fill the 256 bins
        // alike (χ² with 255 degrees of freedom below its 0.1% point, 330.5), whatever X is.
        let many = CrossProductDealer(rows: 4_096, columns: 4, source: &source)
        let constant = [UInt64](repeating: RingFixedPoint.encode(1.5), count: many.mask.count)
        var bins = [Double](repeating: 0, count: 256)
        for (value, pad) in zip(constant, many.mask) { bins[Int((value &- pad) >> 56)] += 1 }
        let expectedCount = Double(many.mask.count) / 256
        #expect(bins.reduce(0) { $0 + ($1 - expectedCount) * ($1 - expectedCount) / expectedCount } < 330.5)
    }

    @Test("features beyond 2²⁰, a gradient bound the ring cannot hold, misaligned rows and non-binary labels are refused")
    func refusals() throws {
        let (a, y, b) = try problem(rows: 8, seed: 7)
        let huge = try FeatureBlock(rows: 8, columns: 2, values: b.values.enumerated().map { $0.offset == 3 ? 2e6 : $0.element })
        #expect(throws: PrivacyError.self) { try SecretSharedLogisticRegression.train(labelHolder: a, labels: y, featureHolder: huge, settings: VerticalSettings()) }
        #expect(throws: PrivacyError.self) {
            try SecretSharedLogisticRegression.train(labelHolder: a, labels: y, featureHolder: b, settings: VerticalSettings(gradientBound: 2e9))
        }
        #expect(throws: PrivacyError.self) { try SecretSharedLogisticRegression.train(labelHolder: a, labels: Array(y.dropLast()), featureHolder: b, settings: VerticalSettings()) }
        #expect(throws: PrivacyError.self) { try SecretSharedLogisticRegression.train(labelHolder: a, labels: y.map { $0 * 2 }, featureHolder: b, settings: VerticalSettings()) }
    }
}
