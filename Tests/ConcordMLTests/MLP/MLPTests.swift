import ConcordChem
import Foundation
import Testing
@testable import ConcordML

/// Rows whose label depends on bits 0–3 (an XOR of two bits plus an OR), 128 bits wide.
func mlpProblem(rows: Int, seed: UInt64) -> (FingerprintMatrix, [UInt8]) {
    var rng = SeededRandom(seed: seed)
    var m = FingerprintMatrix(bitCount: 128)
    var y: [UInt8] = []
    for _ in 0..<rows {
        let bits = (0..<128).filter { _ in rng.nextUnit() < 0.15 }
        m.append(BitFingerprint(bitCount: 128, onBits: bits))
        let s = Set(bits)
        y.append((s.contains(0) != s.contains(1)) || (s.contains(2) && s.contains(3)) ? 1 : 0)
    }
    return (m, y)
}

@Suite("MLP")
struct MLPTests {
    @Test("back-propagated gradients match finite differences")
    func gradientCheck() throws {
        let sizes = [20, 6, 5, 2]
        var rng = SeededRandom(seed: 3)
        let count = MLP.layout(sizes).count
        let params = (0..<count).map { _ in Float(rng.nextUnit() * 2 - 1) }
        let bits: [Int32] = [1, 4, 7, 19]
        let targets = try PreparedTargets(.multiTask(values: [1, 0.3], mask: [true, true], taskCount: 2), rows: 1, weights: nil, standardizeWith: nil)
        func lossAt(_ p: [Float]) -> Double {
            var net = Network(sizes)
            return p.withUnsafeBufferPointer { pb in
                net.forward(pb, bits: bits[...])
                var g = [Float](repeating: 0, count: 2)
                return g.withUnsafeMutableBufferPointer { targets.loss(row: 0, logits: net.output, factor: 1, gradient: $0.baseAddress!) }
            }
        }
        var net = Network(sizes)
        var grad = [Float](repeating: 0, count: count)
        var touched = [Bool](repeating: false, count: 20)
        params.withUnsafeBufferPointer { pb in
            net.forward(pb, bits: bits[...])
            var g = [Float](repeating: 0, count: 2)
            g.withUnsafeMutableBufferPointer { gb in
                _ = targets.loss(row: 0, logits: net.output, factor: 1, gradient: gb.baseAddress!)
                grad.withUnsafeMutableBufferPointer { gr in
                    touched.withUnsafeMutableBufferPointer { net.backward(pb, bits: bits[...], outputGradient: gb.baseAddress!, grad: gr.baseAddress!, touched: $0.baseAddress!) }
                }
            }
        }
        #expect(touched.enumerated().allSatisfy { $0.element == bits.contains(Int32($0.offset)) })
        var worst = 0.0
        for i in 0..<count {
            var plus = params, minus = params
            plus[i] += 1e-2; minus[i] -= 1e-2
            let numeric = (lossAt(plus) - lossAt(minus)) / 2e-2
            worst = max(worst, abs(numeric - Double(grad[i])))
        }
        #expect(worst < 2e-3, "largest gradient error \(worst)")
    }

    @Test("learns a non-linear fingerprint rule; the same seed gives the same weights on any core count")
    func learnsAndIsDeterministic() async throws {
        let (x, y) = mlpProblem(rows: 600, seed: 1)
        let (tx, ty) = mlpProblem(rows: 300, seed: 2)
        let options = MLP.TrainingOptions(hidden: [32, 16], dropout: 0.1, learningRate: 3e-3, batchSize: 32, maxEpochs: 40, patience: 40, seed: 5)
        let (a, report) = try await MLP.train(x, targets: .binary(y), options: options, parallelism: 1)
        let (b, _) = try await MLP.train(x, targets: .binary(y), options: options, parallelism: 3)
        #expect(a == b)
        #expect(report.epochs == 40 && (report.trainingLoss.last ?? 1) < report.trainingLoss[0])
        let p = await a.predictProbability(tx)
        let accuracy = Double(zip(p, ty).filter { ($0 > 0.5) == ($1 == 1) }.count) / Double(ty.count)
        #expect(accuracy > 0.85, "test accuracy \(accuracy) (majority class: about 0.73)")
    }

