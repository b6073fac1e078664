public import ConcordChem
public import ConcordFederation
public import ConcordML

/// A regression job's work at a partner: the regression teacher and its annotation (predicted
/// values), and the evaluation of the student, the teacher and the hybrid on our measured values.
/// There is no threshold, so nothing is calibrated.
extension PartnerWork {
    /// Our measured values of a part. - Throws: ``FederationError/invalidData(_:)`` when the data were not loaded for regression.
    func values(_ part: PrivateData.Part, _ name: String) throws(FederationError) -> [Double] {
        guard let values = part.values, values.count == part.count else {
            throw .invalidData("the \(name) molecules carry no measured values (the data were not loaded for a regression job)")
        }
        return values
    }

    /// Trains the regression teacher on our measured values and annotates the transfer set with
    /// predicted values (abstaining on our own molecules), as ``teach(transfer:keys:reliability:)`` does for classification.
    public func teachRegression(transfer: FingerprintMatrix, keys: [MoleculeIdentityKey]) async throws(FederationError) -> (teacher: any Regressor, annotation: RegressionAnnotation) {
        let teacher = try await RegressionTeacher.train(partner: partner, features: data.train.features, values: try values(data.train, "training"),
                                                        keys: data.train.keys, recipe: regressor, domain: DomainSettings(), seeds: SeedTree(seed),
                                                        parallelism: parallelism)
        let annotation = try await teacher.annotate(transfer, keys: keys, guard: selfGuard, parallelism: parallelism)
        return (teacher.model, annotation)
    }

    /// The regression teacher again, from the same seed (the same model as ``teachRegression(transfer:keys:)``'s).
    public func retrainRegressionTeacher() async throws(FederationError) -> any Regressor {
        try await regressor.train(data.train.features, values: try values(data.train, "training"), seed: SeedTree(seed).stage(.teacher).seed,
                                  parallelism: parallelism).model
    }

    /// The student, our teacher and, when asked, our hybrid (our measured values plus the
    /// student's selection with its consensus values, trained with our teacher's recipe, as the
    /// simulation's ``RegressionTask`` builds hybrids) measured on our test and validation values.
    public func evaluateRegression(student: any Regressor, studentRows: Int, teacher: any Regressor, selection: [Int], consensus: [Double],
                                   transfer: FingerprintMatrix, hybrid build: Bool) async throws(FederationError) -> [Outcome] {
        let test = try values(data.test, "test"), validation = try values(data.validation, "validation")
        var outcomes: [Outcome] = []
        func add(_ name: String, _ model: any Regressor, trainSize: Int) async {
            let t = RegressionMetrics.measure(truth: test, predicted: await model.predict(data.test.features))
            let v = RegressionMetrics.measure(truth: validation, predicted: await model.predict(data.validation.features))
            outcomes.append(Outcome(model: name, trainSize: trainSize, test: MetricSet(n: t.n) { _ in nil }, validation: MetricSet(n: v.n) { _ in nil },
                                    regressionTest: t, regressionValidation: v))
        }
        await add("student", student, trainSize: studentRows)
        await add("teacher", teacher, trainSize: data.train.count)
        if build, !selection.isEmpty, selection.count == consensus.count {
            var features = data.train.features
            features.append(contentsOf: transfer.rows(selection))
            let model = try await regressor.train(features, values: try values(data.train, "training") + consensus,
                                                  seed: SeedTree(seed).stage(.hybrid).seed, parallelism: parallelism)
            await add("hybrid", model.model, trainSize: model.rows)
        }
        return outcomes
    }
}
