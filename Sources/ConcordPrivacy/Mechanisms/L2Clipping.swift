import Foundation

/// L2 clipping: a vector scaled so its Euclidean norm is at most a bound `C`, which bounds what one
/// example (DP-SGD) or one site (DP-FedAvg) can move a sum — the sensitivity the Gaussian
/// mechanism's noise is calibrated to.
public enum L2Clipping {
    /// The Euclidean norm, computed with scaling so huge or tiny values neither overflow nor underflow.
    public static func norm(_ values: UnsafeBufferPointer<Double>) -> Double {
        var scale = 0.0, sum = 1.0
        for v in values where v != 0 {
            let a = abs(v)
            if a > scale { sum = 1 + sum * (scale / a) * (scale / a); scale = a } else { sum += (a / scale) * (a / scale) }
        }
        return scale == 0 ? 0 : scale * sum.squareRoot()
    }

    /// Scales `values` in place by `min(1, bound / ‖values‖)`.
    /// - Returns: the norm before clipping.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a bound that is not finite and positive,
    ///   or a value that is not finite.
    @discardableResult
    public static func clip(_ values: UnsafeMutableBufferPointer<Double>, to bound: Double) throws(PrivacyError) -> Double {
        guard bound.isFinite, bound > 0 else {
            throw PrivacyError(.invalidParameter, "the clipping norm must be finite and positive", context: .init(parameter: "clip", value: bound))
        }
        let n = norm(UnsafeBufferPointer(values))
        guard n.isFinite else { throw PrivacyError(.invalidParameter, "a clipped vector must be finite", context: .init(parameter: "vector", value: n)) }
        if n > bound {
            let factor = bound / n
            for k in values.indices { values[k] *= factor }
        }
        return n
    }

    /// Scales `values` in place by `min(1, bound / ‖values‖)`.
    /// - Returns: the norm before clipping.
    /// - Throws: as ``clip(_:to:)-(UnsafeMutableBufferPointer<Double>,_)``.
    @discardableResult
    public static func clip(_ values: inout [Double], to bound: Double) throws(PrivacyError) -> Double {
        var result: Result<Double, PrivacyError> = .success(0)
        values.withUnsafeMutableBufferPointer { buffer in
            do throws(PrivacyError) { result = .success(try clip(buffer, to: bound)) } catch { result = .failure(error) }
        }
        return try result.get()
    }

    /// `values` scaled by `min(1, bound / ‖values‖)`.
    /// - Throws: as ``clip(_:to:)-(UnsafeMutableBufferPointer<Double>,_)``.
    public static func clipped(_ values: [Double], to bound: Double) throws(PrivacyError) -> [Double] {
        var out = values
        try clip(&out, to: bound)
        return out
    }
}