    @Test("lazy first-layer steps: rows of bits never switched on keep their initial weights, the rest learn as well, on any core count")
    func lazyFirstLayer() async throws {
        let (x, y) = mlpProblem(rows: 600, seed: 1)
        let (tx, ty) = mlpProblem(rows: 300, seed: 2)
        // Bit 127 is switched off everywhere: no molecule ever has it.
        var sparse = FingerprintMatrix(bitCount: 128)
        for r in 0..<x.rowCount { sparse.append(BitFingerprint(bitCount: 128, onBits: x[r].onBits.filter { $0 != 127 })) }
        func options(lazy: Bool, epochs: Int) -> MLP.TrainingOptions {
            MLP.TrainingOptions(hidden: [32, 16], dropout: 0.1, learningRate: 3e-3, batchSize: 32, maxEpochs: epochs, patience: 40,
                                seed: 5, lazyFirstLayer: lazy)
        }
        let (short, _) = try await MLP.train(sparse, targets: .binary(y), options: options(lazy: true, epochs: 1), parallelism: 1)
        let (long, _) = try await MLP.train(sparse, targets: .binary(y), options: options(lazy: true, epochs: 40), parallelism: 1)
        let (again, _) = try await MLP.train(sparse, targets: .binary(y), options: options(lazy: true, epochs: 40), parallelism: 3)
        let (dense, _) = try await MLP.train(sparse, targets: .binary(y), options: options(lazy: false, epochs: 40), parallelism: 1)
        let width = 32, row127 = 127 * width
        let unseen = { (m: MLP) in Array(m.parameters[row127..<(row127 + width)]) }
        #expect(unseen(short) == unseen(long), "an unseen bit's row is never stepped")
        #expect(unseen(long) != unseen(dense), "standard AdamW decays it")
        #expect(long == again)
        #expect(long.parameters[0..<width] != short.parameters[0..<width], "a seen bit's row learns")
        let p = await long.predictProbability(tx)
        let accuracy = Double(zip(p, ty).filter { ($0 > 0.5) == ($1 == 1) }.count) / Double(ty.count)
        #expect(accuracy > 0.85, "test accuracy \(accuracy) (majority class: about 0.73)")
    }

    @Test("masked labels have no influence; soft targets train; early stopping restores the best epoch")
    func masksSoftTargetsAndEarlyStopping() async throws {
        let (x, y) = mlpProblem(rows: 200, seed: 4)
        let options = MLP.TrainingOptions(hidden: [16], batchSize: 16, maxEpochs: 5, patience: 5, seed: 1)
        var values1: [Double] = [], values2: [Double] = [], mask: [Bool] = []
        for (i, label) in y.enumerated() {
            values1 += [Double(label), 0.0]; values2 += [Double(label), 1.0]
            mask += [true, i % 3 == 0]
        }
        for i in 0..<y.count where !mask[2 * i + 1] { values2[2 * i + 1] = 0.5 }
        for i in 0..<y.count where mask[2 * i + 1] { values2[2 * i + 1] = values1[2 * i + 1] }
        let (m1, _) = try await MLP.train(x, targets: .multiTask(values: values1, mask: mask, taskCount: 2), options: options)
        let (m2, _) = try await MLP.train(x, targets: .multiTask(values: values2, mask: mask, taskCount: 2), options: options)
        #expect(m1 == m2)
        #expect(m1.taskCount == 2)

        let soft = y.map { $0 == 1 ? 0.9 : 0.1 }
        let (v, vy) = mlpProblem(rows: 100, seed: 8)
        let (s, report) = try await MLP.train(x, targets: .probabilities(soft), validation: (v, .binary(vy)),
                                              options: .init(hidden: [16], batchSize: 16, maxEpochs: 60, patience: 3, seed: 2))
        #expect(report.bestEpoch >= 1 && report.bestEpoch <= report.epochs)
        #expect(report.validationLoss.count == report.epochs)
        // The restored weights are those of the best epoch.
        let best = report.validationLoss.min() ?? .nan
        #expect(abs(report.validationLoss[report.bestEpoch - 1] - best) < 1e-12)
        #expect(await s.predictProbability(v).allSatisfy { $0 > 0 && $0 < 1 })

        await #expect(throws: MLPError.self) { try await MLP.train(x, targets: .probabilities(soft.map { $0 + 0.5 }), options: options) }
        await #expect(throws: MLPError.self) { try await MLP.train(x, targets: .binary(Array(y.dropFirst())), options: options) }
        await #expect(throws: MLPError.self) { try await MLP.train(x, targets: .binary(y), options: .init(hidden: [])) }
        await #expect(throws: MLPError.self) { try await MLP.train(x, targets: .multiTask(values: [], mask: [], taskCount: Int.max)) }
    }

    @Test("one head kept from a multi-task network predicts exactly that head; an absent head is refused")
    func keepingHead() async throws {
        let (x, y) = mlpProblem(rows: 200, seed: 6)
        var values: [Double] = [], mask: [Bool] = []
        for (i, label) in y.enumerated() { values += [Double(label), x[i][7] ? 1 : 0, 0.25]; mask += [true, true, i % 2 == 0] }
        let (m, _) = try await MLP.train(x, targets: .multiTask(values: values, mask: mask, taskCount: 3),
                                         options: .init(hidden: [16, 8], batchSize: 16, maxEpochs: 3, patience: 3, seed: 4))
        let all = try await m.outputs(x)
        for head in 0..<3 {
            let one = try m.keepingHead(head)
            #expect(one.taskCount == 1 && one.layerSizes.dropLast() == m.layerSizes.dropLast())
            let p = try await one.outputs(x)
            #expect(p.indices.allSatisfy { abs(p[$0] - all[$0 * 3 + head]) < 1e-6 }, "head \(head)")
            #expect(try MLP(decoding: one.encoded()) == one)
        }
        #expect(throws: MLPError.self) { try m.keepingHead(3) }
        #expect(throws: MLPError.self) { try m.keepingHead(-1) }
    }

