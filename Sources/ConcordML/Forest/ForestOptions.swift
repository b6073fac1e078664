public import ConcordErrors
public import ConcordChem

/// How many candidate features a split considers, as scikit-learn's `max_features`.
public enum MaxFeatures: Sendable, Hashable {
    /// `max(1, ⌊√bits⌋)` (scikit-learn `"sqrt"`, the classifier default).
    case sqrt
    /// `max(1, ⌊log₂ bits⌋)` (scikit-learn `"log2"`).
    case log2
    /// Every feature (scikit-learn `None` / `1.0`, the regressor default).
    case all
    /// `max(1, ⌊fraction · bits⌋)`, fraction in (0, 1].
    case fraction(Double)
    /// Exactly this many (at least 1, at most the bit count).
    case count(Int)

    /// The number of candidate features for `bitCount` features.
    public func resolved(bitCount: Int) -> Int {
        let n = max(1, bitCount)
        return switch self {
        case .sqrt: max(1, Int(Double(n).squareRoot()))
        case .log2: max(1, Int(floorLog2(Double(n))))
        case .all: n
        case .fraction(let f): max(1, min(n, Int(f * Double(n))))
        case .count(let k): max(1, min(n, k))
        }
    }
}

@inline(__always) func floorLog2(_ x: Double) -> Double {
    // ⌊log₂ n⌋ exactly for positive integers, without Foundation.
    var v = UInt64(x), r = 0.0
    while v > 1 { v >>= 1; r += 1 }
    return r
}

/// Class weighting for the classifier, as scikit-learn's `class_weight`.
public enum ClassWeight: Sendable, Hashable {
    /// Every row weighs 1.
    case none
    /// Class c weighs `n / (2 · n_c)` over the whole training set (`"balanced"`).
    case balanced
    /// As ``balanced`` but computed on each tree's bootstrap sample (`"balanced_subsample"`).
    case balancedSubsample
}

/// Settings of a random forest; the defaults are scikit-learn's except where noted.
public struct ForestOptions: Sendable, Hashable {
    /// Number of trees (default 100; FLuID uses 150).
    public var treeCount: Int
    /// Whether each tree sees a bootstrap sample: `n` draws with replacement, the draw counts
    /// becoming sample weights, as scikit-learn does (default `true`).
    public var bootstrap: Bool
    /// Candidate features per split (default ``MaxFeatures/sqrt``; scikit-learn's regressor
    /// default is ``MaxFeatures/all``, see ``regressorDefaults``). As in scikit-learn, the
    /// candidates are drawn from all features, including bits constant over the node's rows,
    /// which cannot split; when every drawn bit is constant, drawing goes on until one is not.
    public var maxFeatures: MaxFeatures
    /// Maximum depth (root at depth 0); `nil` grows until leaves are pure or too small.
    public var maxDepth: Int?
    /// A node with fewer in-bag rows than this is a leaf (default 2).
    public var minSamplesSplit: Int
    /// Each child must keep at least this many in-bag rows (default 1).
    public var minSamplesLeaf: Int
    /// Class weighting (classifier only; default ``ClassWeight/none``).
    public var classWeight: ClassWeight
    /// Seed; tree `t` draws from `SeededRandom(seed: seed).split(t)`, so the forest does not
    /// depend on scheduling or ``parallelism``.
    public var seed: UInt64
    /// Child tasks used to build trees and to predict (default: all active processors).
    public var parallelism: Int
    /// Whether to compute out-of-bag predictions while fitting (needs ``bootstrap``; default `true`).
    public var computeOutOfBag: Bool

    /// Creates options; every argument has scikit-learn's default.
    public init(treeCount: Int = 100, bootstrap: Bool = true, maxFeatures: MaxFeatures = .sqrt,
                maxDepth: Int? = nil, minSamplesSplit: Int = 2, minSamplesLeaf: Int = 1,
                classWeight: ClassWeight = .none, seed: UInt64 = 0,
                parallelism: Int = defaultParallelism, computeOutOfBag: Bool = true) {
        self.treeCount = treeCount
        self.bootstrap = bootstrap
        self.maxFeatures = maxFeatures
        self.maxDepth = maxDepth
        self.minSamplesSplit = minSamplesSplit
        self.minSamplesLeaf = minSamplesLeaf
        self.classWeight = classWeight
        self.seed = seed
        self.parallelism = parallelism
        self.computeOutOfBag = computeOutOfBag
    }

