import Testing
@testable import ConcordML

/// Rows from a seeded Gaussian and labels from a known logistic model `w·x + b`.
func logisticProblem(rows: Int, weights: [Double], bias: Double, seed: UInt64) throws -> (DenseMatrix, [UInt8]) {
    var rng = SeededRandom(seed: seed)
    var values: [Double] = [], labels: [UInt8] = []
    for _ in 0..<rows {
        var z = bias
        for w in weights {
            let u1 = max(rng.nextUnit(), 1e-12), u2 = rng.nextUnit()
            let g = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            values.append(g); z += w * g
        }
        labels.append(rng.nextUnit() < DenseNetwork.sigmoid(z) ? 1 : 0)
    }
    return (try DenseMatrix.checked(rows: rows, columns: weights.count, values: values), labels)
}

@Suite("Dense networks")
struct DenseNetworkTests {
    @Test("back-propagated gradients match central finite differences", arguments: [[Int](), [5], [4, 3]])
    func gradientCheck(hidden: [Int]) throws {
        let net = try DenseNetwork(inputs: 4, hidden: hidden, heads: [.binary, .continuous])
        var rng = SeededRandom(seed: 11)
        let x = try DenseMatrix.checked(rows: 6, columns: 4, values: (0..<24).map { _ in rng.nextUnit() * 2 - 1 })
        var targetValues: [Double] = []
        for i in 0..<12 { targetValues.append(i % 2 == 0 ? Double(i / 2 % 2) : rng.nextUnit()) }
        let mask: [Bool] = (0..<12).map { $0 != 5 && $0 != 8 }
        let y = try DenseTargets(rows: 6, tasks: 2, values: targetValues, mask: mask)
        let params = (0..<net.parameterCount).map { _ in rng.nextUnit() - 0.5 }
        let reference = (0..<net.parameterCount).map { _ in rng.nextUnit() - 0.5 }
        let reg = DenseRegularisation(l2: 0.3, proximal: .init(mu: 0.7, reference: reference))
        let (_, gradient) = try net.lossAndGradient(parameters: params, x: x, targets: y, regularisation: reg)
        let h = 1e-6
        for k in params.indices {
            var plus = params, minus = params
            plus[k] += h; minus[k] -= h
            let numeric = (try net.lossAndGradient(parameters: plus, x: x, targets: y, regularisation: reg).loss
                - net.lossAndGradient(parameters: minus, x: x, targets: y, regularisation: reg).loss) / (2 * h)
            #expect(abs(numeric - gradient[k]) < 1e-6 * max(1, abs(numeric)), "parameter \(k)")
        }
    }

    @Test("a masked outcome contributes neither loss nor gradient")
    func maskedHead() throws {
        let net = try DenseNetwork(inputs: 2, hidden: [3], heads: [.binary, .continuous])
        let x = try DenseMatrix(rowArrays: [[0.5, -1], [1, 2]])
        let params = net.initialParameters(seed: 4)
        let a = try DenseTargets(rows: 2, tasks: 2, values: [1, 3, 0, 7], mask: [true, false, true, true])
        let b = try DenseTargets(rows: 2, tasks: 2, values: [1, -50, 0, 7], mask: [true, false, true, true])
        let la = try net.lossAndGradient(parameters: params, x: x, targets: a)
        let lb = try net.lossAndGradient(parameters: params, x: x, targets: b)
        #expect(la.loss == lb.loss)
        #expect(la.gradient == lb.gradient)
    }

