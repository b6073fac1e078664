/// The architecture of a dense tabular model: inputs, a shared trunk of ReLU layers and one head
/// per task. Without hidden layers and with one binary head it is a logistic regression.
///
/// Parameters live outside the type, as one flat `[Double]` (what sites send and strategies
/// average): for each layer `l`, `W_l` (`in × out`, row `i` = the weights from input `i`)
/// followed by `b_l`. The last layer's unit `t` is task `t`'s head: a sigmoid with binary
/// cross-entropy for ``Head/binary``, the identity with squared error for ``Head/continuous``.
public struct DenseNetwork: Sendable, Hashable {
    /// The kind of a task's head.
    public enum Head: String, Sendable, Hashable, Codable {
        /// A probability (sigmoid) trained with binary cross-entropy.
        case binary
        /// A value (identity) trained with squared error `(ŷ − y)²`.
        case continuous
    }

    /// The number of input features.
    public let inputCount: Int
    /// The widths of the shared hidden layers (empty for a linear model).
    public let hiddenSizes: [Int]
    /// One head per task.
    public let heads: [Head]

    /// A network of the given shape.
    /// - Throws: ``DenseModelError`` when a width is not positive or there is no head.
    public init(inputs: Int, hidden: [Int] = [], heads: [Head]) throws(DenseModelError) {
        guard inputs >= 1 else { throw DenseModelError(.invalidOption, "a network needs at least one input", context: ErrorContext(found: inputs)) }
        guard !heads.isEmpty else { throw DenseModelError(.invalidOption, "a network needs at least one head") }
        if let bad = hidden.firstIndex(where: { $0 < 1 }) {
            throw DenseModelError(.invalidOption, "hidden layers need at least one unit", context: ErrorContext(row: bad, found: hidden[bad]))
        }
        let sizes = [inputs] + hidden + [heads.count]
        var count = 0
        for l in 0..<(sizes.count - 1) {
            let (w, o1) = sizes[l].multipliedReportingOverflow(by: sizes[l + 1])
            let (next, o2) = count.addingReportingOverflow(w &+ sizes[l + 1])
            guard !o1, !o2, next <= Self.maximumParameterCount else {
                throw DenseModelError(.invalidOption, "the network would have more than \(Self.maximumParameterCount) parameters", context: ErrorContext(row: l))
            }
            count = next
        }
        inputCount = inputs; hiddenSizes = hidden; self.heads = heads
    }

    /// The largest parameter vector a network may have (2^28 values, 2 GiB of `Double`).
    public static let maximumParameterCount = 1 << 28

    /// A logistic regression on `inputs` features (one binary head, no hidden layer).
    /// - Throws: ``DenseModelError`` when `inputs < 1`.
    public static func logisticRegression(inputs: Int) throws(DenseModelError) -> DenseNetwork {
        try DenseNetwork(inputs: inputs, heads: [.binary])
    }

    /// Layer widths: inputs, hidden widths…, heads.
    public var layerSizes: [Int] { [inputCount] + hiddenSizes + [heads.count] }

    /// The length of the flat parameter vector.
    public var parameterCount: Int { layout.count }

    /// Offsets of each layer's weights and biases in the parameter vector, and its length.
    public var layout: (weights: [Int], biases: [Int], count: Int) {
        let sizes = layerSizes
        var w: [Int] = [], b: [Int] = [], offset = 0
        for l in 0..<(sizes.count - 1) {
            w.append(offset); offset += sizes[l] * sizes[l + 1]
            b.append(offset); offset += sizes[l + 1]
        }
        return (w, b, offset)
    }

    /// Whether each parameter is a bias (biases are not penalised by L2).
    public var biasMask: [Bool] {
        let sizes = layerSizes, (_, biases, count) = layout
        var mask = [Bool](repeating: false, count: count)
        for l in biases.indices { for j in 0..<sizes[l + 1] { mask[biases[l] + j] = true } }
        return mask
    }

    /// Starting parameters: zeros for a linear model (its loss is convex), otherwise He-uniform
    /// weights from the seed and zero biases.
    public func initialParameters(seed: UInt64) -> [Double] {
        var p = [Double](repeating: 0, count: parameterCount)
        guard !hiddenSizes.isEmpty else { return p }
        var rng = SeededRandom(seed: seed)
        let sizes = layerSizes, (weights, _, _) = layout
        for l in weights.indices {
            let limit = (6.0 / Double(sizes[l])).squareRoot()
            for k in 0..<(sizes[l] * sizes[l + 1]) { p[weights[l] + k] = (rng.nextUnit() * 2 - 1) * limit }
        }
        return p
    }

    /// Checks that parameters, inputs and targets fit this network.
    func validate(parameters: [Double], x: DenseMatrix, targets: DenseTargets?) throws(DenseModelError) {
        guard parameters.count == parameterCount else {
            throw DenseModelError(.lengthMismatch, "the parameter vector does not fit the network", context: ErrorContext(expected: parameterCount, found: parameters.count))
        }
        if let bad = parameters.firstIndex(where: { !$0.isFinite }) {
            throw DenseModelError(.nonFinite, "parameters must be finite", context: ErrorContext(row: bad, value: "\(parameters[bad])"))
        }
        guard x.columns == inputCount else {
            throw DenseModelError(.bitCountMismatch, "the network takes \(inputCount) features", context: ErrorContext(expected: inputCount, found: x.columns))
        }
        guard let targets else { return }
        guard targets.rowCount == x.rows, targets.taskCount == heads.count else {
            throw DenseModelError(.lengthMismatch, "targets need one row per input row and one column per head", context: ErrorContext(expected: x.rows * heads.count, found: targets.values.count))
        }
        for r in 0..<targets.rowCount {
            for (t, head) in heads.enumerated() where targets.isObserved(row: r, task: t) {
                let y = targets.values[r * heads.count + t]
                guard y.isFinite else { throw DenseModelError(.nonFinite, "targets must be finite", context: ErrorContext(row: r, value: "\(y)")) }
                if head == .binary, !(0...1).contains(y) {
                    throw DenseModelError(.invalidLabel, "a binary head takes targets in [0, 1]", context: ErrorContext(row: r, value: "\(y)"))
                }
            }
        }
    }
}
