public import ConcordChem
public import Foundation

/// How molecules are turned into model inputs; stored with every trained model so that
/// prediction always uses the fingerprint the model was trained on.
public struct FeaturizerSpec: Sendable, Hashable, Codable {
    /// Morgan radius.
    public var radius: Int
    /// Fingerprint length in bits.
    public var bits: Int
    /// Feature (FCFP) invariants instead of connectivity (ECFP) invariants.
    public var features: Bool

    /// Creates a spec.
    public init(radius: Int = 2, bits: Int = 2048, features: Bool = true) {
        self.radius = radius
        self.bits = bits
        self.features = features
    }

    /// ECFP4-2048.
    public static let ecfp4 = FeaturizerSpec(features: false)
    /// FCFP4-2048 (FLuID's choice).
    public static let fcfp4 = FeaturizerSpec(features: true)

    /// The Morgan options this spec denotes.
    public var morganOptions: MorganOptions {
        MorganOptions(radius: radius, fpSize: bits, atomInvariants: features ? .feature : .connectivity())
    }

    /// The largest radius a model file may name.
    public static let maximumRadius = 10
    /// The longest fingerprint a model file may name, in bits.
    public static let maximumBits = 1 << 20

    /// A short name such as `FCFP4-2048`.
    public var name: String { "\(features ? "FCFP" : "ECFP")\(2 * radius)-\(bits)" }
}

/// The prediction task: what a model predicts, and what a federation's partners, consensus and
/// student predict (the one task enum of the command line, model files and federations).
public enum ModelTask: String, Sendable, Hashable, Codable, CaseIterable {
    /// Binary classification (FLuID); predictions are P(active), a federation's consensus is a probability.
    case classification
    /// Regression of a measured value such as pKi; a federation's consensus is a weighted mean with a spread.
    case regression
}

/// A model with everything needed to use it on new molecules: the featuriser, the task and
/// how labels were defined. Saved as a ``ModelFile`` of kind `concord-model` whose payload is
/// a JSON header followed by the inner model's own model file.
public struct TrainedModel: Sendable {
    /// The descriptive part, stored as JSON.
    public struct Header: Sendable, Hashable, Codable {
        /// The fingerprint the model consumes.
        public var featurizer: FeaturizerSpec
        /// Classification or regression.
        public var task: ModelTask
        /// The label column used in training (for reports).
        public var labelColumn: String
        /// For classification from a continuous column: active when value ≤ this.
        public var activeBelow: Double?
        /// For classification from a continuous column: active when value ≥ this (pIC50, % inhibition).
        /// At most one of ``activeBelow`` and `activeAbove` is set; files written before it existed have neither.
        public var activeAbove: Double?
        /// The inner model's kind (e.g. `random-forest-classifier`).
        public var modelKind: String
        /// Rows used in training.
        public var trainingRows: Int
        /// The seed used.
        public var seed: UInt64

        /// Creates a header.
        public init(featurizer: FeaturizerSpec, task: ModelTask, labelColumn: String, activeBelow: Double?,
                    activeAbove: Double? = nil, modelKind: String, trainingRows: Int, seed: UInt64) {
            self.featurizer = featurizer
            self.task = task
            self.labelColumn = labelColumn
            self.activeBelow = activeBelow
            self.activeAbove = activeAbove
            self.modelKind = modelKind
            self.trainingRows = trainingRows
            self.seed = seed
        }
    }

    /// The container kind.
    public static let kind = "concord-model"
    /// The payload format version.
    public static let formatVersion: UInt32 = 1

    /// The header.
    public var header: Header
    /// The inner model's complete model file.
    public var inner: Data

    /// Creates a bundle.
    public init(header: Header, inner: Data) {
        self.header = header
        self.inner = inner
    }

    /// The complete model file.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(header)) ?? Data()
        var payload: [UInt8] = []
        payload.appendLittleEndian(UInt32(json.count))
        payload += Array(json)
        payload += Array(inner)
        return ModelFile.encode(kind: Self.kind, formatVersion: Self.formatVersion, payload: payload)
    }

    /// Reads a bundle, refusing corrupt, foreign or newer files.
    public init(decoding data: Data) throws(ModelFileError) {
        let (_, version, payload) = try ModelFile.decode(data, expectedKind: Self.kind)
        guard version <= Self.formatVersion else {
            throw .unsupportedVersion(found: Int(version), supported: Int(Self.formatVersion))
        }
        var reader = ByteReader(bytes: payload)
        let length: UInt32 = try reader.read()
        let json = try reader.bytes(Int(length))
        do { header = try JSONDecoder().decode(Header.self, from: Data(json)) } catch {
            throw .corruptPayload("model header is not valid JSON", cause: error)
        }
        // The header decides how molecules are fingerprinted: refuse what no model of ours can have.
        guard (0...FeaturizerSpec.maximumRadius).contains(header.featurizer.radius),
              (1...FeaturizerSpec.maximumBits).contains(header.featurizer.bits) else {
            throw .corruptPayload("model header names an impossible fingerprint (radius \(header.featurizer.radius), \(header.featurizer.bits) bits)")
        }
        if header.activeBelow != nil && header.activeAbove != nil {
            throw .corruptPayload("model header sets both activeBelow and activeAbove")
        }
        inner = Data(payload[reader.offset...])
    }
}
