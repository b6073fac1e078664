import ConcordErrors
import ConcordML
import ConcordNetwork
import Foundation
import Testing

/// Errors re-thrown by the libraries keep what caused them as their cause instead of writing it
/// into their message.
@Suite("Re-thrown errors keep their cause")
struct RethrowTests {
    struct NoiseFailure: Error, CustomStringConvertible { var description: String { "the sampler is exhausted" } }

    struct FailingNoise: GaussianNoiseGenerator {
        mutating func addGaussianNoise(standardDeviation: Double, to values: UnsafeMutableBufferPointer<Double>) throws {
            throw NoiseFailure()
        }
    }

    @Test("a noise generator's failure is the cause of DP-SGD's error, not part of its message")
    func noiseGenerator() throws {
        let x = try DenseMatrix(rows: 2, columns: 1, values: [0, 1])
        let y = try DenseTargets(rows: 2, tasks: 1, values: [0, 1])
        let net = try DenseNetwork.logisticRegression(inputs: 1)
        var noise = FailingNoise()
        let error = #expect(throws: DenseModelError.self) {
            _ = try net.trainPrivately(from: [0, 0], x: x, targets: y, options: DenseTrainingOptions(learningRate: 0.1, seed: 1),
                                       privacy: DensePrivateTraining(clipNorm: 1, noiseMultiplier: 1, samplingRate: 1, steps: 1), noise: &noise)
        }
        #expect(error?.cause is NoiseFailure)
        #expect(error?.message == "the noise generator failed")
        #expect(error?.description == "the noise generator failed: the sampler is exhausted")
    }

    @Test("a configuration file that cannot be read keeps Foundation's error as the cause")
    func unreadableConfig() throws {
        let path = FileManager.default.temporaryDirectory.appending(path: "concord-no-such-\(UUID().uuidString).yaml").path
        let error = #expect(throws: ConfigError.self) { _ = try NodeConfig.load(path) }
        let cause = try #require(error?.cause)
        #expect(error?.reason == "cannot read the file")
        #expect(error?.description == "\(path): cannot read the file: \(cause.localizedDescription)")
    }
}
