public import ConcordChem
public import ConcordML

extension ClassificationTask {
    /// Selects the student's molecules from the consensus (by the settings' mode) and distils it
    /// (hard or soft labels, teacher heads), as the coordinator of a job does.
    public static func distil(_ consensus: Consensus, annotations: [Annotation], transfer: FingerprintMatrix, settings: SimulationSettings,
                              seeds: SeedTree, parallelism: Int) async throws(FederationError) -> (selection: StudentSelection, model: any ProbabilisticClassifier) {
        let selection = try await StudentSelection.select(consensus, mode: settings.selection, size: settings.studentSize,
                                                          seed: seeds.stage(.selection).seed, features: transfer)
        let model = try await StudentTraining.fit(recipe: settings.student, softLabels: settings.softLabels, teacherHeads: settings.teacherHeads,
                                                  soft: settings.soft, consensus: consensus, annotations: annotations, selection: selection,
                                                  transfer: transfer, seed: seeds.stage(.student).seed, parallelism: parallelism)
        return (selection, model)
    }

    /// The coordinator selects from the chosen consensus and distils S-F*k* (and, with
    /// `singleTeacherStudents`, one student per teacher), each at its federated-calibration threshold.
    public static func students(_ s: StageInput<Self>, consensus: [FederationScheme: Consensus]) async throws(FederationError) -> StudentStage<Self> {
        let settings = s.settings, par = settings.parallelism, k = s.partnerCount, transfer = s.transfer, tree = s.tree
        let names = (0...k).map { "T\($0)" }
        let (validX, validY) = s.validation
        let annotations = Array(s.annotations.dropFirst())
        guard let chosen = consensus[settings.scheme] else { throw .invalidSetting("unknown scheme") }
        var predictions: [TrainedEntry<Self>] = []
        /// A single teacher's student (S-T*i*), a simulation-only oracle beside the federated one.
        func distilSingle(_ consensus: Consensus, _ pick: StudentSelection, seed: UInt64) async throws(FederationError) -> any ProbabilisticClassifier {
            try await StudentTraining.fit(recipe: settings.student, softLabels: settings.softLabels, teacherHeads: settings.teacherHeads,
                                          soft: settings.soft, consensus: consensus, annotations: [], selection: pick, transfer: transfer.features,
                                          seed: seed, parallelism: par)
        }
        // Which partner holds each validation molecule (its nearest partner molecule), for federated calibration.
        var validationOwner: [Int] = []
        // (Hybrids always need it: each partner chooses between its hybrid and its teacher on its own validation molecules.)
        if settings.calibrate || settings.calibrateHybrids || settings.hybrids, !s.plan.validation.isEmpty {
            let owners = s.plan.partners.enumerated().flatMap { p, rows in rows.map { ($0, p) } }
            do {
                let nearest = try await NeighborSearch.kNearest(queries: validX, references: s.data.features.rows(owners.map(\.0)), k: 1,
                                                                metric: .tanimoto, parallelism: par)
                validationOwner = nearest.indices.map { owners[Int($0)].1 }
            } catch { throw .invalidData("cannot assign validation molecules to partners", cause: error) }
        }
        func calibrated(_ model: any ProbabilisticClassifier) async throws(FederationError) -> Double {
            guard settings.calibrate, !validationOwner.isEmpty else { return 0.5 }  // (owners may exist for the hybrids alone)
            let p = await model.predictProbability(validX)
            var parts: [ThresholdCounts] = []
            for partner in 0..<k {  // each partner scores its own validation molecules and returns counts only
                let mine = validationOwner.indices.filter { validationOwner[$0] == partner }
                parts.append(FederatedCalibration.counts(truth: mine.map { validY[$0] }, probabilities: mine.map { p[$0] }))
            }
            return FederatedCalibration.choose(try FederatedCalibration.sum(FederatedCalibration.capped(parts).parts))
        }
        let studentCount = settings.singleTeacherStudents ? k + 2 : 1
        s.report("students", 0, studentCount)
        let (selection, student) = try await distil(chosen, annotations: annotations, transfer: transfer.features, settings: settings,
                                                    seeds: tree, parallelism: par)
        predictions.append(TrainedEntry("S-F\(k)", .student, selection.rows.count, student, threshold: try await calibrated(student)))
        if settings.singleTeacherStudents {
            for (i, annotation) in s.annotations.enumerated() {
                s.report("students", i + 1, studentCount)
                let single = Consensus(scheme: .uniform, partners: [annotation.partner], probabilities: annotation.probabilities,
                                       contributions: [Double(annotation.probabilities.count)])
                let pick = try await StudentSelection.select(single, mode: settings.selection, size: settings.studentSize,
                                                             seed: tree.stage(.selection).seed, features: transfer.features)
                let model = try await distilSingle(single, pick, seed: tree.stage(.singleTeacherStudents).index(i).seed)
                predictions.append(TrainedEntry("S-\(names[i])", .student, pick.rows.count, model, threshold: try await calibrated(model)))
            }
        }
        s.report("students", studentCount, studentCount)
        return StudentStage(selection: selection, trained: predictions, state: StudentState(student: student, validationOwner: validationOwner))
    }

