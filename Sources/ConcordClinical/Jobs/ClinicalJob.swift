public import ConcordFederation

/// The clinical job kind's phases: hospitals summarise their training tables for federated
/// preprocessing, train one model in rounds (each round every site trains from the global model
/// and sends its update; the coordinator aggregates with the job's strategy), then evaluate the
/// final model on their test rows and send counts.
///
/// created → summaries → training → evaluation → complete.
///
/// Training stays in one phase for all its rounds: a round is the number of a site's `update`
/// chunk, and the round the job waits for is in the kind's view. The phase names are durable.
public enum ClinicalJob {
    /// The kind's name in the store and on the wire.
    public static let name = "clinical"

    /// Sites send their feature summaries (counts, means, sums of squared deviations).
    public static let summaries: JobPhase = "summaries"
    /// Rounds of local training and aggregation.
    public static let training: JobPhase = "training"
    /// The final model is published; sites send its evaluation counts.
    public static let evaluation: JobPhase = "evaluation"

    /// Sites' chunked uploads.
    public enum Upload {
        /// A site's training-table summary (one chunk).
        public static let summary = "summary"
        /// A site's update for one round (chunk index = the round).
        public static let update = "update"
    }

    /// Sites' one-shot submissions.
    public enum Submission {
        /// A site's evaluation counts of the final model on its test rows.
        public static let evaluation = "evaluation"
    }

    /// The artifacts the coordinator publishes to sites.
    public enum Artifact {
        /// The global means and scales (global normalisation).
        public static let preprocessing = "preprocessing"
        /// The final model.
        public static let model = "model"
        /// The global model round `r` starts from.
        public static func round(_ r: Int) -> String { "round-" + RoundNames.padded(r) }
    }

    /// The kind's phases, what they collect, and their titles.
    public static let descriptor = JobKindDescriptor(
        name: name,
        phases: [.created, summaries, training, evaluation, .complete],
        uploads: [summaries: [Upload.summary, SecureSumNames.identity], training: Set([Upload.update] + SecureSumNames.uploads)],
        submissions: [Submission.evaluation: evaluation],
        titles: [.created: "created", summaries: "collecting feature summaries", training: "training",
                 evaluation: "evaluating the final model", .complete: "complete", .cancelled: "cancelled", .failed: "failed"])

    /// The number status pages and the metrics endpoint give a phase: 1 created … 5 complete,
    /// 10 cancelled, 11 failed (as for distillation), 0 for a phase the kind does not have.
    public static func statusNumber(_ phase: JobPhase) -> Int {
        switch phase {
        case .created: 1
        case summaries: 2
        case training: 3
        case evaluation: 4
        case .complete: 9
        case .cancelled: 10
        case .failed: 11
        default: 0
        }
    }
}
