public import ConcordErrors
public import ConcordChem
public import Foundation

/// A multilayer perceptron on fingerprints with a sparse first layer.
///
/// The first layer adds the weight rows of a fingerprint's on-bits (no dense product over
/// all bits); the hidden layers are dense with ReLU and (in training) dropout; the output
/// layer has one head per task. Weights are `Float` in one contiguous array.
///
/// Outputs are logits passed through a sigmoid for classification (``MLP/Loss/binaryCrossEntropy``)
/// and values for regression (``MLP/Loss/meanSquaredError``; targets are standardised in
/// training and the model predicts on the original scale).
public struct MLP: ProbabilisticClassifier, Regressor, PersistableModel, Hashable {
    /// Which loss the output heads were trained with.
    public enum Loss: UInt8, Sendable, Hashable {
        /// Binary cross-entropy on logits (hard 0/1 or soft targets in [0, 1], masked per task).
        case binaryCrossEntropy = 0
        /// Mean squared error (regression).
        case meanSquaredError = 1
    }

    /// Kind string in model files.
    public static let modelKind = "mlp"
    /// Payload format version.
    public static let formatVersion: UInt32 = 1

    /// Layer widths: input bits, hidden widths…, output heads.
    public let layerSizes: [Int]
    /// The loss the model was trained with (decides the output transform).
    public let loss: Loss
    /// All weights and biases: for each layer `l`, `W_l` (`in × out`, row `i` = weights from
    /// input `i`) followed by `b_l` (`out`).
    public let parameters: [Float]
    /// Per-head mean and standard deviation of regression targets (`0`/`1` for classifiers).
    public let targetMean: [Double], targetScale: [Double]

    /// Number of input bits.
    public var inputBits: Int { layerSizes.first ?? 0 }
    /// Number of output heads (tasks).
    public var taskCount: Int { layerSizes.last ?? 0 }

    init(layerSizes: [Int], loss: Loss, parameters: [Float], targetMean: [Double], targetScale: [Double]) {
        self.layerSizes = layerSizes
        self.loss = loss
        self.parameters = parameters
        self.targetMean = targetMean
        self.targetScale = targetScale
    }

    /// Offsets of `W_l` and `b_l` in ``parameters``, and the total count.
    static func layout(_ sizes: [Int]) -> (weights: [Int], biases: [Int], count: Int) {
        var w: [Int] = [], b: [Int] = [], offset = 0
        for l in 0..<(sizes.count - 1) {
            w.append(offset); offset += sizes[l] * sizes[l + 1]
            b.append(offset); offset += sizes[l + 1]
        }
        return (w, b, offset)
    }

    /// Outputs for every row: `rows × taskCount`, row-major — probabilities for a classifier,
    /// values for a regressor.
    /// - Throws: ``MLPError`` when the fingerprint length differs from the model's input.
    public func outputs(_ x: FingerprintMatrix, parallelism: Int = defaultParallelism) async throws(MLPError) -> [Double] {
        guard x.bitCount == inputBits else { throw MLPError(.bitCountMismatch, "the model takes \(inputBits)-bit fingerprints, got \(x.bitCount) bits") }
        let rows = SparseRows(x)
        let model = self
        let perRow = await Parallel.mapChunks(Array(0..<x.rowCount), parallelism: parallelism, minimumChunk: 128) { chunk -> [Double] in
            var net = Network(model.layerSizes)
            var out: [Double] = []
            out.reserveCapacity(chunk.count * model.taskCount)
            model.parameters.withUnsafeBufferPointer { p in
                for i in chunk {
                    net.forward(p, bits: rows.indices[rows.offsets[i]..<rows.offsets[i + 1]])
                    let logits = net.output
                    for t in 0..<model.taskCount { out.append(model.transform(Double(logits[logits.startIndex + t]), task: t)) }
                }
            }
            return out
        }
        return perRow
    }

    /// The same network with only output head `head`: the hidden layers unchanged, the output
    /// layer reduced to that head's weights and bias (and its target scale). Its outputs equal
    /// this model's outputs for that head.
    ///
    /// A student trained with auxiliary heads (one per teacher) is published with its consensus
    /// head alone, so the model that leaves the coordinator predicts only the consensus.
    /// - Throws: ``MLPError`` when `head` is not one of the model's heads.
    public func keepingHead(_ head: Int) throws(MLPError) -> MLP {
        guard head >= 0, head < taskCount, layerSizes.count >= 2 else {
            throw MLPError(.invalidOption, "the model has \(taskCount) heads; head \(head) does not exist")
        }
        let layout = Self.layout(layerSizes)
        let last = layerSizes.count - 2
        let inputs = layerSizes[last], heads = layerSizes[last + 1]
        var kept = Array(parameters[0..<layout.weights[last]])
        for i in 0..<inputs { kept.append(parameters[layout.weights[last] + i * heads + head]) }
        kept.append(parameters[layout.biases[last] + head])
        var sizes = layerSizes
        sizes[sizes.count - 1] = 1
        return MLP(layerSizes: sizes, loss: loss, parameters: kept, targetMean: [targetMean[head]], targetScale: [targetScale[head]])
    }

