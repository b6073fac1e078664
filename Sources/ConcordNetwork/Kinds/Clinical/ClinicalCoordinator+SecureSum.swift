import ConcordClinical
import ConcordFederation
import ConcordML
import ConcordPrivacy
import ConcordStorage
import ConcordWire
import Foundation

extension ClinicalCoordinator {
    /// The public weights of a round's participants and the round's total training rows.
    static func secureWeights(_ participants: [Int], rows: [Int?], _ configuration: FederatedTrainingConfiguration,
                              _ context: CoordinatorJobContext) throws(CoordinatorRefusal) -> (weights: [Double], total: Int) {
        let counts = participants.map { rows.indices.contains($0) ? rows[$0] ?? 0 : 0 }
        do { return (try SecureUpdate.weights(rows: counts, weighting: configuration.strategy.weighting), counts.reduce(0, +)) }
        catch { throw CoordinatorRefusal(.failedPrecondition, "the round's secure-aggregation weights", context: .init(job: context.job.id), cause: error) }
    }

    /// The open round's secure sum: its parties are the round's participants that sent a certificate.
    func secureSum(_ spec: ClinicalJobSpec, _ record: ClinicalServerRecord, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> SecureSumCoordinator {
        guard let round = record.openRound, let stored = try await context.artifact(SecureSumWire.roster) else {
            throw CoordinatorRefusal(.failedPrecondition, "no round with secure aggregation is open", context: .init(job: context.job.id))
        }
        let configuration = try Self.configuration(spec, context)
        do {
            let members = try SecureSumWire.decode(SecureSumRoster.self, from: stored.data)
            let roster = try await members.roster(sites: Set(record.participants), ca: nil).roster
            let layout = SecureUpdate(parameterCount: configuration.network.parameterCount, controls: configuration.strategy.usesControlVariates)
            let settings = SecAggConfiguration.clinical(job: context.job.id, seed: spec.job.seed, round: round, parties: roster.count,
                                                        participants: record.participants.count, layout: layout)
            try settings.validate()
            return SecureSumCoordinator(configuration: settings, roster: roster, round: round, deadlineS: spec.job.collectionDeadlineS)
        } catch let error as CoordinatorRefusal { throw error } catch {
            throw CoordinatorRefusal(.failedPrecondition, "round \(round)'s secure aggregation", context: .init(job: context.job.id), cause: error)
        }
    }

    /// Once the open round's secure sum is complete: the previous model's federated loss, the
    /// weighted mean of the included sites' models, the next round or the final model.
    func aggregateSecurely(_ spec: ClinicalJobSpec, _ record: ClinicalServerRecord, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        var record = record
        guard let round = record.openRound else { throw CoordinatorRefusal(.internalError, "no open round", context: .init(job: context.job.id)) }
        let protocolRound = try await secureSum(spec, record, context)
        let result: SecAggResult
        switch try await protocolRound.advance(context) {
        case .waiting(let text): return text == context.job.message ? [] : [JobTransition(ClinicalJob.training, text)]
        case .finished(let sum): result = sum
        }
        let configuration = try Self.configuration(spec, context)
        let (weights, total) = try Self.secureWeights(record.participants, rows: record.trainingRows, configuration, context)
        var byParticipant: [Int: Double] = [:]
        for (s, w) in zip(record.participants, weights) { byParticipant[s] = w }
        let included = result.included.compactMap { spec.sites.firstIndex(of: protocolRound.roster.ids[$0]) }
        let layout = SecureUpdate(parameterCount: configuration.network.parameterCount, controls: configuration.strategy.usesControlVariates)
        let sum: SecureUpdate.Sum
        do { sum = try layout.read(result.values, scale: Double(total)) }
        catch { throw CoordinatorRefusal(.internalError, "reading round \(round)'s secure sum", context: .init(job: context.job.id), cause: error) }
        if round > 1 {
            record.server.record(validationLoss: sum.loss)
            if record.server.isFinished {
                return try await publish(record, spec, context, note: "early stopping after round \(round - 1) (no improvement for \(spec.clinical.patience) rounds); ")
            }
        }
        do { try record.server.aggregate(secureSum: sum, included: included, participants: record.participants, weights: byParticipant, strategy: configuration.strategy) }
        catch { throw CoordinatorRefusal(.failedPrecondition, "aggregating round \(round)", context: .init(job: context.job.id), cause: error) }
        let left = record.participants.filter { !included.contains($0) }.map { spec.sites[$0] }
        let note = "round \(round) aggregated by secure sum of \(included.count) sites" + (left.isEmpty ? "" : " (without \(left.joined(separator: ", ")))") + "; "
        if record.server.state.round >= record.server.plannedRounds { return try await publish(record, spec, context, note: note) }
        return try await open(record.server, spec, configuration, rows: record.trainingRows, positives: record.trainingPositives, context, note: note)
    }
}

extension SecAggConfiguration {
    /// A clinical job's secure sum in `round`, as the coordinator and every site derive it alike:
    /// the neighbour graph from the job's seed tree (`index(3).index(round)`), the vector of
    /// ``ConcordClinical/SecureUpdate``'s layout, the fixed-point encoding of the round's participants.
    static func clinical(job: String, seed: UInt64, round: Int, parties: Int, participants: Int, layout: SecureUpdate) -> SecAggConfiguration {
        .round(job: job, kind: ClinicalJob.name, round: round, parties: parties, graphSeed: SeedTree(seed).index(3).index(round).seed,
               vectorLength: layout.length, encoding: SecureUpdate.encoding(partyCount: participants))
    }
}
