/// The outcomes of a dense model's rows: one value per row and head, with a mask where a site
/// lacks an outcome (a masked entry contributes neither loss nor gradient).
public struct DenseTargets: Sendable, Hashable {
    /// The number of rows.
    public let rowCount: Int
    /// The number of heads (tasks).
    public let taskCount: Int
    /// The outcomes, row-major (`rowCount × taskCount`): 0/1 (or a soft label in [0, 1]) for a
    /// binary head, any finite value for a continuous one. Masked entries are ignored.
    public let values: [Double]
    /// Whether each entry is observed, row-major; `nil` when every entry is.
    public let mask: [Bool]?

    /// Targets from row-major values and an optional mask.
    /// - Throws: ``DenseModelError`` when the lengths do not match `rows × tasks`.
    public init(rows: Int, tasks: Int, values: [Double], mask: [Bool]? = nil) throws(DenseModelError) {
        guard rows >= 0, tasks >= 1 else {
            throw DenseModelError(.invalidOption, "targets need at least one task", context: ErrorContext(found: tasks))
        }
        let (size, overflow) = rows.multipliedReportingOverflow(by: tasks)
        guard !overflow, values.count == size else {
            throw DenseModelError(.lengthMismatch, "targets need one value per row and task", context: ErrorContext(expected: overflow ? nil : size, found: values.count))
        }
        if let mask, mask.count != values.count {
            throw DenseModelError(.lengthMismatch, "the target mask needs one flag per row and task", context: ErrorContext(expected: values.count, found: mask.count))
        }
        rowCount = rows; taskCount = tasks; self.values = values; self.mask = mask
    }

    /// One binary outcome per row (a logistic regression's labels).
    public init(binary labels: [UInt8]) {
        rowCount = labels.count; taskCount = 1; values = labels.map(Double.init); mask = nil
    }

    /// Whether the entry of `row` and `task` is observed.
    @inlinable public func isObserved(row: Int, task: Int) -> Bool {
        mask?[row * taskCount + task] ?? true
    }

    /// The targets of the rows at `indices`, in that order (indices must be in range).
    public func selecting(rows indices: [Int]) -> DenseTargets {
        var v: [Double] = [], m: [Bool]? = mask == nil ? nil : []
        v.reserveCapacity(indices.count * taskCount)
        for i in indices {
            v.append(contentsOf: values[(i * taskCount)..<((i + 1) * taskCount)])
            if let mask { m?.append(contentsOf: mask[(i * taskCount)..<((i + 1) * taskCount)]) }
        }
        return DenseTargets(unchecked: indices.count, taskCount, v, m)
    }

    init(unchecked rows: Int, _ tasks: Int, _ values: [Double], _ mask: [Bool]?) {
        rowCount = rows; taskCount = tasks; self.values = values; self.mask = mask
    }
}
