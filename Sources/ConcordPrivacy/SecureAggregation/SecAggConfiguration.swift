import Foundation
import Crypto

/// The public parameters of one secure aggregation, agreed by the coordinator and every party.
///
/// Its ``session`` names one aggregation (a job and round) and must never repeat: the session,
/// the parameters and the roster's digest are bound into every signature, key derivation and
/// ciphertext, so messages of one session are worthless in another.
public struct SecAggConfiguration: Sendable, Hashable, Codable {
    /// A name unique to this aggregation (for example "job-42/round-7").
    public var session: String
    /// The roster's size n.
    public var partyCount: Int
    /// The Shamir threshold t: shares of a secret from t members of its owner's group rebuild it.
    public var threshold: Int
    /// Neighbours per party (n − 1 for all-to-all; else even).
    public var degree: Int
    /// The public seed of the neighbour graph's permutation (from the job's seed tree).
    public var graphSeed: UInt64
    /// The length d of every party's vector.
    public var vectorLength: Int
    /// How real values become ring elements.
    public var encoding: FixedPointEncoding

    /// The most parties one aggregation accepts.
    public static let maximumParties = 10_000
    /// The longest vector one aggregation accepts (2²⁸ words, 2 GiB).
    public static let maximumVectorLength = 1 << 28

    /// A configuration; see ``validate()`` for the rules.
    public init(session: String, partyCount: Int, threshold: Int, degree: Int, graphSeed: UInt64 = 0,
                vectorLength: Int, encoding: FixedPointEncoding) {
        self.session = session; self.partyCount = partyCount; self.threshold = threshold; self.degree = degree
        self.graphSeed = graphSeed; self.vectorLength = vectorLength; self.encoding = encoding
    }

    /// The threshold SecAgg+ would choose for a group of `groupSize`: a strict majority, ⌊g/2⌋ + 1.
    public static func majorityThreshold(groupSize: Int) -> Int { groupSize / 2 + 1 }

    /// Concord's settings for a secure sum of `partyCount` parties: all-to-all for up to 16
    /// parties, else a neighbour graph of even degree about 3·log₂ n (SecAgg+), and a threshold of
    /// a strict majority of a party's group.
    public static func standard(session: String, partyCount: Int, graphSeed: UInt64, vectorLength: Int,
                                encoding: FixedPointEncoding) -> SecAggConfiguration {
        var degree = partyCount - 1
        if partyCount > 16 {
            let log = Int((3 * log2(Double(partyCount))).rounded(.up))
            degree = min(partyCount - 1, log + log % 2)
        }
        return SecAggConfiguration(session: session, partyCount: partyCount,
                                   threshold: majorityThreshold(groupSize: min(partyCount, degree + 1)), degree: degree,
                                   graphSeed: graphSeed, vectorLength: vectorLength, encoding: encoding)
    }

    /// Checks the parameters.
    ///
    /// The threshold must be a strict majority of a group (2t > k + 1), so that the coordinator
    /// cannot gather both the self-mask shares and the masking-key shares of one party from two
    /// disjoint sets of honest parties, and at most the group's size.
    /// - Throws: ``PrivacyError`` `.invalidParameter` for a bad size, threshold, degree or session,
    ///   `.overflow` when n values at the bound could overflow the sum.
    public func validate() throws(PrivacyError) {
        guard !session.isEmpty, session.utf8.count <= 1024 else {
            throw PrivacyError(.invalidParameter, "the session name must have 1–1024 bytes", context: .init(parameter: "session"))
        }
        guard (1...Self.maximumParties).contains(partyCount) else {
            throw PrivacyError(.invalidParameter, "secure aggregation takes 1–\(Self.maximumParties) parties",
                               context: .init(parameter: "partyCount", value: Double(partyCount)))
        }
        guard (1...Self.maximumVectorLength).contains(vectorLength) else {
            throw PrivacyError(.invalidParameter, "the vector length must be 1–\(Self.maximumVectorLength)",
                               context: .init(parameter: "vectorLength", value: Double(vectorLength)))
        }
        let graph = try self.graph()
        guard threshold <= graph.groupSize, 2 * threshold > graph.groupSize else {
            throw PrivacyError(.invalidParameter, "the threshold must be a strict majority of a group of \(graph.groupSize) and at most its size",
                               context: .init(parameter: "threshold", value: Double(threshold)))
        }
        try encoding.validate(partyCount: partyCount)
    }

    /// The neighbour graph.
    /// - Throws: as ``SecAggNeighbourGraph/init(partyCount:degree:seed:)``.
    public func graph() throws(PrivacyError) -> SecAggNeighbourGraph {
        try SecAggNeighbourGraph(partyCount: partyCount, degree: degree, seed: graphSeed)
    }

    /// The largest payload (see ``SecAggPartyMessage/payloadBytes``) a legitimate message of this
    /// aggregation can have, either way: a transport can refuse anything much longer before decoding it.
    /// - Throws: as ``graph()``.
    public func maximumPayloadBytes() throws(PrivacyError) -> Int {
        let k = try graph().degree, n = partyCount
        let keys = 4 + 2 * SecAggCrypto.publicKeyBytes + SecAggCrypto.signatureBytes
        let sealed = 8 + SecAggCrypto.shareCiphertextBytes, share = 4 + 8 * Shamir.chunks
        return [keys * (k + 1), 4 + sealed * k, 4 + 8 * vectorLength, 4 + (k + 1) * share,
                4 * n + n * (4 + SecAggCrypto.signatureBytes)].max() ?? 0
    }

    /// SHA-256 over every parameter and the roster's digest: the session binding of all messages.
    func sessionDigest(roster: SecAggRoster) -> [UInt8] {
        var bytes = Array("concord.secagg.v1.session".utf8) + Wire.string(session)
        bytes += Wire.uint32(partyCount) + Wire.uint32(threshold) + Wire.uint32(degree) + Wire.uint64(graphSeed)
        bytes += Wire.uint64(UInt64(vectorLength)) + Wire.uint64(encoding.bound.bitPattern) + Wire.uint32(encoding.fractionalBits)
        bytes += roster.digest
        return Array(SHA256.hash(data: bytes))
    }
}
