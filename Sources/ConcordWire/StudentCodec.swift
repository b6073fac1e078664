public import Foundation
public import ConcordML
import ConcordFederation

/// The student model as it travels from the coordinator to the partners.
///
/// A ``ModelFile`` of kind `concord-student`: one byte saying how the inner model scores
/// (0: it gives P(active) itself; 1: it is a regressor of probabilities, clamped to [0, 1]),
/// then the inner model's own complete model file.
public enum StudentCodec {
    /// The container kind.
    public static let kind = "concord-student"

    /// Serialises a student. - Throws: ``WireError/invalidField(_:)`` for a model kind that cannot be saved.
    public static func encode(_ model: any ProbabilisticClassifier) throws(WireError) -> Data {
        var mode: UInt8 = 0
        let inner: Data
        switch model {
        case let m as RandomForestClassifier: inner = m.encoded()
        case let m as MLP: inner = m.encoded()
        case let m as LogisticRegression: inner = m.encoded()
        case let m as TanimotoKNN: inner = m.encoded()
        case let m as RegressorClassifier:
            mode = 1
            switch m.model {
            case let r as RandomForestRegressor: inner = r.encoded()
            case let r as TanimotoKNN: inner = r.encoded()
            case let r as MLP: inner = r.encoded()
            default: throw .invalidField("a student regressor of type \(type(of: m.model)) cannot be serialised")
            }
        default: throw .invalidField("a student of type \(type(of: model)) cannot be serialised")
        }
        return ModelFile.encode(kind: kind, formatVersion: 1, payload: [mode] + [UInt8](inner))
    }

    /// Reads a student. - Throws: ``WireError`` for a corrupt or unknown model.
    public static func decode(_ data: Data) throws(WireError) -> any ProbabilisticClassifier {
        let payload: [UInt8]
        do { payload = try ModelFile.decode(data, expectedKind: kind).payload } catch { throw .invalidField("student model: \(error)") }
        guard let mode = payload.first, mode <= 1 else { throw .invalidField("student model: unknown scoring mode") }
        let inner = Data(payload.dropFirst())
        do {
            let innerKind = try ModelFile.decode(inner).kind
            switch (mode, innerKind) {
            case (0, RandomForestClassifier.modelKind): return try RandomForestClassifier(decoding: inner)
            case (0, MLP.modelKind): return try MLP(decoding: inner)
            case (0, LogisticRegression.modelKind): return try LogisticRegression(decoding: inner)
            case (0, TanimotoKNN.modelKind): return try TanimotoKNN(decoding: inner)
            case (1, RandomForestRegressor.modelKind): return RegressorClassifier(model: try RandomForestRegressor(decoding: inner))
            case (1, TanimotoKNN.modelKind): return RegressorClassifier(model: try TanimotoKNN(decoding: inner))
            case (1, MLP.modelKind): return RegressorClassifier(model: try MLP(decoding: inner))
            default: throw WireError.invalidField("student model: unsupported kind \(innerKind)")
            }
        } catch let error as WireError {
            throw error
        } catch {
            throw .invalidField("student model: \(error)")
        }
    }
}
