/// The regression consensus over the transfer set and the student's selection from it (first seed).
public struct RegressionConsensusSummary: Sendable, Hashable, Codable {
    /// The federation scheme the student used: "weighted" or "uniform".
    public var scheme: String
    public var transferSize: Int
    /// Transfer molecules with a consensus value (some partner annotated them).
    public var covered: Int
    /// The range of the value histograms (lowest and highest consensus value over every scheme).
    public var valueRange: [Double]
    /// Counts of consensus values in 20 equal bins over ``valueRange``, per scheme.
    public var valueHistograms: [String: [Int]]
    /// The largest spread of the student's scheme, and counts of its spreads in 20 equal bins over [0, that].
    public var spreadMax: Double
    public var spreadHistogram: [Int]
    /// Mean spread over the covered transfer molecules and over the selection.
    public var meanSpread: Double
    public var selectedMeanSpread: Double
    /// The selection mode, e.g. "best".
    public var selectionMode: String
    public var requestedSize: Int
    public var selectedSize: Int
    /// Why fewer molecules were selected than asked, when that happened.
    public var shortfall: String?

    enum CodingKeys: String, CodingKey {
        case scheme, covered, shortfall
        case transferSize = "transfer_size", valueRange = "value_range", valueHistograms = "value_histograms"
        case spreadMax = "spread_max", spreadHistogram = "spread_histogram", meanSpread = "mean_spread"
        case selectedMeanSpread = "selected_mean_spread", selectionMode = "selection_mode"
        case requestedSize = "requested_size", selectedSize = "selected_size"
    }

    public init(scheme: String, transferSize: Int, covered: Int, valueRange: [Double], valueHistograms: [String: [Int]], spreadMax: Double,
                spreadHistogram: [Int], meanSpread: Double, selectedMeanSpread: Double, selectionMode: String, requestedSize: Int,
                selectedSize: Int, shortfall: String?) {
        self.scheme = scheme; self.transferSize = transferSize; self.covered = covered; self.valueRange = valueRange
        self.valueHistograms = valueHistograms; self.spreadMax = spreadMax; self.spreadHistogram = spreadHistogram
        self.meanSpread = meanSpread; self.selectedMeanSpread = selectedMeanSpread; self.selectionMode = selectionMode
        self.requestedSize = requestedSize; self.selectedSize = selectedSize; self.shortfall = shortfall
    }
}
