/// The consensus over the transfer set and the student's selection from it (first seed).
public struct ConsensusSummary: Sendable, Hashable, Codable {
    /// The federation scheme the student used: "weighted", "uniform" or "majority".
    public var scheme: String
    public var transferSize: Int
    /// Transfer molecules the consensus labels active (probability > 0.5).
    public var consensusActives: Int
    /// Counts of consensus P(active) in 20 equal bins over [0, 1], per scheme.
    public var histograms: [String: [Int]]
    /// The selection mode, e.g. "balanced".
    public var selectionMode: String
    public var requestedSize: Int
    public var selectedSize: Int
    public var selectedActives: Int
    /// Why fewer molecules were selected than asked, when that happened.
    public var shortfall: String?

    enum CodingKeys: String, CodingKey {
        case scheme, histograms, shortfall
        case transferSize = "transfer_size", consensusActives = "consensus_actives", selectionMode = "selection_mode"
        case requestedSize = "requested_size", selectedSize = "selected_size", selectedActives = "selected_actives"
    }

    public init(scheme: String, transferSize: Int, consensusActives: Int, histograms: [String: [Int]], selectionMode: String,
                requestedSize: Int, selectedSize: Int, selectedActives: Int, shortfall: String?) {
        self.scheme = scheme; self.transferSize = transferSize; self.consensusActives = consensusActives
        self.histograms = histograms; self.selectionMode = selectionMode; self.requestedSize = requestedSize
        self.selectedSize = selectedSize; self.selectedActives = selectedActives; self.shortfall = shortfall
    }
}
