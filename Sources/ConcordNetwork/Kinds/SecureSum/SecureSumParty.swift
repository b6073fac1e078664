import ConcordFederation
import ConcordPrivacy
import ConcordSecurity
import ConcordStorage
import ConcordWire
import Crypto
import Foundation
import GRPCCore
import Logging

/// A node's side of one round's secure sum: it takes part in SecAgg+ through the job's uploads and
/// artifacts until the coordinator has what it needs from this party (its unmasking shares) or has
/// gone on without it.
///
/// The party's secrets come from one 256-bit seed drawn from the system's entropy and kept in the
/// node's store (mode 0600, beside the node's other private state), so a node killed mid-protocol
/// rebuilds the same party by replaying the coordinator's published messages, and sends the same
/// messages again (the coordinator keeps the first of each). Its signing key is the private key of
/// its consortium certificate; it trusts another party's key only in a certificate that chains to
/// the consortium CA and names that party.
struct SecureSumParty {
    let configuration: SecAggConfiguration
    let round: Int
    let partner: String

    /// Runs the protocol with `vector` as this party's input.
    /// - Parameters:
    ///   - still: whether the job is still in this round's protocol (false: the coordinator went on).
    /// - Returns: whether this party gave its unmasking shares (false: it was left out).
    func run<Transport>(_ session: NodeSession<Transport>, jobID: String, vector: [Double], members: SecureSumRoster, sites: Set<Int>,
                        still: @Sendable (Concord_V2_JobView) throws -> Bool) async throws -> Bool {
        let material = try TLSMaterial.load(directory: session.config.url(session.config.tls.directory), name: session.config.tls.name)
        let roster: SecAggRoster
        do { roster = try await members.roster(sites: sites, ca: material.caCertificate).roster }
        catch { throw NodeError("round \(round): the secure-aggregation roster", code: .integrity, context: .init(job: jobID), cause: error) }
        let seedKey = "secagg/" + RoundNames.padded(round) + "/seed"
        let seed: SecretSeed
        if let stored = try await session.store.get(seedKey, job: jobID) {
            do { seed = try SecretSeed(bytes: stored) } catch { throw NodeError("the stored secure-aggregation seed", code: .integrity, context: .init(job: jobID), cause: error) }
        } else {
            seed = .random()
            try await session.store.put(seedKey, job: jobID, data: Data(seed.bytes))
        }
        var party: SecAggParty
        var message: SecAggPartyMessage
        do {
            party = try SecAggParty(configuration: configuration, roster: roster, id: partner, identity: material.privateKey, input: vector,
                                    secrets: .reproducible(seed))
            message = .keys(try party.advertise())
        } catch { throw NodeError("round \(round): joining the secure sum", code: .integrity, context: .init(job: jobID), cause: error) }
        var view = try await session.refreshed(jobID)
        for stage in SecureSumWire.uploads.indices {
            let upload = SecureSumWire.uploads[stage]
            if !ClinicalPartner.held(upload, view).contains(round) {
                let payload = try SecureSumWire.encode(message)
                do {
                    try await session.upload(upload, [(round, payload, "round \(round): secure aggregation, \(message.stage.rawValue) (\(message.payloadBytes) bytes; the model only masked)")],
                                             of: round, job: jobID, requireComplete: false)
                } catch let error as NodeError where error.code == .refused && (error.cause as? RPCError)?.code == .failedPrecondition {
                    // A retry refused because the stage closed may follow a first copy the coordinator
                    // stored before it failed (and then counted us in): we are out only if it holds none.
                    view = try await session.refreshed(jobID)
                    if !ClinicalPartner.held(upload, view).contains(round) {
                        session.logger.warning("round \(round): the coordinator did not take our \(message.stage.rawValue) message (\(error.message)); left out of this round")
                        return false
                    }
                }
            }
            if stage == SecureSumWire.uploads.count - 1 { return true }
            let name = SecureSumWire.serverArtifact(round: round, stage: stage + 1)
            view = try await session.refreshed(jobID)  // our message may have been the stage's last
            while !view.artifacts.contains(where: { $0.name == name }) {
                guard try still(view) else { return false }
                view = try await session.next(after: view)
            }
            let delivery: SecureSumDelivery
            do { delivery = try SecureSumWire.decode(SecureSumDelivery.self, from: try await session.artifact(name, view: view, label: "round \(round) secure-aggregation stage \(stage + 1)")) }
            catch let error as NodeError { throw error } catch { throw NodeError("round \(round): the coordinator's stage \(stage + 1) messages", code: .integrity, context: .init(job: jobID), cause: error) }
            guard let mine = delivery.entries.first(where: { $0.party == party.index })?.message else {
                session.logger.warning("round \(round): the coordinator went on without us at secure-aggregation stage \(stage + 2)")
                return false
            }
            do { message = try await party.handle(mine) }
            catch { throw NodeError("round \(round): the coordinator's stage \(stage + 1) message is refused", code: .integrity, context: .init(job: jobID), cause: error) }
        }
        return true
    }
}
