import ConcordChem
import ConcordFederation
import ConcordML
import ConcordWire
import Foundation

/// What a distillation job's task changes in a partner's work, and nothing else: how the teacher is
/// trained and annotates (the payload chunks), whether the student is calibrated, how the student
/// is read, and how student, teacher and hybrid are measured on our own data. ``DistillationPartner``
/// runs one path for every task and asks its task for these.
///
/// ``ClassificationPartnerTask`` and ``RegressionPartnerTask`` are the two tasks.
protocol PartnerDistillationTask: Sendable {
    /// The teacher trained here (kept in the node's store once made).
    associatedtype TeacherModel: Sendable
    /// The student the coordinator publishes.
    associatedtype StudentModel: Sendable

    /// What the teacher's annotation predicts per molecule, in words ("P(active)", "predicted value").
    var prediction: String { get }
    /// Whether the student is calibrated on our validation molecules (a regressor has no threshold to calibrate).
    var calibrates: Bool { get }
    /// How the evaluation submission names its aggregates ("metrics", "regression metrics").
    var metricsName: String { get }

    /// Our training molecules, in words, for the log.
    func describe(training: PrivateData.Part) -> String

    /// Trains the teacher on our training molecules and annotates the transfer set (abstaining on
    /// our own molecules): the teacher, the annotation's chunks and a log line about it.
    /// - Parameter reliability: also measure the teacher's reliability and send it (classification only).
    func teach(_ work: PartnerWork, transfer: FingerprintMatrix, keys: [MoleculeIdentityKey],
               reliability: Bool) async throws(FederationError) -> (teacher: TeacherModel, chunks: [Concord_V2_AnnotationPayload], log: String)

    /// The teacher again, from the same seed (the same model as ``teach(_:transfer:keys:reliability:)``'s).
    func retrainTeacher(_ work: PartnerWork) async throws(FederationError) -> TeacherModel

    /// The teacher as the node keeps it, or nil when it cannot be saved.
    func encode(teacher: TeacherModel) -> Data?
    /// A kept teacher, or nil when it does not decode.
    func decodeTeacher(_ data: Data) -> TeacherModel?

    /// The published student, read from its artifact. - Throws: ``NodeError`` (`integrity`) for a student that does not decode.
    func student(_ data: Data, job: String) throws(NodeError) -> StudentModel

    /// Checks the student's selection against the transfer set's `transferRows` molecules.
    /// - Throws: ``NodeError`` (`integrity`) for a selection the task cannot use.
    func check(_ selection: Concord_V2_StudentSelection, transferRows: Int, job: String) throws(NodeError)

    /// Confusion counts of `student` on our validation molecules, or nil when the task calibrates nothing.
    func calibrationCounts(_ work: PartnerWork, student: StudentModel, thresholds: [Double]) async -> ThresholdCounts?

    /// The threshold the published job gives the student (0 when the task has none).
    func threshold(_ published: Concord_V2_DistillationView) -> Double

    /// The student, our teacher and, when asked, our hybrid (and the model we deploy) measured on our
    /// test and validation molecules. `consensus` holds the selection's consensus values (regression).
    func evaluate(_ work: PartnerWork, student: StudentModel, teacher: TeacherModel, threshold: Double, studentRows: Int, selection: [Int],
                  consensus: [Double], transfer: FingerprintMatrix, hybrid build: Bool) async throws(FederationError) -> [PartnerWork.Outcome]

    /// One model's test metrics, in words, for the log.
    func testLine(_ outcome: PartnerWork.Outcome) -> String
}

extension PartnerDistillationTask {
    /// A metric for the log: three decimals, or a dash when undefined.
    func text(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "—" }
}
