@_exported public import ConcordErrors

/// An error from federated learning: a strategy refusing a round's updates, preprocessing or
/// evaluation statistics that do not fit together, a value function that failed, or a site's
/// local training that threw (kept as ``cause``).
///
/// Modelled on grpc-swift's `RPCError`: callers branch on ``code``, show ``description`` to
/// people and may inspect ``cause``.
public struct FederatedLearningError: CodedConcordError {
    /// What kind of problem occurred. Opaque: new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String { case lengthMismatch, nonFinite, zeroWeight, insufficientUpdates, invalidOption, empty, localTraining, valueFunction }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// Vectors or tables that must have equal lengths do not (parameters, features, bins).
        public static let lengthMismatch = Code(.lengthMismatch)
        /// A parameter, statistic or loss is NaN or infinite.
        public static let nonFinite = Code(.nonFinite)
        /// The weights (sample counts, adaptive weights) sum to zero or are negative.
        public static let zeroWeight = Code(.zeroWeight)
        /// Fewer updates than the strategy needs (none at all, or too few for Krum).
        public static let insufficientUpdates = Code(.insufficientUpdates)
        /// An option is out of range (a fraction, a temperature, a learning rate, a count).
        public static let invalidOption = Code(.invalidOption)
        /// No rows, sites or players.
        public static let empty = Code(.empty)
        /// A site's local training or evaluation failed (see ``FederatedLearningError/cause``).
        public static let localTraining = Code(.localTraining)
        /// A contribution game's value function failed (see ``FederatedLearningError/cause``).
        public static let valueFunction = Code(.valueFunction)

        /// The code's name, e.g. `lengthMismatch`.
        public var description: String { value.rawValue }
    }

    /// Where the problem is; every field is optional.
    public struct Context: Hashable, Sendable, ErrorContextDescribing {
        /// The site (its index in the federation) concerned.
        public var site: Int?
        /// The round concerned.
        public var round: Int?
        /// The index (parameter, feature, bin) concerned.
        public var index: Int?
        /// The count that was expected.
        public var expected: Int?
        /// The count that was found.
        public var found: Int?

        /// Creates a context.
        public init(site: Int? = nil, round: Int? = nil, index: Int? = nil, expected: Int? = nil, found: Int? = nil) {
            self.site = site; self.round = round; self.index = index; self.expected = expected; self.found = found
        }

        /// `site S, round R, index I, expected E, found F`, leaving out what is unknown.
        public var items: [ErrorContextItem] {
            .labelled(["site": site, "round": round, "index": index, "expected": expected, "found": found])
        }
    }

    /// The category of the error.
    public var code: Code
    /// A message written for the person who has to fix the problem.
    public var message: String
    /// Where the problem is.
    public var context: Context
    /// The error that caused this one, if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, context: Context = Context(), cause: (any Error)? = nil) {
        self.code = code; self.message = message; self.context = context; self.cause = cause
    }

    /// `message (context): cause`, the standard layout.
    public static var layout: ErrorLayout { .standard }
}
