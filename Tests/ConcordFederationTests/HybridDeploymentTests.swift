import ConcordChem
import ConcordFederation
import ConcordML
import ConcordTesting
import Testing

/// A classifier that returns fixed probabilities (one per row, by row index).
private struct Fixed: ProbabilisticClassifier {
    var probabilities: [Double]
    func predictProbability(_ x: FingerprintMatrix) async -> [Double] { (0..<x.rowCount).map { probabilities[$0 % probabilities.count] } }
}

@Suite("Deployed model: a partner's hybrid or its teacher")
struct HybridDeploymentTests {
    static func mcc(_ model: any ProbabilisticClassifier, threshold: Double, on validation: (x: FingerprintMatrix, y: [UInt8])) async -> Double {
        Evaluation.metrics(truth: validation.y, probabilities: await model.predictProbability(validation.x), threshold: threshold).mcc ?? 0
    }

    @Test("the partner keeps its teacher when its validation MCC is higher, the hybrid when it is at least as high, and the teacher without both classes")
    func choose() async throws {
        let data = await Library.labelled()
        let x = data.features.rows(Array(0..<8)), y: [UInt8] = [1, 1, 1, 0, 0, 0, 0, 0]
        let perfect = Fixed(probabilities: [0.9, 0.8, 0.7, 0.2, 0.1, 0.3, 0.2, 0.1])
        let poor = Fixed(probabilities: [0.9, 0.2, 0.1, 0.8, 0.1, 0.3, 0.2, 0.1])
        let keep = await Hybrid.choose(hybrid: (poor, 0.5), teacher: (perfect, 0.5), validation: (x, y))
        #expect(keep.choice == .teacher)
        #expect(try #require(keep.teacherValidationMCC) > (try #require(keep.hybridValidationMCC)))
        let switchToHybrid = await Hybrid.choose(hybrid: (perfect, 0.5), teacher: (poor, 0.5), validation: (x, y))
        #expect(switchToHybrid.choice == .hybrid && switchToHybrid.validationSize == 8 && switchToHybrid.validationActives == 3)
        #expect(await Hybrid.choose(hybrid: (perfect, 0.5), teacher: (perfect, 0.5), validation: (x, y)).choice == .hybrid, "a tie keeps the hybrid")
        // One class only: no evidence either way, the partner keeps what it has.
        let oneClass = await Hybrid.choose(hybrid: (perfect, 0.5), teacher: (poor, 0.5), validation: (x, [UInt8](repeating: 0, count: 8)))
        #expect(oneClass.choice == .teacher && oneClass.hybridValidationMCC == nil)
        #expect(await Hybrid.choose(hybrid: (perfect, 0.5), teacher: (poor, 0.5), validation: nil).choice == .teacher)
        // Each model is judged at its own threshold: the poor model made good by a threshold of 0.85 ties the perfect one.
        let thresholded = await Hybrid.choose(hybrid: (Fixed(probabilities: [0.95, 0.9, 0.9, 0.8, 0.1, 0.3, 0.2, 0.1]), 0.85),
                                              teacher: (perfect, 0.5), validation: (x, y))
        #expect(thresholded.choice == .hybrid && thresholded.hybridValidationMCC == thresholded.teacherValidationMCC)
    }