    /// Partners build hybrids (own data plus the student's selection with consensus labels); each
    /// partner but T0 deploys its hybrid or its teacher, whichever is better on its validation molecules.
    public static func hybrids(_ s: StageInput<Self>, students: StudentStage<Self>) async throws(FederationError) -> HybridStage<Self> {
        let settings = s.settings, k = s.partnerCount, data = s.data, selection = students.selection
        guard settings.hybrids else { return HybridStage() }
        let (validX, validY) = s.validation
        let student = students.state.student, validationOwner = students.state.validationOwner
        var stage = HybridStage<Self>()
        var deployed: [TrainedEntry<Self>] = []
        let selectedX = s.transfer.features.rows(selection.rows)
        // The student's probabilities on its selection, once, for whichever hybrid needs them.
        let studentProbabilities = settings.hybridLabelsFromStudent || settings.hybridModel == .fineTunedStudent
            ? await student.predictProbability(selectedX) : []
        var publicLabels = selection.labels
        if settings.hybridLabelsFromStudent, let threshold = students.trained.first?.threshold {
            publicLabels = studentProbabilities.map { $0 > threshold ? 1 : 0 }
        }
        for (i, rows) in s.partnerRows.enumerated() {
            s.report("hybrids", i, k + 1)
            // The partner's own validation molecules (all of them for H0, the union of the partners' data).
            let mine = i == 0 ? Array(validY.indices) : validationOwner.indices.filter { validationOwner[$0] == i - 1 }
            // A partner (not H0, the simulation's reference) deploys its hybrid or its teacher, whichever is better on its validation molecules.
            let own = i == 0 ? nil : (model: s.teachers[i].model, threshold: 0.5)
            let branch = Simulation.partnerSeeds(s.tree, i)
            let hybrid = try await Hybrid.train(own: (data.features.rows(rows), rows.map { data.labels[$0] }), selected: (selectedX, publicLabels),
                                                student: (student, studentProbabilities), validation: (validX.rows(mine), mine.map { validY[$0] }),
                                                teacher: own, options: Hybrid.Options(settings),
                                                seed: branch.stage(.hybrid).seed, drawSeed: branch.stage(.hybridDraw).seed,
                                                parallelism: settings.parallelism)
            stage.trained.append(TrainedEntry("H\(i)", .hybrid, hybrid.rows, hybrid.model, threshold: hybrid.threshold))
            if let deployment = hybrid.deployment {
                stage.deployments.append(deployment)
                let minority = min(deployment.validationActives, deployment.validationSize - deployment.validationActives)
                if deployment.validationSize < SizeCheck.Minimums.comfortable.validationMolecules / 2 || minority < SizeCheck.Minimums.comfortable.perClass / 2 {
                    stage.warnings.append("partner T\(i) holds \(deployment.validationSize) validation molecules (\(deployment.validationActives) active): "
                        + "its choice between hybrid and teacher rests on little evidence")
                }
                deployed.append(deployment.choice == .hybrid
                    ? TrainedEntry("D\(i)", .deployed, hybrid.rows, hybrid.model, threshold: hybrid.threshold)
                    : TrainedEntry("D\(i)", .deployed, s.teachers[i].trainSize, s.teachers[i].model, threshold: deployment.teacherThreshold))
            }
        }
        stage.trained += deployed
        s.report("hybrids", k + 1, k + 1)
        return stage
    }
}
