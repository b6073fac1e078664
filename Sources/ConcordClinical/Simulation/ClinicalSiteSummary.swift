/// What one site holds in a simulation: its training and test rows and how many of each are
/// positive (counts only, as a site would report them).
public struct ClinicalSiteSummary: Sendable, Hashable, Codable {
    /// The site's name.
    public var name: String
    /// The number of training rows.
    public var trainingRows: Int
    /// The number of test rows.
    public var testRows: Int
    /// The number of positive training rows.
    public var trainingPositives: Int
    /// The number of positive test rows.
    public var testPositives: Int

    enum CodingKeys: String, CodingKey {
        case name, trainingRows = "training_rows", testRows = "test_rows"
        case trainingPositives = "training_positives", testPositives = "test_positives"
    }

    /// A summary from its counts.
    public init(name: String, trainingRows: Int, testRows: Int, trainingPositives: Int, testPositives: Int) {
        self.name = name; self.trainingRows = trainingRows; self.testRows = testRows
        self.trainingPositives = trainingPositives; self.testPositives = testPositives
    }

    /// The summary of a site's binary labels (1 is positive).
    init(name: String, trainingLabels: [UInt8], testLabels: [UInt8]) {
        self.init(name: name, trainingRows: trainingLabels.count, testRows: testLabels.count,
                  trainingPositives: trainingLabels.reduce(0) { $0 + ($1 == 1 ? 1 : 0) },
                  testPositives: testLabels.reduce(0) { $0 + ($1 == 1 ? 1 : 0) })
    }

    /// The fraction of positive training rows (`nil` without training rows).
    public var trainingPositiveRate: Double? { trainingRows > 0 ? Double(trainingPositives) / Double(trainingRows) : nil }
    /// The fraction of positive test rows (`nil` without test rows).
    public var testPositiveRate: Double? { testRows > 0 ? Double(testPositives) / Double(testRows) : nil }
}
