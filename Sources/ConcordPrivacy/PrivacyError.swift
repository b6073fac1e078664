@_exported public import ConcordErrors

/// An error of ConcordPrivacy: what kind of problem (``code``), a message for people, the values
/// it concerned (``context``) and the error that caused it.
public struct PrivacyError: CodedConcordError, Hashable {
    /// The kind of problem.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String { case invalidParameter, budgetExceeded, tooFewParties, protocolViolation, overflow }
        private let value: Value
        private init(_ value: Value) { self.value = value }
        /// A parameter outside its domain (a negative noise multiplier, a sampling rate outside [0, 1], δ outside (0, 1) …).
        public static let invalidParameter = Code(.invalidParameter)
        /// A release would spend more privacy than the budget allows.
        public static let budgetExceeded = Code(.budgetExceeded)
        /// Fewer parties than a protocol's threshold remain (secure aggregation cannot go on safely).
        public static let tooFewParties = Code(.tooFewParties)
        /// A message that breaks a protocol: from a party not in the stage, a duplicate, the wrong size,
        /// a bad signature or ciphertext, or sent at the wrong stage.
        public static let protocolViolation = Code(.protocolViolation)
        /// A value beyond its declared bound, or a configuration whose sum could overflow its ring.
        public static let overflow = Code(.overflow)
        public var description: String { value.rawValue }
    }

    /// What a refused computation concerned.
    public struct Context: Hashable, Sendable, ErrorContextDescribing {
        /// The parameter at fault, by its command-line or field name.
        public var parameter: String?
        /// The value given.
        public var value: Double?
        /// The party concerned (its index in a secure-aggregation roster).
        public var party: Int?
        /// The protocol stage concerned.
        public var stage: String?

        /// A context.
        public init(parameter: String? = nil, value: Double? = nil, party: Int? = nil, stage: String? = nil) {
            self.parameter = parameter; self.value = value; self.party = party; self.stage = stage
        }

        /// `parameter P, value V, party I, stage S`, leaving out what is unknown.
        public var items: [ErrorContextItem] { .labelled(["parameter": parameter, "value": value, "party": party, "stage": stage]) }
    }

    /// The kind of problem.
    public var code: Code
    /// What went wrong, for people.
    public var message: String
    /// The values it concerned.
    public var context: Context
    /// The error that caused this one, if any.
    public var cause: (any Error)?

    /// An error.
    public init(_ code: Code, _ message: String, context: Context = Context(), cause: (any Error)? = nil) {
        self.code = code; self.message = message; self.context = context; self.cause = cause
    }

    /// `message (context): cause`, the standard layout.
    public static var layout: ErrorLayout { .standard }
}
