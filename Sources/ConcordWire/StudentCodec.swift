public import Foundation
public import ConcordML
import ConcordFederation

/// The student model as it travels from the coordinator to the partners.
///
/// A ``ModelFile`` of kind `concord-student`: one byte saying how the inner model scores
/// (0: it gives P(active) itself; 1: it is a regressor of probabilities, clamped to [0, 1];
/// 2: a regression job's student, a regressor of measured values), then the inner model's own
/// complete model file.
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
            inner = try regressorBytes(m.model)
        default: throw .invalidField("a student of type \(type(of: model)) cannot be serialised")
        }
        return ModelFile.encode(kind: kind, formatVersion: 1, payload: [mode] + [UInt8](inner))
    }

    /// Serialises a regression job's student (scoring mode 2).
    /// - Throws: ``WireError/invalidField(_:)`` for a model kind that cannot be saved.
    public static func encode(regressor model: any Regressor) throws(WireError) -> Data {
        ModelFile.encode(kind: kind, formatVersion: 1, payload: [2] + [UInt8](try regressorBytes(model)))
    }

    /// Reads a regression job's student. - Throws: ``WireError`` for a corrupt model or one that is not a regression student.
    public static func decodeRegressor(_ data: Data) throws(WireError) -> any Regressor {
        let payload: [UInt8]
        do { payload = try ModelFile.decode(data, expectedKind: kind).payload } catch { throw .invalidField("student model", cause: error) }
        guard payload.first == 2 else { throw .invalidField("student model: not a regression job's student") }
        return try regressor(Data(payload.dropFirst()))
    }

    private static func regressorBytes(_ model: any Regressor) throws(WireError) -> Data {
        switch model {
        case let r as RandomForestRegressor: r.encoded()
        case let r as TanimotoKNN: r.encoded()
        case let r as MLP: r.encoded()
        default: throw .invalidField("a student regressor of type \(type(of: model)) cannot be serialised")
        }
    }

    private static func regressor(_ inner: Data) throws(WireError) -> any Regressor {
        do {
            switch try ModelFile.decode(inner).kind {
            case RandomForestRegressor.modelKind: return try RandomForestRegressor(decoding: inner)
            case TanimotoKNN.modelKind: return try TanimotoKNN(decoding: inner)
            case MLP.modelKind: return try MLP(decoding: inner)
            case let other: throw WireError.invalidField("student model: unsupported regressor kind \(other)")
            }
        } catch let error as WireError {
            throw error
        } catch {
            throw .invalidField("student model", cause: error)
        }
    }

    /// Reads a student. - Throws: ``WireError`` for a corrupt or unknown model.
    public static func decode(_ data: Data) throws(WireError) -> any ProbabilisticClassifier {
        let payload: [UInt8]
        do { payload = try ModelFile.decode(data, expectedKind: kind).payload } catch { throw .invalidField("student model", cause: error) }
        guard let mode = payload.first, mode <= 1 else {
            throw .invalidField(payload.first == 2 ? "student model: a regression job's student (read it with decodeRegressor)" : "student model: unknown scoring mode")
        }
        let inner = Data(payload.dropFirst())
        do {
            let innerKind = try ModelFile.decode(inner).kind
            switch (mode, innerKind) {
            case (0, RandomForestClassifier.modelKind): return try RandomForestClassifier(decoding: inner)
            case (0, MLP.modelKind): return try MLP(decoding: inner)
            case (0, LogisticRegression.modelKind): return try LogisticRegression(decoding: inner)
            case (0, TanimotoKNN.modelKind): return try TanimotoKNN(decoding: inner)
            case (1, _): return RegressorClassifier(model: try regressor(inner))
            default: throw WireError.invalidField("student model: unsupported kind \(innerKind)")
            }
        } catch let error as WireError {
            throw error
        } catch {
            throw .invalidField("student model", cause: error)
        }
    }
}
