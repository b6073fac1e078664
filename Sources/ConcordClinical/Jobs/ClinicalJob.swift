public import ConcordFederation
import ConcordErrors

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
        /// A site that cannot take part, with the reason's code (``Withdrawal``), sent instead of its summary.
        public static let withdrawal = "withdrawal"
    }

    /// Why a site withdraws from a clinical job: a code from a fixed list, so that nothing from the
    /// site's table (a value, a row, a column it holds) is in what it sends.
    public enum Withdrawal: String, CaseIterable, Sendable {
        /// The table cannot satisfy a variable the schema requires.
        case requiredVariable = "required_variable"
        /// The site's mapping does not fit the job's schema.
        case invalidMapping = "invalid_mapping"
        /// The job's schema is not the one the site agreed to.
        case schema
        /// The export cannot be read or parsed.
        case unreadable
        /// The table exceeds the limits.
        case tooLarge = "too_large"
        /// The rows cannot be split into training and test rows.
        case invalidSplit = "invalid_split"
        /// The site's node is not set up for this job (its configuration lacks what the job needs).
        case configuration

        /// What the operator reads.
        public var explanation: String {
            switch self {
            case .requiredVariable: "its table cannot satisfy a variable the schema requires"
            case .invalidMapping: "its mapping does not fit the job's schema"
            case .schema: "the job's schema is not the one it agreed to"
            case .unreadable: "its export cannot be read"
            case .tooLarge: "its table exceeds the size limits"
            case .invalidSplit: "its rows cannot be split into training and test rows"
            case .configuration: "its node is not set up for this job"
            }
        }

        /// The reason for a failure to load a site's table: the code of the first
        /// ``ClinicalDataError`` in the error's chain of causes (unreadable when there is none).
        public init(_ error: any Error) {
            var next: (any Error)? = error
            var found: ClinicalDataError?
            for _ in 0..<16 {  // a chain of causes is short; never follow a cycle for ever
                guard let current = next else { break }
                if let data = current as? ClinicalDataError { found = data; break }
                next = (current as? any ConcordError)?.cause
            }
            guard let data = found else { self = .unreadable; return }
            switch data.code {
            case .requiredVariable: self = .requiredVariable
            case .invalidMapping: self = .invalidMapping
            case .invalidSchema: self = .schema
            case .tooLarge: self = .tooLarge
            case .invalidSplit: self = .invalidSplit
            default: self = .unreadable
            }
        }
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
        submissions: [Submission.evaluation: evaluation, Submission.withdrawal: summaries],
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
