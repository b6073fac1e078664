import ConcordFederation
import ConcordPrivacy
import ConcordSecurity
import Crypto
import Foundation
import SwiftASN1
import X509

/// The names and payloads of the secure-sum phase group (SecAgg+ from ``ConcordPrivacy``) that a
/// job kind composes into a phase: the parties' messages travel as uploads, the coordinator's as
/// artifacts, all JSON of ConcordPrivacy's message types (`SecAggPartyMessage`,
/// `SecAggServerMessage`), so a node in any language can take part from their documented fields.
///
/// - Upload `identity` (chunk 0, once per job): the site's certificate, DER.
/// - Artifact `secagg-roster`: every site that sent an identity, with its certificate; each node
///   checks every certificate against the consortium CA and its name before it trusts a key.
/// - Uploads `secagg-keys`, `secagg-shares`, `secagg-masked`, `secagg-consistency`,
///   `secagg-unmasking` (chunk = the round): one party message each, in that order.
/// - Artifacts `secagg-RRRR-1` … `secagg-RRRR-4`: the coordinator's messages after stages 1–4
///   close, to every party still in (an array of `{"party": i, "message": …}`; shares are sealed
///   to their recipient).
public enum SecureSumWire {
    /// The upload that carries a site's certificate.
    public static let identity = SecureSumNames.identity
    /// The artifact that lists the parties' certificates.
    public static let roster = SecureSumNames.roster
    /// The five stages' uploads, in protocol order.
    public static let uploads = SecureSumNames.uploads
    /// The coordinator's messages after stage `stage` (1…4) of `round` close.
    public static func serverArtifact(round: Int, stage: Int) -> String { "secagg-\(RoundNames.padded(round))-\(stage)" }
    /// The coordinator's private record of a round's protocol.
    static func stateArtifact(round: Int) -> String { "secagg-state-\(RoundNames.padded(round))" }
    /// The largest identity upload (a certificate).
    static let maximumCertificateBytes = 16 * 1024

    /// The artifact names partners of a job of `rounds` rounds may fetch.
    public static func partnerArtifacts(rounds: Int) -> [String] {
        [roster] + (1...max(1, rounds)).flatMap { r in (1...4).map { serverArtifact(round: r, stage: $0) } }
    }

    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T { try JSONDecoder().decode(type, from: data) }
}

/// The parties of a job's secure sums: each site that sent its certificate.
struct SecureSumRoster: Codable, Sendable, Hashable {
    /// One party.
    struct Member: Codable, Sendable, Hashable {
        /// The site's partner name (its certificate's common name).
        var partner: String
        /// The site's index among the job's sites.
        var site: Int
        /// Its certificate, DER.
        var certificate: Data
    }
    /// The parties, in site order.
    var members: [Member]

    /// The SecAgg+ roster of the members among `sites` (each member's certificate key), checked
    /// against the consortium's CA when `ca` is given (a node checks; the coordinator knows its callers).
    /// - Throws: ``SecurityError`` for a certificate that does not parse, chain to `ca`, or name its member.
    func roster(sites: Set<Int>, ca: Certificate?) async throws -> (roster: SecAggRoster, members: [Member]) {
        var keys: [String: P256.Signing.PublicKey] = [:], chosen: [Member] = []
        for member in members where sites.contains(member.site) {
            let certificate = try Certificate(derEncoded: Array(member.certificate))
            if let ca { try await verifyChain(leaf: certificate, ca: ca) }
            let identity = try PartyIdentity(certificate: certificate)
            guard identity.name == member.partner, identity.role == .partner, let key = P256.Signing.PublicKey(certificate.publicKey) else {
                throw SecurityError.chainInvalid(party: member.partner, reason: "the roster's certificate names '\(identity.name)' (\(identity.role.rawValue)), or its key is not P-256")
            }
            keys[member.partner] = key
            chosen.append(member)
        }
        return (try SecAggRoster(keys), chosen)
    }
}

/// The coordinator's messages after one stage, to each party still in.
struct SecureSumDelivery: Codable, Sendable {
    struct Entry: Codable, Sendable {
        var party: Int
        var message: SecAggServerMessage
    }
    var entries: [Entry]
}

extension SecAggConfiguration {
    /// The secure sum of one round of a job, with ``SecAggConfiguration/standard(session:partyCount:graphSeed:vectorLength:encoding:)``'s
    /// graph and threshold and a session naming the job, its kind and the round.
    static func round(job: String, kind: String, round: Int, parties: Int, graphSeed: UInt64, vectorLength: Int,
                      encoding: FixedPointEncoding) -> SecAggConfiguration {
        .standard(session: "concord.\(kind)/\(job)/round-\(round)", partyCount: parties, graphSeed: graphSeed,
                  vectorLength: vectorLength, encoding: encoding)
    }
}
