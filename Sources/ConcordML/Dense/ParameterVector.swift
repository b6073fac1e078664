/// Helpers on a model's flat parameter vector (`[Double]`): what sites send and what strategies
/// average. Every dense model exposes its weights as one such vector.
public enum ParameterVector {
    /// `a - b`, element by element (the arrays must have equal length).
    @inlinable public static func difference(_ a: [Double], _ b: [Double]) -> [Double] {
        var out = a
        for i in out.indices { out[i] -= b[i] }
        return out
    }

    /// `a + scale * b`, element by element (the arrays must have equal length).
    @inlinable public static func adding(_ a: [Double], _ b: [Double], scale: Double = 1) -> [Double] {
        var out = a
        for i in out.indices { out[i] += scale * b[i] }
        return out
    }

    /// The dot product of two vectors of equal length.
    @inlinable public static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { s += a[i] * b[i] }
        return s
    }

    /// The squared Euclidean distance between two vectors of equal length.
    @inlinable public static func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in a.indices { let d = a[i] - b[i]; s += d * d }
        return s
    }

    /// The Euclidean norm.
    @inlinable public static func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }

    /// Whether every element is finite.
    @inlinable public static func isFinite(_ a: [Double]) -> Bool { a.allSatisfy(\.isFinite) }
}
