public import Foundation

/// Clinical tables (ACTG175, gbsg2, …) from the lifelines 0.30.3 wheel.
public struct LifelinesData: Sendable {
    /// The opened wheel.
    public let wheel: WheelArchive
    static let prefix = "lifelines/datasets/"

    /// Opens the lifelines wheel at `url`.
    public init(wheelAt url: URL) throws(DataError) {
        wheel = try WheelArchive(url: url)
    }

    /// Names of the CSV tables, e.g. `ACTG175`, `gbsg2`.
    public var tableNames: [String] { wheel.memberNames(in: Self.prefix, suffix: ".csv") }

    /// Loads table `name`.
    public func table(_ name: String) throws(DataError) -> DelimitedTable {
        guard tableNames.contains(name) else {
            throw DataError(.notFound, "no lifelines table named '\(name)'; available: \(tableNames.joined(separator: ", "))")
        }
        let path = Self.prefix + name + ".csv"
        return try DelimitedTable.parse(try wheel.data(of: path), name: path)
    }
}
