public import ConcordErrors
import ConcordChem

/// A dense row-major matrix of `Double` features (tabular data: one row per sample).
public struct DenseMatrix: Sendable, Hashable {
    /// Number of rows (samples).
    public let rows: Int
    /// Number of columns (features).
    public let columns: Int
    /// `rows × columns` values, row after row.
    public let values: [Double]

    /// Creates a matrix from row-major values.
    /// - Throws: ``LinearModelError`` when `values.count != rows × columns`, a size is
    ///   negative or a value is not finite.
    public init(rows: Int, columns: Int, values: [Double]) throws(LinearModelError) {
        let (size, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard rows >= 0, columns >= 0, !overflow, size == values.count else {
            throw LinearModelError(.lengthMismatch, "a \(rows) × \(columns) matrix needs rows × columns values, got \(values.count)")
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw LinearModelError(.nonFinite, "feature value at row \(bad / max(columns, 1)), column \(bad % max(columns, 1)) is not finite (\(values[bad])); impute or drop it first")
        }
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Value at `row`, `column`.
    public subscript(row: Int, column: Int) -> Double { values[row * columns + column] }
}

/// Why a linear model could not be trained or applied.
public struct LinearModelError: CodedConcordError, Hashable {
    /// What kind of input error this is.
    public var code: InputErrorCode
    /// A sentence saying what was wrong and how to fix it.
    public var message: String
    /// The row, value and counts concerned, when the throw site knows them.
    public var context: ErrorContext
    /// The error that caused this one (a noise generator's), if any.
    public var cause: (any Error)?

    /// Creates an error.
    public init(_ code: InputErrorCode, _ message: String, context: ErrorContext = ErrorContext(), cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.context = context
        self.cause = cause
    }

    /// The message (it names the row or option concerned), then the cause.
    public static var layout: ErrorLayout { .messageOnly }
}

/// Features a linear model reads: sparse on-bits of fingerprints or dense rows.
enum DesignMatrix: Sendable {
    /// CSR on-bit indices: row `i`'s bits are `indices[offsets[i] ..< offsets[i + 1]]`.
    case sparse(offsets: [Int], indices: [Int32], columns: Int)
    case dense(DenseMatrix)

    init(_ m: FingerprintMatrix) {
        var offsets = [0], indices: [Int32] = []
        offsets.reserveCapacity(m.rowCount + 1)
        let w = m.wordsPerRow
        m.storage.withUnsafeBufferPointer { s in
            for r in 0..<m.rowCount {
                for j in 0..<w {
                    var word = s[r * w + j]
                    while word != 0 {
                        indices.append(Int32(j << 6 | word.trailingZeroBitCount))
                        word &= word &- 1
                    }
                }
                offsets.append(indices.count)
            }
        }
        self = .sparse(offsets: offsets, indices: indices, columns: m.bitCount)
    }

    var rows: Int {
        switch self {
        case .sparse(let o, _, _): o.count - 1
        case .dense(let d): d.rows
        }
    }

    var columns: Int {
        switch self {
        case .sparse(_, _, let c): c
        case .dense(let d): d.columns
        }
    }

    /// `x_i · w` for every row.
    func products(_ w: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: rows)
        switch self {
        case .sparse(let offsets, let indices, _):
            for i in 0..<rows {
                var s = 0.0
                for p in offsets[i]..<offsets[i + 1] { s += w[Int(indices[p])] }
                out[i] = s
            }
        case .dense(let d):
            let c = d.columns
            d.values.withUnsafeBufferPointer { v in
                for i in 0..<d.rows {
                    var s = 0.0
                    for j in 0..<c { s += v[i * c + j] * w[j] }
                    out[i] = s
                }
            }
        }
        return out
    }

    /// `Σ_i r_i x_i` (the transpose product).
    func transposeProduct(_ r: [Double]) -> [Double] {
        var g = [Double](repeating: 0, count: columns)
        switch self {
        case .sparse(let offsets, let indices, _):
            for i in 0..<rows where r[i] != 0 {
                for p in offsets[i]..<offsets[i + 1] { g[Int(indices[p])] += r[i] }
            }
        case .dense(let d):
            let c = d.columns
            d.values.withUnsafeBufferPointer { v in
                for i in 0..<d.rows where r[i] != 0 {
                    for j in 0..<c { g[j] += r[i] * v[i * c + j] }
                }
            }
        }
        return g
    }
}
