/// The distillation job kind's phases: partners annotate a public transfer set with their
/// teachers, the coordinator federates the annotations into a consensus, trains and publishes a
/// student, and partners calibrate its threshold and evaluate it on their private data.
///
/// created → [screening] → transfer-ready → annotations-collected → federated → student-trained →
/// [threshold-calibrated] → student-published → evaluations-collected → complete.
///
/// Screening (partners screen a larger pool so the transfer set is chosen near their domains) is
/// skipped by a job without a pool; calibration is skipped by a job published at threshold 0.5.
/// The phase names are durable: they are in every coordinator database.
public enum DistillationJob {
    /// The kind's name in the store and on the wire.
    public static let name = "distillation"

    /// The coordinator drew the pool and waits for partners' screenings (distances only).
    public static let screening: JobPhase = "screening"
    /// The transfer set is out; partners annotate it.
    public static let transferReady: JobPhase = "transfer-ready"
    /// Enough annotations are in to federate.
    public static let annotationsCollected: JobPhase = "annotations-collected"
    /// The consensus is stored.
    public static let federated: JobPhase = "federated"
    /// The student is trained; partners send calibration counts.
    public static let studentTrained: JobPhase = "student-trained"
    /// The threshold is chosen from the partners' counts.
    public static let thresholdCalibrated: JobPhase = "threshold-calibrated"
    /// The student and its threshold are published; partners evaluate it.
    public static let studentPublished: JobPhase = "student-published"
    /// Enough evaluations are in to write the report.
    public static let evaluationsCollected: JobPhase = "evaluations-collected"

    /// Partners' chunked uploads.
    public enum Upload {
        /// Distances of the screening pool to a partner's domain.
        public static let screening = "screening"
        /// A partner teacher's annotations of the transfer set.
        public static let annotation = "annotation"
    }

    /// Partners' one-shot submissions.
    public enum Submission {
        /// A partner's confusion counts of the student over the candidate thresholds.
        public static let calibration = "calibration"
        /// A partner's evaluation report of the published student.
        public static let evaluation = "evaluation"
    }

    /// The kind's phases, what they collect, and their titles.
    public static let descriptor = JobKindDescriptor(
        name: name,
        phases: [.created, screening, transferReady, annotationsCollected, federated, studentTrained,
                 thresholdCalibrated, studentPublished, evaluationsCollected, .complete],
        skippable: [screening, thresholdCalibrated],
        uploads: [screening: [Upload.screening], transferReady: [Upload.annotation]],
        submissions: [Submission.calibration: studentTrained, Submission.evaluation: studentPublished],
        titles: [.created: "created", screening: "screening pool distributed", transferReady: "transfer set distributed",
                 annotationsCollected: "annotations collected", federated: "federated", studentTrained: "student trained",
                 thresholdCalibrated: "threshold calibrated", studentPublished: "student published",
                 evaluationsCollected: "evaluations collected", .complete: "complete", .cancelled: "cancelled", .failed: "failed"])

    /// The number status pages and the metrics endpoint (`concord_job_state`) give a phase: its
    /// place in a job's normal life, 1 (created) … 9 (complete), then 10 cancelled, 11 failed and
    /// 12 screening (numbered last because it was added last); 0 for a phase the kind does not
    /// have. The numbers are durable: dashboards read them.
    public static func statusNumber(_ phase: JobPhase) -> Int {
        switch phase {
        case .created: 1
        case transferReady: 2
        case annotationsCollected: 3
        case federated: 4
        case studentTrained: 5
        case thresholdCalibrated: 6
        case studentPublished: 7
        case evaluationsCollected: 8
        case .complete: 9
        case .cancelled: 10
        case .failed: 11
        case screening: 12
        default: 0
        }
    }
}
