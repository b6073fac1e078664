public import GRPCCore
import ConcordChem
import ConcordFederation
import ConcordML
import ConcordStorage
import ConcordWire
import Logging
import SwiftProtobuf
import Foundation

/// A regression job's steps at a partner: the regression teacher annotates predicted values;
/// the published student is a regressor, so nothing is calibrated; student, teacher and hybrid
/// are measured against our own measured values (RMSE, MAE, R², Spearman, Pearson).
extension DistillationPartner {
    /// The regressor a node's `teacher` setting names for a regression job (nil for a classification job).
    /// - Throws: ``NodeError`` (`configuration`) for a teacher that cannot regress.
    static func regressor(_ teacher: String, task: ModelTask) throws(NodeError) -> RegressionRecipe? {
        guard task == .regression else { return nil }
        guard let recipe = RegressionRecipe.named(teacher) else {
            throw NodeError("teacher '\(teacher)' cannot regress a value; a regression job needs rf, mlp or knn", code: .configuration,
                            context: .init(field: "teacher"))
        }
        return recipe
    }

    /// Trains the regression teacher, annotates the transfer set and keeps the teacher and the chunks.
    func annotateRegression<Transport>(_ session: NodeSession<Transport>, jobID: String, work: PartnerWork,
                                       transfer: (features: FingerprintMatrix, keys: [MoleculeIdentityKey])) async throws -> [Concord_V2_AnnotationPayload] {
        let (teacher, annotation) = try await work.teachRegression(transfer: transfer.features, keys: transfer.keys)
        if let encoded = try? StudentCodec.encode(regressor: teacher) { try await session.store.put("teacher", job: jobID, data: encoded) }
        let chunks = Chunking.annotationChunks(annotation)
        for chunk in chunks { try await session.store.put(String(format: "annotation/%06d", Int(chunk.index)), job: jobID, data: try chunk.serializedBytes()) }
        session.logger.info("annotated \(annotation.values.count) public molecules with predicted values (abstained on \(annotation.abstentionCount) of our own)")
        return chunks
    }

    /// Fetches the regression student and its selection, measures student, teacher and hybrid on
    /// our own values, submits the aggregates and waits for the job to complete.
    func evaluateRegression<Transport>(_ session: NodeSession<Transport>, _ trained: Concord_V2_JobView, work: PartnerWork,
                                       transfer: FingerprintMatrix) async throws -> NodeOutcome {
        let jobID = trained.jobID, data = work.data
        let studentData = try await session.artifact("student", view: trained)
        let student: any Regressor
        do { student = try StudentCodec.decodeRegressor(studentData) }
        catch { throw NodeError("the student model", code: .integrity, context: .init(job: jobID), cause: error) }
        let selection = try await fetchSelection(session, trained)
        guard selection.values.count == selection.rows.count, selection.rows.allSatisfy({ Int($0) < transfer.rowCount }) else {
            throw NodeError("the student's selection holds \(selection.values.count) values for \(selection.rows.count) rows", code: .integrity, context: .init(job: jobID))
        }
        let view = try await wait(session, for: DistillationJob.studentPublished, view: try await session.refreshed(jobID))
        let stored = try await session.store.get("teacher", job: jobID).flatMap { try? StudentCodec.decodeRegressor($0) }
        let teacher = if let stored { stored } else { try await work.retrainRegressionTeacher() }
        let outcomes = try await work.evaluateRegression(student: student, studentRows: selection.rows.count, teacher: teacher,
                                                         selection: selection.rows.map { Int($0) }, consensus: selection.values,
                                                         transfer: transfer, hybrid: session.config.hybrid ?? true)
        let report = PartnerWork.report(outcomes)
        if !view.submissions.contains(DistillationJob.Submission.evaluation) {
            let ack = try await session.submit(DistillationJob.Submission.evaluation, job: jobID, payload: report,
                                               summary: "aggregate regression metrics of \(report.models.map(\.model).joined(separator: ", ")) on \(data.test.count) test and \(data.validation.count) validation molecules")
            session.logger.info("evaluation: \(ack.message)")
        }
        func text(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "—" }
        for o in outcomes {
            session.logger.info("\(o.model) on our test set: RMSE \(text(o.regressionTest?.rmse)), R² \(text(o.regressionTest?.r2)), Spearman \(text(o.regressionTest?.spearman))")
        }
        let final = try await wait(session, for: .complete, view: try await session.refreshed(jobID))
        var outcome = session.outcome(jobID: jobID, state: final.phase, metrics: outcomes.map { (model: $0.model, test: $0.test, validation: $0.validation) })
        outcome.regressionMetrics = outcomes.compactMap { o in
            guard let test = o.regressionTest, let validation = o.regressionValidation else { return nil }
            return (model: o.model, test: test, validation: validation)
        }
        return outcome
    }
}