    @Test("fine-tuning starts from the given model: a step too small to move it keeps it, one gentle epoch keeps what it learnt, a wrong shape is refused")
    func fineTuning() async throws {
        let (x, y) = mlpProblem(rows: 300, seed: 11)
        let options = MLP.TrainingOptions(hidden: [16], batchSize: 16, maxEpochs: 10, patience: 10, seed: 3)
        let (base, _) = try await MLP.train(x, targets: .binary(y), options: options)
        // A learning rate too small to move Float weights keeps the starting model exactly.
        var still = options
        still.learningRate = 1e-30; still.weightDecay = 0; still.maxEpochs = 1
        let (kept, _) = try await MLP.train(x, targets: .binary(y), options: still, initial: base)
        #expect(kept.parameters == base.parameters)
        let (fresh, _) = try await MLP.train(x, targets: .binary(y), options: still)
        #expect(fresh.parameters != base.parameters, "without an initial model the weights start from the seed")
        // One epoch from the trained model keeps what it learnt; one epoch from scratch has not learnt it yet.
        let (lx, ly) = mlpProblem(rows: 600, seed: 1)
        let (tx, ty) = mlpProblem(rows: 300, seed: 2)
        func accuracy(_ m: MLP) async -> Double {
            let p = await m.predictProbability(tx)
            return Double(zip(p, ty).filter { ($0 > 0.5) == ($1 == 1) }.count) / Double(ty.count)
        }
        let long = MLP.TrainingOptions(hidden: [32, 16], dropout: 0.1, learningRate: 3e-3, batchSize: 32, maxEpochs: 40, patience: 40, seed: 5)
        let (trained, _) = try await MLP.train(lx, targets: .binary(ly), options: long)
        var one = long
        one.maxEpochs = 1
        one.learningRate = 3e-4  // fine-tuning steps gently: Adam's first steps are full-size whatever the gradient
        let (tuned, _) = try await MLP.train(lx, targets: .binary(ly), options: one, initial: trained)
        let (scratch, _) = try await MLP.train(lx, targets: .binary(ly), options: one)
        let tunedAccuracy = await accuracy(tuned), scratchAccuracy = await accuracy(scratch)
        let trainedAccuracy = await accuracy(trained)
        #expect(tunedAccuracy > 0.85, "one epoch from the trained model (\(trainedAccuracy)): \(tunedAccuracy)")
        #expect(tunedAccuracy > scratchAccuracy + 0.05, "one epoch from scratch: \(scratchAccuracy)")
        #expect(tuned != trained, "the epoch moved the weights")
        await #expect(throws: MLPError.self) {
            try await MLP.train(x, targets: .binary(y), options: .init(hidden: [8], maxEpochs: 1), initial: base)
        }
        await #expect(throws: MLPError.self) {
            try await MLP.train(x, targets: .continuous(y.map(Double.init)), options: options, initial: base)
        }
    }

    @Test("regression with sample weights; save and load round-trip")
    func regressionAndPersistence() async throws {
        let (x, _) = mlpProblem(rows: 400, seed: 9)
        let targets = (0..<x.rowCount).map { i -> Double in
            let fp = x[i]
            return 50 + 10 * (fp[0] ? 1 : 0) - 5 * (fp[5] ? 1 : 0) + 3 * (fp[9] ? 1 : 0)
        }
        let (model, _) = try await MLP.train(x, targets: .continuous(targets), sampleWeights: [Double](repeating: 2, count: 400),
                                             options: .init(hidden: [16], dropout: 0, learningRate: 1e-2, batchSize: 32, maxEpochs: 80, seed: 3))
        let predicted = await model.predict(x)
        let rmse = (zip(predicted, targets).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / 400).squareRoot()
        #expect(rmse < 1.5, "training RMSE \(rmse)")
        let loaded = try MLP(decoding: model.encoded())
        #expect(loaded == model)
        #expect(await loaded.predict(x) == predicted)
        await #expect(throws: MLPError.self) { try await model.outputs(FingerprintMatrix(bitCount: 64)) }
        #expect(throws: ModelFileError.self) { try MLP(decoding: LogisticRegression(coefficients: [1], intercept: 0).encoded()) }
    }
}
