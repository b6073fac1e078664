import Foundation
import ConcordML

extension ClinicalSimulation {
    /// A federated run's rounds as results record them: the loss, each site's weight and, with a
    /// straggler deadline, the sites whose updates came too late.
    static func clinicalRounds(_ trained: FederatedTrainingResult, sites names: [String], deadline: Double?) -> [ClinicalRound] {
        trained.rounds.map { r in
            ClinicalRound(round: r.round, loss: r.validationLoss.isFinite ? r.validationLoss : nil,
                          weights: Dictionary(uniqueKeysWithValues: zip(names, r.weights)),
                          dropped: deadline == nil ? nil : r.dropped.filter(names.indices.contains).map { names[$0] })
        }
    }

    /// With a straggler deadline, how many of the `federated` model's updates each site had dropped
    /// (the mean over seeds) and a note saying so; nil without a deadline.
    static func droppedUpdates(_ federated: ClinicalModelResult?, sites names: [String], settings: ClinicalSimulationSettings)
        -> (counts: [String: Double], note: String)? {
        guard settings.options.deadline != nil, let federated, !federated.seeds.isEmpty else { return nil }
        var counts: [String: Double] = [:]
        for name in names {
            let each = federated.seeds.map { seed in seed.rounds.filter { $0.dropped?.contains(name) == true }.count }
            counts[name] = Double(each.reduce(0, +)) / Double(each.count)
        }
        let rounds = federated.seeds.map(\.rounds.count).max() ?? 0
        let perSite = names.map { "\($0) \(String(format: "%g", counts[$0] ?? 0))" }.joined(separator: ", ")
        let note = "updates dropped at the deadline, per site (of \(rounds) rounds\(federated.seeds.count > 1 ? ", mean over seeds" : "")): \(perSite)"
        return (counts, note)
    }
}