    func transform(_ z: Double, task t: Int) -> Double {
        switch loss {
        case .binaryCrossEntropy: z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
        case .meanSquaredError: z * targetScale[t] + targetMean[t]
        }
    }

    /// P(class 1) of the first task for every row (NaN when the length differs; use
    /// ``outputs(_:parallelism:)`` for the error).
    public func predictProbability(_ x: FingerprintMatrix) async -> [Double] {
        guard let all = try? await outputs(x) else { return [Double](repeating: .nan, count: x.rowCount) }
        return stride(from: 0, to: all.count, by: max(taskCount, 1)).map { all[$0] }
    }

    /// The first task's value for every row (NaN when the length differs).
    public func predict(_ x: FingerprintMatrix) async -> [Double] { await predictProbability(x) }

    /// Serialises the model. Payload (little-endian): `UInt8` loss, `UInt32` layer count `L`,
    /// `L` × `UInt32` layer sizes, for each head `Double` target mean and `Double` target
    /// scale, `UInt64` parameter count `P`, then `P` `Float` bit patterns (`UInt32`) in the
    /// order of ``parameters``.
    public func encoded() -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(parameters.count * 4 + 64)
        out.append(loss.rawValue)
        out.appendLittleEndian(UInt32(layerSizes.count))
        for s in layerSizes { out.appendLittleEndian(UInt32(s)) }
        for t in 0..<taskCount { out.appendLittleEndian(targetMean[t]); out.appendLittleEndian(targetScale[t]) }
        out.appendLittleEndian(UInt64(parameters.count))
        for p in parameters { out.appendLittleEndian(p.bitPattern) }
        return ModelFile.encode(kind: Self.modelKind, formatVersion: Self.formatVersion, payload: out)
    }

    /// Reads a model written by ``encoded()``.
    /// - Throws: ``ModelFileError`` when the file is not an intact MLP.
    public init(decoding data: Data) throws(ModelFileError) {
        let (_, version, payload) = try ModelFile.decode(data, expectedKind: Self.modelKind)
        guard version <= Self.formatVersion else { throw .unsupportedVersion(found: Int(version), supported: Int(Self.formatVersion)) }
        var r = ByteReader(bytes: payload)
        guard let loss = Loss(rawValue: try r.read()) else { throw .corruptPayload("unknown MLP loss") }
        let count = Int(try r.read() as UInt32)
        guard count >= 2 && count <= 64 else { throw .corruptPayload("MLP with \(count) layers") }
        var sizes: [Int] = []
        for _ in 0..<count {
            let s = Int(try r.read() as UInt32)
            guard s >= 1 && s <= 1 << 24 else { throw .corruptPayload("layer width \(s)") }
            sizes.append(s)
        }
        var mean: [Double] = [], scale: [Double] = []
        for _ in 0..<(sizes.last ?? 0) { mean.append(try r.readDouble()); scale.append(try r.readDouble()) }
        let p = try r.read() as UInt64
        guard p == UInt64(Self.layout(sizes).count), r.offset + Int(p) * 4 == payload.count else {
            throw .corruptPayload("parameter count does not match the layer sizes")
        }
        var params = [Float](repeating: 0, count: Int(p))
        for i in 0..<Int(p) { params[i] = Float(bitPattern: try r.read()) }
        self.init(layerSizes: sizes, loss: loss, parameters: params, targetMean: mean, targetScale: scale)
    }
}

/// Why an MLP could not be trained or applied.
public struct MLPError: CodedConcordError, Hashable {
    /// What kind of input error this is.
    public var code: InputErrorCode
    /// A sentence saying what was wrong and how to fix it.
    public var message: String
    /// The row, value and counts concerned, when the throw site knows them.
    public var context: ErrorContext

    /// Creates an error (a leaf error: it has no underlying cause).
    public init(_ code: InputErrorCode, _ message: String, context: ErrorContext = ErrorContext()) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// The message alone: it names the row or option concerned.
    public static var layout: ErrorLayout { .messageOnly }
}
