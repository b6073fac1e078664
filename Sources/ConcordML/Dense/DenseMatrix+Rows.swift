extension DenseMatrix {
    /// A matrix from rows of equal length.
    /// - Throws: ``DenseModelError`` when the rows differ in length or a value is not finite.
    public init(rowArrays: [[Double]]) throws(DenseModelError) {
        let columns = rowArrays.first?.count ?? 0
        var flat: [Double] = []
        flat.reserveCapacity(rowArrays.count * columns)
        for (i, row) in rowArrays.enumerated() {
            guard row.count == columns else {
                throw DenseModelError(.lengthMismatch, "every row needs \(columns) values", context: ErrorContext(row: i, expected: columns, found: row.count))
            }
            flat.append(contentsOf: row)
        }
        self = try Self.checked(rows: rowArrays.count, columns: columns, values: flat)
    }

    /// A matrix from row-major values (the same as `init(rows:columns:values:)`, as a function).
    /// - Throws: ``DenseModelError`` for a size mismatch or a non-finite value.
    public static func checked(rows: Int, columns: Int, values: [Double]) throws(DenseModelError) -> DenseMatrix {
        try DenseMatrix(rows: rows, columns: columns, values: values)
    }

    /// One row's values.
    @inlinable public func row(_ index: Int) -> ArraySlice<Double> {
        values[(index * columns)..<((index + 1) * columns)]
    }

    /// The rows at `indices`, in that order (indices must be in range).
    public func selecting(rows indices: [Int]) throws(DenseModelError) -> DenseMatrix {
        var flat: [Double] = []
        flat.reserveCapacity(indices.count * columns)
        for i in indices {
            guard (0..<rows).contains(i) else { throw DenseModelError(.invalidOption, "a row index is out of range", context: ErrorContext(row: i, found: rows)) }
            flat.append(contentsOf: row(i))
        }
        return try Self.checked(rows: indices.count, columns: columns, values: flat)
    }

    /// This matrix with `other`'s rows appended below.
    /// - Throws: ``DenseModelError`` when the column counts differ.
    public func appending(rowsOf other: DenseMatrix) throws(DenseModelError) -> DenseMatrix {
        if rows == 0 { return other }
        guard other.columns == columns else {
            throw DenseModelError(.lengthMismatch, "matrices stacked by rows need the same columns", context: ErrorContext(expected: columns, found: other.columns))
        }
        return try Self.checked(rows: rows + other.rows, columns: columns, values: values + other.values)
    }
}
