import ConcordML
import Foundation
import Testing
@testable import ConcordClinical

/// Four non-IID sites: features from Gaussians shifted per site, labels from one known logistic model.
struct SyntheticFederation {
    static let truth = [1.5, -1.0, 0.5], bias = 0.2
    let sites: [FederatedSite]
    let testX: DenseMatrix, testY: [UInt8]

    init(seed: UInt64, sizes: [Int] = [60, 150, 220, 90]) throws {
        var rng = SeededRandom(seed: seed)
        func draw(_ n: Int, shift: Double) throws -> (DenseMatrix, [UInt8]) {
            var x: [Double] = [], y: [UInt8] = []
            for _ in 0..<n {
                var z = Self.bias
                for (k, w) in Self.truth.enumerated() {
                    let g = (-2 * log(max(rng.nextUnit(), 1e-12))).squareRoot() * cos(2 * .pi * rng.nextUnit())
                    let v = g + shift * (k == 0 ? 1 : -0.5)
                    x.append(v); z += w * v
                }
                y.append(rng.nextUnit() < DenseNetwork.sigmoid(z) ? 1 : 0)
            }
            return (try DenseMatrix.checked(rows: n, columns: 3, values: x), y)
        }
        var sites: [FederatedSite] = [], tx = try DenseMatrix.checked(rows: 0, columns: 3, values: []), ty: [UInt8] = []
        for (s, n) in sizes.enumerated() {
            let shift = Double(s) - 1.5
            let (trainX, trainY) = try draw(n, shift: shift), (valX, valY) = try draw(n / 4, shift: shift), (testX, testY) = try draw(n / 2, shift: shift)
            sites.append(FederatedSite(name: "site\(s)", trainingInputs: trainX, trainingTargets: DenseTargets(binary: trainY),
                                       validationInputs: valX, validationTargets: DenseTargets(binary: valY)))
            tx = try tx.appending(rowsOf: testX); ty += testY
        }
        self.sites = sites; testX = tx; testY = ty
    }

    func accuracy(_ network: DenseNetwork, _ parameters: [Double]) throws -> Double {
        let p = try network.outputs(parameters: parameters, x: testX).values
        return Double(zip(p, testY).filter { ($0 >= 0.5) == ($1 == 1) }.count) / Double(testY.count)
    }
}

