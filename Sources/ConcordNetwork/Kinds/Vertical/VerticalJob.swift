public import ConcordFederation

/// The vertical job kind's phases: two partners that found their shared patients in a PSI job
/// train one logistic regression over the columns each holds, exchanging only Paillier
/// ciphertexts under their own keys and masked sums through the coordinator, which holds no key.
///
/// created → keys → training → scoring → complete.
///
/// - keys: each party sends its public key and the number of aligned rows it holds.
/// - training: each iteration, each party sends its residual shares encrypted under its own key
///   (`vertical-shares`), then its masked inner products on the other's shares (`vertical-masked`),
///   then its decryptions of the other's masked sums (`vertical-plain`); the chunk index is the
///   iteration. A step's shares (one ciphertext per training row) go in parts of at most the job's
///   `max_message_bytes` (3 MiB by default), chunk `(t − 1)·P + p + 1`; the coordinator joins a
///   message's parts once all are in and publishes each message to the other party.
/// - scoring: the feature holder sends its partial scores of the test rows encrypted under the label
///   holder's key (`vertical-scores`, in parts like the shares, chunk = the part); the label holder decrypts them, adds its own and reports the
///   test ROC-AUC (`vertical-evaluation`).
public enum VerticalJob {
    /// The kind's name in the store and on the wire.
    public static let name = "vertical"

    /// The parties send their public keys and row counts.
    public static let keys: JobPhase = "keys"
    /// The iterations of encrypted, masked gradient descent.
    public static let training: JobPhase = "training"
    /// The final model scores the test rows.
    public static let scoring: JobPhase = "scoring"

    /// The parties' uploads.
    public enum Upload {
        /// A party's public key and row counts (chunk 0).
        public static let key = "vertical-key"
        /// A party's encrypted residual shares (chunk = `(iteration − 1) · parts + part + 1`).
        public static let shares = "vertical-shares"
        /// A party's masked encrypted inner products (chunk = the iteration).
        public static let masked = "vertical-masked"
        /// A party's decryptions of the other's masked sums (chunk = the iteration).
        public static let plain = "vertical-plain"
        /// The feature holder's encrypted partial scores of the test rows (chunk = the part).
        public static let scores = "vertical-scores"
        /// The messages of one iteration, in protocol order.
        public static let iteration = [shares, masked, plain]
    }

    /// The label holder's one-shot report of the test ROC-AUC.
    public static let evaluation = "vertical-evaluation"

    /// The artifact that carries `upload` from the party of `role` (and its iteration, 0 for a one-off).
    public static func artifact(_ upload: String, role: String, iteration: Int = 0) -> String {
        iteration == 0 ? "\(upload)-\(role)" : "\(upload)-\(role)-\(RoundNames.padded(iteration))"
    }

    /// The kind's phases, what they collect, and their titles.
    public static let descriptor = JobKindDescriptor(
        name: name,
        phases: [.created, keys, training, scoring, .complete],
        uploads: [keys: [Upload.key], training: Set(Upload.iteration), scoring: [Upload.scores]],
        submissions: [evaluation: scoring],
        titles: [.created: "created", keys: "exchanging public keys", training: "training",
                 scoring: "scoring the test rows", .complete: "complete", .cancelled: "cancelled", .failed: "failed"])

    /// The number status pages give a phase (1 created … 9 complete, 10 cancelled, 11 failed).
    public static func statusNumber(_ phase: JobPhase) -> Int {
        switch phase {
        case .created: 1
        case keys: 2
        case training: 3
        case scoring: 4
        case .complete: 9
        case .cancelled: 10
        case .failed: 11
        default: 0
        }
    }
}