    @Test("a hybrid taught wrong public labels is not deployed: the deployed model's validation MCC is at least the teacher's")
    func neverWorseThanTeacher() async throws {
        let data = await Library.labelled()
        let rows = Array(0..<data.count)
        let own = rows.filter { $0 % 6 == 1 }, validation = rows.filter { $0 % 6 == 2 }, publicRows = rows.filter { $0 % 6 == 3 }
        let forest = TrainingRecipe(model: .randomForest(ForestOptions(treeCount: 15, maxDepth: 8, classWeight: .balanced)))
        let ownData = (x: data.features.rows(own), y: own.map { data.labels[$0] })
        let valid = (x: data.features.rows(validation), y: validation.map { data.labels[$0] })
        let teacher = try await forest.train(ownData.x, labels: ownData.y, seed: 1).model
        let teacherMCC = await Self.mcc(teacher, threshold: 0.5, on: valid)
        #expect(teacherMCC > 0.5, "the teacher learns the rule: \(teacherMCC)")
        for (wrong, expected) in [(true, Hybrid.Choice.teacher), (false, nil)] {
            // The consortium's labels on the public molecules: the truth, or its opposite.
            let labels = publicRows.map { wrong ? 1 - data.labels[$0] : data.labels[$0] }
            let trained = try await Hybrid.train(own: ownData, selected: (data.features.rows(publicRows), labels), validation: valid,
                                                 teacher: (teacher, 0.5), options: Hybrid.Options(recipe: forest), seed: 2, drawSeed: 3)
            let deployment = try #require(trained.deployment)
            let hybridMCC = await Self.mcc(trained.model, threshold: trained.threshold, on: valid)
            #expect(deployment.hybridValidationMCC.map { abs($0 - hybridMCC) < 1e-12 } ?? false)
            #expect(deployment.teacherValidationMCC.map { abs($0 - teacherMCC) < 1e-12 } ?? false)
            if let expected { #expect(deployment.choice == expected, "hybrid \(hybridMCC), teacher \(teacherMCC)") }
            let deployedMCC = deployment.choice == .hybrid ? hybridMCC : teacherMCC
            #expect(deployedMCC >= teacherMCC)
            if wrong { #expect(hybridMCC < teacherMCC, "wrong labels make the hybrid worse: \(hybridMCC) vs \(teacherMCC)") }
        }
        // Without a teacher no choice is made (the hybrid alone, as before).
        let plain = try await Hybrid.train(own: ownData, selected: (data.features.rows(publicRows), publicRows.map { data.labels[$0] }),
                                           validation: valid, options: Hybrid.Options(recipe: forest), seed: 2, drawSeed: 3)
        #expect(plain.deployment == nil)
    }

    @Test("in a simulation every partner's deployed model D_i is its hybrid or its teacher, as chosen, and results.json records the choice",
          arguments: [false, true])
    func simulation(calibrated: Bool) async throws {
        let data = await Library.labelled()
        var settings = Library.settings
        settings.calibrateHybrids = calibrated
        let (results, runs) = try await Simulation.run(data: data, pool: Library.pool(data), datasetName: "library", settings: settings,
                                                       seeds: [3], version: "test")
        let run = try #require(runs.first)
        let truth = run.plan.test.map { data.labels[$0] }
        #expect(run.deployments.count == 3 && results.deployments.count == 3)
        for (i, d) in run.deployments.enumerated() {
            let deployed = try #require(run.models.first { $0.name == "D\(i + 1)" })
            let hybrid = try #require(run.models.first { $0.name == "H\(i + 1)" })
            let source = d.choice == .hybrid ? hybrid.name : "T\(i + 1)"
            let threshold = d.choice == .hybrid ? hybrid.threshold : d.teacherThreshold
            let expected = Evaluation.metrics(truth: truth, probabilities: try #require(run.testProbabilities[source]), threshold: threshold)
            #expect(deployed.role == .deployed && deployed.test == expected && deployed.threshold == threshold, "D\(i + 1) is \(d.choice)")
            if !calibrated { #expect(d.teacherThreshold == 0.5) }
            #expect((d.choice == .hybrid ? d.hybridValidationMCC ?? 0 : d.teacherValidationMCC ?? 0) >= d.teacherValidationMCC ?? 0)
            #expect(results.deployments[i].choiceBySeed == [d.choice] && results.deployments[i].deployed == "D\(i + 1)")
        }
        #expect(results.models.filter { $0.role == .hybrid }.count == 4, "H0…H3 are still reported")
    }

    @Test("a hybrid whose threshold is chosen on the validation molecules is compared with a teacher whose threshold is chosen there too")
    func fairComparison() async throws {
        let data = await Library.labelled()
        let rows = Array(0..<data.count)
        let own = rows.filter { $0 % 6 == 1 }, validation = rows.filter { $0 % 6 == 2 }, publicRows = rows.filter { $0 % 6 == 3 }
        let forest = TrainingRecipe(model: .randomForest(ForestOptions(treeCount: 15, maxDepth: 8, classWeight: .balanced)))
        let ownData = (x: data.features.rows(own), y: own.map { data.labels[$0] })
        let valid = (x: data.features.rows(validation), y: validation.map { data.labels[$0] })
        let teacher = try await forest.train(ownData.x, labels: ownData.y, seed: 1).model
        let trained = try await Hybrid.train(own: ownData, selected: (data.features.rows(publicRows), publicRows.map { 1 - data.labels[$0] }),
                                             validation: valid, teacher: (teacher, 0.5), options: Hybrid.Options(recipe: forest, calibrate: true),
                                             seed: 2, drawSeed: 3)
        let deployment = try #require(trained.deployment)
        let best = FederatedCalibration.choose(FederatedCalibration.counts(truth: valid.y, probabilities: await teacher.predictProbability(valid.x)))
        #expect(deployment.teacherThreshold == best)
        let atHalf = await Self.mcc(teacher, threshold: 0.5, on: valid)
        #expect(try #require(deployment.teacherValidationMCC) >= atHalf, "the calibrated teacher is at least the teacher at 0.5")
        let deployedMCC = deployment.choice == .hybrid ? deployment.hybridValidationMCC ?? 0 : deployment.teacherValidationMCC ?? 0
        #expect(deployedMCC >= atHalf)
    }
}
