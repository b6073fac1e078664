import Foundation
import Testing
@testable import ConcordML

/// Box–Muller noise from a seeded generator: enough for testing the trainer (ConcordPrivacy's
/// sampler is the secure one).
struct TestNoise: GaussianNoiseGenerator {
    var rng: SeededRandom
    mutating func addGaussianNoise(standardDeviation: Double, to values: UnsafeMutableBufferPointer<Double>) throws {
        for k in values.indices {
            values[k] += standardDeviation * (-2 * log(max(rng.nextUnit(), 1e-300))).squareRoot() * cos(2 * .pi * rng.nextUnit())
        }
    }
}

@Suite("Dense network: DP-SGD")
struct DensePrivateTrainingTests {
    static func data(rows: Int = 80, seed: UInt64 = 3) throws -> (DenseMatrix, DenseTargets) {
        var rng = SeededRandom(seed: seed)
        var x: [Double] = [], y: [UInt8] = []
        for _ in 0..<rows {
            let a = rng.nextUnit() * 4 - 2, b = rng.nextUnit() * 4 - 2, c = rng.nextUnit() * 2 - 1
            x += [a, b, c]
            y.append(rng.nextUnit() < DenseNetwork.sigmoid(1.5 * a - b + 0.3) ? 1 : 0)
        }
        return (try DenseMatrix.checked(rows: rows, columns: 3, values: x), DenseTargets(binary: y))
    }

    @Test("each row's gradient matches central finite differences of its loss")
    func perExampleGradient() throws {
        let (x, y) = try Self.data()
        let net = try DenseNetwork.logisticRegression(inputs: 3)
        let w = [0.3, -0.7, 0.2, 0.1]
        for row in [0, 5, 17] {
            let (g, _, clipped) = try net.clippedGradientSum(parameters: w, x: x, targets: y, rows: [row], clipNorm: .infinity)
            #expect(clipped == 0)
            for k in w.indices {
                var up = w, down = w
                up[k] += 1e-6; down[k] -= 1e-6
                let lossUp = try net.lossAndGradient(parameters: up, x: x, targets: y, rows: [row]).loss
                let lossDown = try net.lossAndGradient(parameters: down, x: x, targets: y, rows: [row]).loss
                #expect(abs(g[k] - (lossUp - lossDown) / 2e-6) < 1e-6, "row \(row), parameter \(k)")
            }
        }
    }

    @Test("the clipped sum is the sum of each row's gradient scaled to at most the clip norm")
    func clipsPerExample() throws {
        let (x, y) = try Self.data()
        let net = try DenseNetwork.logisticRegression(inputs: 3)
        let w = [2.0, -2.0, 1.0, 0.5], rows = Array(0..<20), clip = 0.3
        let (sum, _, clipped) = try net.clippedGradientSum(parameters: w, x: x, targets: y, rows: rows, clipNorm: clip)
        var expected = [Double](repeating: 0, count: 4), count = 0
        for r in rows {
            let g = try net.clippedGradientSum(parameters: w, x: x, targets: y, rows: [r], clipNorm: .infinity).gradient
            let norm = ParameterVector.norm(g)
            if norm > clip { count += 1 }
            expected = ParameterVector.adding(expected, g, scale: min(1, clip / norm))
        }
        #expect(count == clipped && clipped > 0)
        #expect(zip(sum, expected).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(ParameterVector.norm(sum) <= clip * Double(rows.count) + 1e-12)
    }

    @Test("with every row in every lot, a huge clip and tiny noise, DP-SGD follows full-batch gradient descent")
    func approachesSGD() throws {
        let (x, y) = try Self.data()
        let net = try DenseNetwork.logisticRegression(inputs: 3)
        let start = [Double](repeating: 0, count: 4)
        let options = DenseTrainingOptions(epochs: 40, batchSize: x.rows, learningRate: 0.5, seed: 1)
        let plain = try net.train(from: start, x: x, targets: y, options: options)
        var noise = TestNoise(rng: SeededRandom(seed: 9))
        let dp = try net.trainPrivately(from: start, x: x, targets: y, options: options,
                                        privacy: DensePrivateTraining(clipNorm: 1e6, noiseMultiplier: 1e-9, samplingRate: 1, steps: 40), noise: &noise)
        #expect(dp.steps == 40)
        #expect(zip(dp.parameters, plain.parameters).allSatisfy { abs($0 - $1) < 1e-4 }, "\(dp.parameters) against \(plain.parameters)")
        #expect(ParameterVector.norm(plain.parameters) > 0.5)
    }

    @Test("noise moves the parameters, by more with a larger multiplier; the same seed and noise repeat exactly")
    func noiseMatters() throws {
        let (x, y) = try Self.data()
        let net = try DenseNetwork.logisticRegression(inputs: 3)
        let start = [Double](repeating: 0, count: 4), options = DenseTrainingOptions(learningRate: 0.1, seed: 2)
        func run(_ z: Double, noiseSeed: UInt64 = 5) throws -> [Double] {
            var noise = TestNoise(rng: SeededRandom(seed: noiseSeed))
            return try net.trainPrivately(from: start, x: x, targets: y, options: options,
                                          privacy: DensePrivateTraining(clipNorm: 1, noiseMultiplier: z, samplingRate: 0.2, steps: 20), noise: &noise).parameters
        }
        let clean = try run(0), small = try run(0.5), large = try run(5)
        #expect(clean != small)
        #expect(ParameterVector.squaredDistance(clean, large) > ParameterVector.squaredDistance(clean, small))
        #expect(try run(0.5) == small)
        #expect(try run(0.5, noiseSeed: 6) != small)
        #expect(throws: DenseModelError.self) {
            var noise = TestNoise(rng: SeededRandom(seed: 1))
            _ = try net.trainPrivately(from: start, x: x, targets: y, options: options,
                                       privacy: DensePrivateTraining(clipNorm: 0, noiseMultiplier: 1, samplingRate: 0.2, steps: 2), noise: &noise)
        }
        #expect(throws: DenseModelError.self) {
            var noise = TestNoise(rng: SeededRandom(seed: 1))
            _ = try net.trainPrivately(from: start, x: x, targets: y, options: options,
                                       privacy: DensePrivateTraining(clipNorm: 1, noiseMultiplier: 1, samplingRate: 1.5, steps: 2), noise: &noise)
        }
    }
}