    /// scikit-learn's `RandomForestRegressor` defaults (every feature per split).
    public static var regressorDefaults: ForestOptions { ForestOptions(maxFeatures: .all) }

    func validate() throws(ForestError) {
        guard treeCount >= 1 else { throw .invalidOption("treeCount must be at least 1, not \(treeCount)") }
        if let d = maxDepth, d < 1 { throw .invalidOption("maxDepth must be at least 1 (or nil for unlimited), not \(d)") }
        guard minSamplesSplit >= 2 else { throw .invalidOption("minSamplesSplit must be at least 2, not \(minSamplesSplit)") }
        guard minSamplesLeaf >= 1 else { throw .invalidOption("minSamplesLeaf must be at least 1, not \(minSamplesLeaf)") }
        switch maxFeatures {
        case .fraction(let f) where !(f > 0 && f <= 1):
            throw .invalidOption("maxFeatures fraction must lie in (0, 1], not \(f)")
        case .count(let k) where k < 1:
            throw .invalidOption("maxFeatures count must be at least 1, not \(k)")
        default: break
        }
    }
}

/// Why a forest could not be trained or used.
///
/// Modelled on grpc-swift's `RPCError`: callers branch on the opaque ``Code`` and read the row or
/// counts from ``context``; ``description`` is the sentence for the user. Throw sites use the
/// factories named after the codes. A leaf error: it has no underlying cause.
public struct ForestError: CodedConcordError, Hashable {
    /// What kind of error this is.
    public var code: Code
    /// A sentence for the user.
    public var message: String
    /// The row, value and counts concerned.
    public var context: ErrorContext

    /// Creates an error.
    public init(code: Code, message: String, context: ErrorContext = ErrorContext()) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// The sentence for the user alone: it names the row or option concerned.
    public static var layout: ErrorLayout { .messageOnly }
}

extension ForestError {
    /// No training rows.
    public static let emptyTrainingSet = ForestError(code: .emptyTrainingSet, message: "the training set is empty")

    /// The labels do not have one entry per fingerprint row.
    public static func labelCountMismatch(rows: Int, labels: Int) -> ForestError {
        ForestError(code: .labelCountMismatch, message: "the training set has \(rows) fingerprints but \(labels) labels", context: ErrorContext(expected: rows, found: labels))
    }

    /// A binary label other than 0 or 1.
    public static func invalidLabel(row: Int, value: Int) -> ForestError {
        ForestError(code: .invalidLabel, message: "row \(row) has label \(value); classifier labels must be 0 or 1", context: ErrorContext(row: row, value: "\(value)"))
    }

    /// A NaN or infinite regression target.
    public static func nonFiniteTarget(row: Int) -> ForestError {
        ForestError(code: .nonFiniteTarget, message: "row \(row) has a NaN or infinite target value", context: ErrorContext(row: row))
    }

    /// An option is out of range (the message says which).
    public static func invalidOption(_ message: String) -> ForestError {
        ForestError(code: .invalidOption, message: message)
    }

    /// The fingerprints to predict have another length than the training fingerprints.
    public static func bitCountMismatch(model: Int, input: Int) -> ForestError {
        ForestError(code: .bitCountMismatch, message: "the model was trained on \(model)-bit fingerprints but the input has \(input) bits", context: ErrorContext(expected: model, found: input))
    }
}

extension ForestError {
    /// The kind of error. Opaque: new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Sendable {
            case emptyTrainingSet, labelCountMismatch, invalidLabel, nonFiniteTarget, invalidOption, bitCountMismatch
        }
        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// No training rows.
        public static let emptyTrainingSet = Code(.emptyTrainingSet)
        /// The labels do not have one entry per fingerprint row.
        public static let labelCountMismatch = Code(.labelCountMismatch)
        /// A binary label other than 0 or 1.
        public static let invalidLabel = Code(.invalidLabel)
        /// A NaN or infinite regression target.
        public static let nonFiniteTarget = Code(.nonFiniteTarget)
        /// An option is out of range (the message says which).
        public static let invalidOption = Code(.invalidOption)
        /// The fingerprints to predict have another length than the training fingerprints.
        public static let bitCountMismatch = Code(.bitCountMismatch)

        /// The code's name.
        public var description: String { wrapped.rawValue }
    }
}
