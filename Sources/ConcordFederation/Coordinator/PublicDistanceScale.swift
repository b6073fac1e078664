import Foundation
public import ConcordChem
import ConcordML

/// How the partners' domain distances become domain weights.
public enum DistanceScale: String, Sendable, Hashable, CaseIterable, Codable {
    /// FLuID's: one minimum and maximum over every partner's distances, so the coordinator must
    /// see every partner's distances (``Federation/domainWeights(_:power:)``).
    case pooled
    /// A scale every partner applies alone: `u = max(0, 1 − d / reach)^power` with a public
    /// reach (``PublicDistanceScale``), so the consensus needs only the sums `Σ u·p` and `Σ u`.
    case `public`
}

/// A domain-distance scale a partner can apply without seeing any other partner's distances.
///
/// A partner's weight for a public molecule at domain distance `d` is
/// `u = max(0, 1 − d / reach)^power` (0 below 2⁻⁶⁰), and `0` where it abstains. `reach` is public: `1` for a
/// Tanimoto distance (which lies in [0, 1]), or, for a Euclidean one, a number the coordinator
/// derives from the public transfer set alone (``reach(transfer:domain:sampleSize:parallelism:)``)
/// and publishes with the job.
///
/// Normalised over partners, `(1 − d/reach)^power ∝ (reach − d)^power`: the pooled scale is the
/// special case `reach` = the largest distance any partner reported (its minimum cancels), so a
/// public reach near that maximum keeps the pooled weights' sharpness.
public struct PublicDistanceScale: Sendable, Hashable, Codable {
    /// The distance at which a weight reaches 0.
    public var reach: Double
    /// The exponent of the weights.
    public var power: Double

    public init(reach: Double, power: Double = Federation.fluidWeightPower) { self.reach = reach; self.power = power }

    /// Public molecules the Euclidean reach compares each transfer molecule with.
    public static let defaultSampleSize = 256

    /// Checks the reach and the power.
    /// - Throws: ``FederationError/invalidSetting(_:field:cause:)`` when either is not a positive number.
    public func validate() throws(FederationError) {
        guard reach > 0, reach.isFinite else { throw .invalidSetting("the public distance reach must be a positive number, not \(reach)", field: "reach") }
        guard power > 0, power.isFinite else { throw .invalidSetting("the domain weights' power must be a positive number, not \(power)", field: "weightPower") }
    }

    /// The smallest weight that counts, 2⁻⁶⁰; below it a weight is 0, so a consensus in the clear and one
    /// from a secure sum's fixed-point words (``SecureConsensus``, resolution far finer) agree.
    public static let minimumWeight = 0x1p-60

    /// The weight of a molecule at domain distance `d`: `max(0, 1 − d / reach)^power`, 0 below ``minimumWeight``.
    public func weight(_ d: Double) -> Double {
        let scaled = 1 - d / reach
        guard scaled > 0 else { return 0 }
        guard scaled < 1 else { return 1 }
        let u = power == 2 ? scaled * scaled : Foundation.pow(scaled, power)
        return u >= Self.minimumWeight ? u : 0
    }

    /// The public reach for the domain measure `domain` on the transfer set: `1` for Tanimoto; for
    /// Euclidean, the largest mean distance from a transfer molecule to its `domain.k` nearest among
    /// `sampleSize` evenly spaced transfer molecules (the transfer set is a seeded random draw, so
    /// they are a random public sample). It reads public molecules only, so the coordinator can
    /// compute and publish it; every partner then weights with the same scale.
    /// - Throws: ``FederationError/invalidData(_:cause:)`` when the neighbour search fails,
    ///   ``FederationError/invalidSetting(_:field:cause:)`` for a sample smaller than k.
    /// - Complexity: O(transfer × sampleSize) fingerprint comparisons.
    public static func reach(transfer: FingerprintMatrix, domain: DomainSettings, sampleSize: Int = defaultSampleSize,
                             parallelism: Int = defaultParallelism) async throws(FederationError) -> Double {
        if domain.metric == .tanimoto { return 1 }
        guard transfer.rowCount > 0 else { throw .invalidData("no transfer molecules to derive the public reach from") }
        let size = min(sampleSize, transfer.rowCount)
        guard size >= domain.k else {
            throw .invalidSetting("the public reach needs at least k = \(domain.k) sample molecules, not \(size)", field: "sampleSize")
        }
        let step = Double(transfer.rowCount) / Double(size)
        let rows = (0..<size).map { min(transfer.rowCount - 1, Int(Double($0) * step)) }
        let distances: [Double]
        do {
            distances = try await NeighborSearch.kNearest(queries: transfer, references: transfer.rows(rows), k: domain.k,
                                                          metric: domain.metric, parallelism: parallelism).meanDistances
        } catch { throw .invalidData("cannot derive the public reach from the transfer set", cause: error) }
        let reach = distances.filter(\.isFinite).max() ?? 0
        guard reach > 0 else { throw .invalidData("the transfer set's molecules are all identical; no public reach") }
        return reach
    }
}
