import ConcordChem
import ConcordFederation
import ConcordML
import ConcordWire
import Foundation

/// A regression job at a partner: the regression teacher (the regressor of the node's `teacher`
/// setting) annotates predicted values; the published student is a regressor, so nothing is
/// calibrated; student, teacher and hybrid are measured against our own measured values (RMSE,
/// MAE, R², Spearman, Pearson).
struct RegressionPartnerTask: PartnerDistillationTask {
    var prediction: String { "predicted value" }
    var calibrates: Bool { false }
    var metricsName: String { "regression metrics" }

    /// The regressor a node's `teacher` setting names.
    /// - Throws: ``NodeError`` (`configuration`) for a teacher that cannot regress.
    static func regressor(_ teacher: String) throws(NodeError) -> RegressionRecipe {
        guard let recipe = RegressionRecipe.named(teacher) else {
            throw NodeError("teacher '\(teacher)' cannot regress a value; a regression job needs rf, mlp or knn", code: .configuration,
                            context: .init(field: "teacher"))
        }
        return recipe
    }

    func describe(training: PrivateData.Part) -> String { "\(training.count) training (measured values)" }

    func teach(_ work: PartnerWork, transfer: FingerprintMatrix, keys: [MoleculeIdentityKey],
               reliability: Bool) async throws(FederationError) -> (teacher: any Regressor, chunks: [Concord_V2_AnnotationPayload], log: String) {
        let data = work.data
        let teacher = try await RegressionTeacher.train(partner: work.partner, features: data.train.features, values: try work.values(data.train, "training"),
                                                        keys: data.train.keys, recipe: work.regressor, domain: DomainSettings(), seeds: SeedTree(work.seed),
                                                        parallelism: work.parallelism)
        let annotation = try await teacher.annotate(transfer, keys: keys, guard: work.selfGuard, parallelism: work.parallelism)
        return (teacher.model, Chunking.annotationChunks(annotation),
                "annotated \(annotation.values.count) public molecules with predicted values (abstained on \(annotation.abstentionCount) of our own)")
    }

    func retrainTeacher(_ work: PartnerWork) async throws(FederationError) -> any Regressor {
        try await work.regressor.train(work.data.train.features, values: try work.values(work.data.train, "training"),
                                       seed: SeedTree(work.seed).stage(.teacher).seed, parallelism: work.parallelism).model
    }

    func encode(teacher: any Regressor) -> Data? { try? StudentCodec.encode(regressor: teacher) }
    func decodeTeacher(_ data: Data) -> (any Regressor)? { try? StudentCodec.decodeRegressor(data) }

    func student(_ data: Data, job: String) throws(NodeError) -> any Regressor {
        do { return try StudentCodec.decodeRegressor(data) }
        catch { throw NodeError("the student model", code: .integrity, context: .init(job: job), cause: error) }
    }

    /// The selection must give a consensus value for each of its rows, all within the transfer set.
    func check(_ selection: Concord_V2_StudentSelection, transferRows: Int, job: String) throws(NodeError) {
        guard selection.values.count == selection.rows.count, selection.rows.allSatisfy({ Int($0) < transferRows }) else {
            throw NodeError("the student's selection holds \(selection.values.count) values for \(selection.rows.count) rows", code: .integrity, context: .init(job: job))
        }
    }

    /// A regressor has no threshold: nothing is calibrated.
    func calibrationCounts(_ work: PartnerWork, student: any Regressor, thresholds: [Double]) async -> ThresholdCounts? { nil }

    func threshold(_ published: Concord_V2_DistillationView) -> Double { 0 }

    /// The student, our teacher and, when asked, our hybrid (our measured values plus the
    /// student's selection with its consensus values, trained with our teacher's recipe, as the
    /// simulation's ``RegressionTask`` builds hybrids) measured on our test and validation values.
    func evaluate(_ work: PartnerWork, student: any Regressor, teacher: any Regressor, threshold: Double, studentRows: Int, selection: [Int],
                  consensus: [Double], transfer: FingerprintMatrix, hybrid build: Bool) async throws(FederationError) -> [PartnerWork.Outcome] {
        let data = work.data
        let test = try work.values(data.test, "test"), validation = try work.values(data.validation, "validation")
        typealias Candidate = PartnerWork.Candidate<any Regressor>
        return try await work.evaluate(student: student, threshold: threshold, studentRows: studentRows, teacher: teacher, selection: selection,
                                       transfer: transfer, hybrid: build, hybrids: { (selected) async throws(FederationError) -> [Candidate] in
            guard selection.count == consensus.count else { return [] }
            var features = data.train.features
            features.append(contentsOf: selected)
            let model = try await work.regressor.train(features, values: try work.values(data.train, "training") + consensus,
                                                       seed: SeedTree(work.seed).stage(.hybrid).seed, parallelism: work.parallelism)
            return [Candidate(name: "hybrid", model: model.model, trainSize: model.rows)]
        }, measure: { candidate in
            let t = RegressionMetrics.measure(truth: test, predicted: await candidate.model.predict(data.test.features))
            let v = RegressionMetrics.measure(truth: validation, predicted: await candidate.model.predict(data.validation.features))
            return PartnerWork.Outcome(model: candidate.name, trainSize: candidate.trainSize, test: MetricSet(n: t.n) { _ in nil },
                                       validation: MetricSet(n: v.n) { _ in nil }, regressionTest: t, regressionValidation: v)
        })
    }

    func testLine(_ o: PartnerWork.Outcome) -> String {
        "\(o.model) on our test set: RMSE \(text(o.regressionTest?.rmse)), R² \(text(o.regressionTest?.r2)), Spearman \(text(o.regressionTest?.spearman))"
    }
}
