/// Early stopping on the federated validation loss: stop when the loss has not improved by more
/// than ``minimumImprovement`` for ``patience`` rounds; keep the best round's model.
public struct EarlyStopping: Sendable, Hashable, Codable {
    /// Rounds without improvement tolerated before stopping.
    public let patience: Int
    /// The smallest decrease that counts as an improvement.
    public let minimumImprovement: Double
    /// The best (lowest) loss seen, and its round.
    public private(set) var bestLoss = Double.infinity, bestRound: Int?
    /// Rounds since the last improvement.
    public private(set) var roundsWithoutImprovement = 0

    /// A rule with a patience of at least 1 round (clamped).
    public init(patience: Int, minimumImprovement: Double = 0) {
        self.patience = max(1, patience); self.minimumImprovement = max(0, minimumImprovement)
    }

    /// Records a round's federated validation loss; returns whether training should stop.
    /// A NaN loss counts as no improvement.
    public mutating func observe(loss: Double, round: Int) -> Bool {
        if loss < bestLoss - minimumImprovement {
            bestLoss = loss; bestRound = round; roundsWithoutImprovement = 0
        } else {
            roundsWithoutImprovement += 1
        }
        return roundsWithoutImprovement >= patience
    }
}
