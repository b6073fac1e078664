import Foundation
import ConcordML

extension FederatedRunOptions {
    /// When the updates of a run over `sites` (the whole federation, in order) with
    /// `configuration` arrive, for the straggler deadline (nil without a deadline): the fixed
    /// ``arrivalTimes`` every round, or times simulated from each site's work — its training rows
    /// times the local epochs, or the local steps times the batch size — and the run's seed
    /// (``ArrivalTimes/simulated(work:rounds:seed:)``).
    /// - Throws: ``FederatedLearningError`` `.lengthMismatch` naming the sites when the fixed
    ///   times are not one per site.
    public func arrivalTimes(for sites: [FederatedSite], _ configuration: FederatedTrainingConfiguration) throws(FederatedLearningError) -> ArrivalTimes? {
        guard deadline != nil else { return nil }
        if let arrivalTimes {
            guard arrivalTimes.count == sites.count else {
                throw FederatedLearningError(.lengthMismatch, "\(arrivalTimes.count) arrival time\(arrivalTimes.count == 1 ? "" : "s") given for \(sites.count) sites; "
                                             + "give one per site, in this order: \(sites.map(\.name).joined(separator: ", "))",
                                             context: .init(expected: sites.count, found: arrivalTimes.count))
            }
            return .fixed(arrivalTimes)
        }
        let work = sites.map { site in configuration.localSteps.map { $0 * configuration.batchSize } ?? site.trainingInputs.rows * configuration.localEpochs }
        return .simulated(work: work, rounds: configuration.rounds, seed: configuration.seed)
    }

    /// Refuses a deadline that is not a positive number of seconds, arrival times that are
    /// negative or not finite, and arrival times without a deadline.
    func validateDeadline() throws(FederatedLearningError) {
        if let deadline, !(deadline.isFinite && deadline > 0) {
            throw FederatedLearningError(.invalidOption, "the round deadline must be a positive number of seconds, got \(deadline)")
        }
        guard let arrivalTimes else { return }
        guard deadline != nil else { throw FederatedLearningError(.invalidOption, "arrival times need a round deadline to compare with") }
        if let bad = arrivalTimes.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
            throw FederatedLearningError(.invalidOption, "an arrival time must be a non-negative number of seconds, got \(arrivalTimes[bad])", context: .init(site: bad))
        }
    }

    /// The deadline in words, for results' notes (nothing without one).
    var deadlineNotes: [String] {
        guard let deadline else { return [] }
        let arrivals = arrivalTimes.map { "fixed arrival times (s), in site order, every round: " + $0.map { String(format: "%g", $0) }.joined(separator: ", ") }
            ?? "simulated arrival times: a site needs its training rows × local epochs (or local steps × batch size) / \(Int(ArrivalTimes.rowsPerSecond)) seconds, "
            + "times a log-normal delay factor exp(\(ArrivalTimes.jitter)·Z) drawn from the seed for each site and round (median 1)"
        return ["straggler deadline: an update arriving more than \(String(format: "%g", deadline)) s after the round opened is dropped (a round with no update in time "
                + "keeps the model as it was); \(arrivals)"]
    }
}