    @Test("logistic regression recovers a known model's decisions", arguments: [DenseTrainingOptions.Optimizer.sgd, .adam])
    func logisticLearns(optimizer: DenseTrainingOptions.Optimizer) throws {
        let truth = [2.0, -1.5, 0.5]
        let (x, labels) = try logisticProblem(rows: 600, weights: truth, bias: 0.3, seed: 5)
        let net = try DenseNetwork.logisticRegression(inputs: 3)
        let options = DenseTrainingOptions(epochs: 30, batchSize: 32, learningRate: optimizer == .sgd ? 0.1 : 0.02, optimizer: optimizer, seed: 9)
        let fit = try net.train(from: net.initialParameters(seed: 0), x: x, targets: DenseTargets(binary: labels), options: options)
        // The fitted weights point the same way as the true ones.
        let cosine = ParameterVector.dot(Array(fit.parameters[0..<3]), truth) / (ParameterVector.norm(Array(fit.parameters[0..<3])) * ParameterVector.norm(truth))
        #expect(cosine > 0.98)
        #expect(fit.steps == 30 * 19)
        let p = try net.outputs(parameters: fit.parameters, x: x).values
        let accuracy = Double(zip(p, labels).filter { ($0 >= 0.5) == ($1 == 1) }.count) / 600
        #expect(accuracy > 0.75)
    }

    @Test("an MLP with two heads learns a non-linear binary and a continuous outcome")
    func multiTaskLearns() throws {
        var rng = SeededRandom(seed: 21)
        var xs: [Double] = [], ys: [Double] = []
        for _ in 0..<400 {
            let a = rng.nextUnit() * 2 - 1, b = rng.nextUnit() * 2 - 1
            xs += [a, b]; ys += [a * b > 0 ? 1 : 0, a * a + b]
        }
        let x = try DenseMatrix.checked(rows: 400, columns: 2, values: xs)
        let y = try DenseTargets(rows: 400, tasks: 2, values: ys)
        let net = try DenseNetwork(inputs: 2, hidden: [16, 8], heads: [.binary, .continuous])
        let start = net.initialParameters(seed: 3)
        let before = try net.lossSum(parameters: start, x: x, targets: y).mean
        let fit = try net.train(from: start, x: x, targets: y, options: DenseTrainingOptions(epochs: 150, batchSize: 16, learningRate: 0.01, optimizer: .adam, seed: 1))
        let after = try net.lossSum(parameters: fit.parameters, x: x, targets: y).mean
        #expect(after < 0.35 * before)
    }