@Suite("Federated training")
struct FederatedTrainingTests {
    @Test("FedAvg on non-IID sites approaches the pooled model's accuracy")
    func fedAvgApproachesPooled() async throws {
        let data = try SyntheticFederation(seed: 1)
        let net = try DenseNetwork.logisticRegression(inputs: 3)
        let config = FederatedTrainingConfiguration(network: net, strategy: .fedAvg, rounds: 30, localEpochs: 1, learningRate: 0.05, batchSize: 16, seed: 4)
        let result = try await FederatedTraining.run(sites: data.sites, configuration: config)
        var pooledX = data.sites[0].trainingInputs, pooledY = data.sites[0].trainingTargets.values
        for site in data.sites.dropFirst() { pooledX = try pooledX.appending(rowsOf: site.trainingInputs); pooledY += site.trainingTargets.values }
        let pooled = try net.train(from: net.initialParameters(seed: 0), x: pooledX, targets: DenseTargets(rows: pooledX.rows, tasks: 1, values: pooledY),
                                   options: DenseTrainingOptions(epochs: 30, batchSize: 16, learningRate: 0.05, seed: 4))
        let federated = try data.accuracy(net, result.finalParameters), central = try data.accuracy(net, pooled.parameters)
        #expect(federated >= central - 0.03, "federated \(federated), pooled \(central)")
        #expect(central > 0.7)
        #expect(result.rounds.count == 30)
        let losses = result.rounds.map(\.validationLoss)
        #expect(losses.last ?? 1 < losses.first ?? 0)
        // FedAvg's reported weights are the sites' shares of the training rows.
        let rows = data.sites.map { Double($0.trainingInputs.rows) }, total = rows.reduce(0, +)
        for (w, n) in zip(result.rounds[0].weights, rows) { #expect(abs(w - n / total) < 1e-12) }
    }

    @Test("the same seed gives bit-identical parameters, another seed different ones",
          arguments: [Strategy.fedAvg, .fedProx(mu: 0.5), .scaffold(), .fedAdam(eta: 0.05), .fedYogi(), .fedAdagrad(eta: 0.05), .fedMedian, .trimmedMean(beta: 0.25), .krum(byzantine: 0, selected: 2)])
    func reproducible(strategy: Strategy) async throws {
        let data = try SyntheticFederation(seed: 2, sizes: [30, 50, 40, 20])
        let net = try DenseNetwork(inputs: 3, hidden: [4], heads: [.binary])
        func run(_ seed: UInt64) async throws -> FederatedTrainingResult {
            try await FederatedTraining.run(sites: data.sites, configuration: FederatedTrainingConfiguration(
                network: net, strategy: strategy, rounds: 4, learningRate: 0.05, batchSize: 8, seed: seed, participation: Participation(fraction: 0.75)))
        }
        let a = try await run(7), b = try await run(7), c = try await run(8)
        #expect(a == b)
        #expect(a.finalParameters != c.finalParameters)
        #expect(a.rounds.allSatisfy { $0.participants.count == 3 })
        #expect(a.rounds.allSatisfy { abs($0.weights.reduce(0, +) - 1) < 1e-9 })
    }

    @Test("Scaffold and the adaptive servers reach a useful model on non-IID sites",
          arguments: [Strategy.scaffold(), .fedProx(mu: 0.1), .fedAdam(eta: 0.03), .fedYogi(eta: 0.03), .fedAdagrad(eta: 0.03),
                      Strategy(name: "loss", weighting: .validationLoss(temperature: 0.2)), Strategy(name: "sim", weighting: .updateSimilarity(temperature: 0.5))])
    func strategiesLearn(strategy: Strategy) async throws {
        let data = try SyntheticFederation(seed: 3)
        let net = try DenseNetwork.logisticRegression(inputs: 3)
        let result = try await FederatedTraining.run(sites: data.sites, configuration: FederatedTrainingConfiguration(
            network: net, strategy: strategy, rounds: 25, learningRate: 0.05, batchSize: 16, seed: 1))
        #expect(try data.accuracy(net, result.bestParameters) > 0.7)
    }

    @Test("a straggler's update is dropped every round and its weight is 0")
    func straggler() async throws {
        let data = try SyntheticFederation(seed: 4, sizes: [20, 20, 20])
        let net = try DenseNetwork.logisticRegression(inputs: 3)
        let result = try await FederatedTraining.run(sites: data.sites, configuration: FederatedTrainingConfiguration(
            network: net, rounds: 3, batchSize: 8, seed: 1, deadline: 10, arrivalTimes: [1, 30, 2]))
        #expect(result.rounds.allSatisfy { $0.dropped == [1] && $0.weights[1] == 0 })
    }

    @Test("early stopping ends the run after `patience` rounds without improvement and keeps the best round")
    func earlyStopping() async throws {
        let data = try SyntheticFederation(seed: 5, sizes: [20, 20])
        let net = try DenseNetwork(inputs: 3, hidden: [32], heads: [.binary])
        let result = try await FederatedTraining.run(sites: data.sites, configuration: FederatedTrainingConfiguration(
            network: net, rounds: 300, localEpochs: 5, learningRate: 0.3, batchSize: 4, seed: 1, patience: 3))
        let stopped = try #require(result.stoppedRound), best = try #require(result.bestRound)
        #expect(stopped == best + 3)
        #expect(result.rounds.count == stopped)
        let bestLoss = result.rounds[best - 1].validationLoss
        #expect(result.rounds.allSatisfy { $0.validationLoss >= bestLoss })
    }

    @Test("a local-steps budget takes exactly that many steps per round and resumes the site's stream")
    func localSteps() async throws {
        let data = try SyntheticFederation(seed: 9, sizes: [10])
        let net = try DenseNetwork.logisticRegression(inputs: 3), start = net.initialParameters(seed: 3)
        let config = FederatedTrainingConfiguration(network: net, rounds: 2, localEpochs: 5, learningRate: 0.1, batchSize: 4, seed: 4,
                                                    initialParameters: start, localSteps: 7)
        let result = try await FederatedTraining.run(sites: data.sites, configuration: config)
        let site = data.sites[0], seed = SeedTree(4).partner(0).index(0).seed
        let byHand = try net.train(from: start, x: site.trainingInputs, targets: site.trainingTargets,
                                   options: DenseTrainingOptions(batchSize: 4, learningRate: 0.1, seed: seed, steps: 14))
        #expect(byHand.steps == 14)
        for k in start.indices { #expect(abs(result.finalParameters[k] - byHand.parameters[k]) < 1e-12, "parameter \(k)") }
    }

    @Test("a site whose training fails is reported with its cause")
    func localFailure() async throws {
        let data = try SyntheticFederation(seed: 6, sizes: [20, 20])
        let net = try DenseNetwork.logisticRegression(inputs: 3)
        do {
            _ = try await FederatedTraining.run(sites: data.sites, configuration: FederatedTrainingConfiguration(network: net, learningRate: -1))
            Issue.record("a negative learning rate was accepted")
        } catch {
            #expect(error.code == .localTraining && error.cause is DenseModelError)
        }
    }
}
