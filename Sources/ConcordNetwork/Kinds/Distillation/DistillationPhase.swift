import ConcordFederation
import ConcordStorage
import ConcordWire

/// Wire protocol v1's `JobState` numbers for the distillation kind's phases
/// (``ConcordFederation/DistillationJob``): one store name per state, so that v1 messages carry
/// the state while the store and the job machine know only the kind's phase names.
///
/// The names are durable (they are in every coordinator database); the store's v3 migration
/// gives a job written before phases existed the same name for its state.
enum DistillationPhase {
    /// The job kind's name in the store.
    static let kind = DistillationJob.name

    /// The store's name for `state`.
    static func name(_ state: Concord_V1_JobState) -> String {
        switch state {
        case .unspecified, .UNRECOGNIZED: "unspecified"
        case .created: "created"
        case .screening: "screening"
        case .transferReady: "transfer-ready"
        case .annotationsCollected: "annotations-collected"
        case .federated: "federated"
        case .studentTrained: "student-trained"
        case .thresholdCalibrated: "threshold-calibrated"
        case .studentPublished: "student-published"
        case .evaluationsCollected: "evaluations-collected"
        case .complete: "complete"
        case .cancelled: "cancelled"
        case .failed: "failed"
        }
    }

    /// The state a stored phase name stands for (``Concord_V1_JobState/unspecified`` for a name it does not know).
    static func state(_ phase: String) -> Concord_V1_JobState {
        byName[phase] ?? .unspecified
    }

    private static let byName: [String: Concord_V1_JobState] = Dictionary(
        Concord_V1_JobState.allCases.map { (name($0), $0) }, uniquingKeysWith: { first, _ in first })
}

extension JobRecord {
    /// The job's state, numbered as wire protocol v1 numbers it (from its distillation phase).
    var state: Int { DistillationPhase.state(phase).rawValue }
}