    @Test("a step budget takes exactly that many batches, cycling through reshuffled passes")
    func stepBudget() throws {
        let (x, labels) = try logisticProblem(rows: 10, weights: [1, -2], bias: 0.3, seed: 8)
        let net = try DenseNetwork.logisticRegression(inputs: 2)
        let y = DenseTargets(binary: labels), start = net.initialParameters(seed: 2)
        func options(_ steps: Int, from: Int = 0) -> DenseTrainingOptions {
            DenseTrainingOptions(epochs: 99, batchSize: 4, learningRate: 0.1, seed: 5, steps: steps, startBatch: from)
        }
        let fit = try net.train(from: start, x: x, targets: y, options: options(7))
        #expect(fit.steps == 7)
        // By hand: passes of 4 + 4 + 2 rows, each pass reshuffled from the one seeded stream.
        var w = start, order = Array(0..<10), rng = SeededRandom(seed: 5), batches: [[Int]] = []
        while batches.count < 7 {
            for i in stride(from: 9, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
            batches += [Array(order[0..<4]), Array(order[4..<8]), Array(order[8..<10])]
        }
        for batch in batches.prefix(7) {
            let bx = try DenseMatrix.checked(rows: batch.count, columns: 2, values: batch.flatMap { r in (0..<2).map { x[r, $0] } })
            let g = try net.lossAndGradient(parameters: w, x: bx, targets: DenseTargets(binary: batch.map { labels[$0] })).gradient
            for k in w.indices { w[k] -= 0.1 * g[k] }
        }
        for k in w.indices { #expect(abs(w[k] - fit.parameters[k]) < 1e-12, "parameter \(k)") }
        // Resuming the stream after 3 batches continues it exactly.
        let first = try net.train(from: start, x: x, targets: y, options: options(3))
        #expect(try net.train(from: first.parameters, x: x, targets: y, options: options(4, from: 3)).parameters == fit.parameters)
    }

    @Test("the same seed gives bit-identical parameters; another seed does not")
    func deterministic() throws {
        let (x, labels) = try logisticProblem(rows: 100, weights: [1, -1], bias: 0, seed: 2)
        let net = try DenseNetwork(inputs: 2, hidden: [4], heads: [.binary])
        func run(_ seed: UInt64) throws -> [Double] {
            try net.train(from: net.initialParameters(seed: 8), x: x, targets: DenseTargets(binary: labels),
                          options: DenseTrainingOptions(epochs: 3, batchSize: 7, learningRate: 0.05, optimizer: .sgd(momentum: 0.9), seed: seed)).parameters
        }
        #expect(try run(1) == run(1))
        #expect(try run(1) != run(2))
    }

    @Test("a strong proximal term keeps local training near the global model")
    func proximal() throws {
        let (x, labels) = try logisticProblem(rows: 200, weights: [3, 3], bias: 0, seed: 6)
        let net = try DenseNetwork.logisticRegression(inputs: 2)
        let global = [0.0, 0.0, 0.0]
        func drift(_ mu: Double) throws -> Double {
            let reg = DenseRegularisation(proximal: .init(mu: mu, reference: global))
            let fit = try net.train(from: global, x: x, targets: DenseTargets(binary: labels), options: DenseTrainingOptions(epochs: 5, learningRate: 0.1, regularisation: reg))
            return ParameterVector.norm(fit.parameters)
        }
        #expect(try drift(5) < 0.5 * drift(0))
    }

    @Test("malformed input is refused with a code, never a crash")
    func refusals() throws {
        let net = try DenseNetwork.logisticRegression(inputs: 2)
        let x = try DenseMatrix(rowArrays: [[1, 2], [3, 4]])
        let y = DenseTargets(binary: [0, 1])
        #expect(throws: DenseModelError.self) { try net.outputs(parameters: [1, 2], x: x) }
        #expect(throws: DenseModelError.self) { try net.outputs(parameters: [.nan, 0, 0], x: x) }
        #expect(throws: DenseModelError.self) { try net.train(from: [0, 0, 0], x: x, targets: y, options: DenseTrainingOptions(batchSize: 0)) }
        #expect(throws: DenseModelError.self) { try net.train(from: [0, 0, 0], x: x, targets: y, options: DenseTrainingOptions(learningRate: -1)) }
        #expect(throws: DenseModelError.self) { try net.train(from: [0, 0, 0], x: x, targets: try DenseTargets(rows: 2, tasks: 1, values: [0, 2]), options: DenseTrainingOptions()) }
        #expect(throws: DenseModelError.self) { try net.train(from: [0, 0, 0], x: x, targets: y, options: DenseTrainingOptions(gradientCorrection: [1])) }
        #expect(throws: DenseModelError.self) { try DenseNetwork(inputs: 2, hidden: [0], heads: [.binary]) }
        #expect(throws: DenseModelError.self) { try DenseMatrix(rowArrays: [[1, 2], [3]]) }
        #expect(throws: DenseModelError.self) { try DenseNetwork(inputs: 1 << 40, hidden: [1 << 40], heads: [.binary]) }
        #expect(throws: DenseModelError.self) { try DenseTargets(rows: Int.max, tasks: 2, values: []) }
        do {
            let regression = try DenseNetwork(inputs: 2, heads: [.continuous])
            _ = try regression.train(from: [0, 0, 0], x: x, targets: try DenseTargets(rows: 2, tasks: 1, values: [1, 2]),
                                     options: DenseTrainingOptions(epochs: 200, batchSize: 1, learningRate: 10))
            Issue.record("a diverging run should throw")
        } catch { #expect(error.code == .nonFinite) }
    }
}

import Foundation
