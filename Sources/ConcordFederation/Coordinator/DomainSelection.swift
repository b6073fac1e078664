public import ConcordChem
public import ConcordML

/// How the transfer set is chosen from the public pool.
public struct TransferSelection: Sendable, Hashable {
    /// Public molecules screened before the transfer set is chosen; `0` (FLuID) draws the
    /// transfer set at random with no screening.
    public var poolSize: Int
    /// Share of the transfer set chosen by the partners' domains; the rest is drawn at random
    /// from the screened pool, so the student still sees the wider chemistry.
    public var domainFraction: Double

    public init(poolSize: Int = 0, domainFraction: Double = 0.5) {
        self.poolSize = poolSize; self.domainFraction = domainFraction
    }

    /// No screening: FLuID's random transfer set.
    public static let random = TransferSelection(poolSize: 0)

    /// Whether the pool is screened.
    public var screens: Bool { poolSize > 0 }
}

/// One partner's answer to a screening: how close each screened public molecule lies to its
/// own chemistry. It is the distance half of an ``Annotation`` — no prediction — on the
/// screened pool; abstentions (the partner's own molecules) carry no distance.
public struct Screening: Sendable, Hashable {
    /// The partner's name.
    public var partner: String
    /// Mean distance to the partner's k nearest reference molecules, per screened molecule.
    public var distances: [Double]
    /// `true` where the partner declined to answer (a molecule of its own). Empty: none.
    public var abstained: [Bool]

    public init(partner: String, distances: [Double], abstained: [Bool] = []) {
        self.partner = partner; self.distances = distances; self.abstained = abstained
    }
}

/// Domain-aware transfer selection at the coordinator: from a screened public pool, the
/// molecules that lie inside the partners' applicability domains, balanced across partners.
public enum DomainSelection {
    /// Chooses `size` of the screened molecules.
    ///
    /// `round(size × domainFraction)` are taken partner by partner in turn, each partner's
    /// nearest not-yet-chosen molecule (its abstentions skipped), so every partner's chemistry
    /// is represented equally however large its data set; the rest are drawn at random (seeded)
    /// from the molecules not chosen. The result is in pool order.
    /// - Throws: ``FederationError/inconsistentAnnotations(_:partner:cause:)`` when screenings differ in length.
    public static func choose(_ screenings: [Screening], size: Int, domainFraction: Double,
                              seed: UInt64) throws(FederationError) -> [Int] {
        guard let n = screenings.first?.distances.count else { return [] }
        for s in screenings where s.distances.count != n || (!s.abstained.isEmpty && s.abstained.count != n) {
            throw .inconsistentAnnotations("\(s.partner) screened \(s.distances.count) molecules, expected \(n)", partner: s.partner)
        }
        guard size < n else { return Array(0..<n) }
        let byDomain = min(size, max(0, Int((Double(size) * min(max(domainFraction, 0), 1)).rounded())))
        var chosen = [Bool](repeating: false, count: n)
        var taken = 0
        if byDomain > 0 && !screenings.isEmpty {
            let orders: [[Int]] = screenings.map { s in
                (0..<n).filter { !(s.abstained.isEmpty ? false : s.abstained[$0]) && s.distances[$0].isFinite }
                    .sorted { a, b in s.distances[a] != s.distances[b] ? s.distances[a] < s.distances[b] : a < b }
            }
            var cursors = [Int](repeating: 0, count: orders.count)
            var progressed = true
            while taken < byDomain && progressed {
                progressed = false
                for p in orders.indices where taken < byDomain {
                    while cursors[p] < orders[p].count && chosen[orders[p][cursors[p]]] { cursors[p] += 1 }
                    guard cursors[p] < orders[p].count else { continue }
                    chosen[orders[p][cursors[p]]] = true
                    taken += 1; progressed = true
                }
            }
        }
        var rng = SeededRandom(seed: seed)
        for m in Splits.shuffled((0..<n).filter { !chosen[$0] }, &rng) where taken < size {
            chosen[m] = true; taken += 1
        }
        return (0..<n).filter { chosen[$0] }
    }
}

extension TransferSet {
    /// A simulated coordinator's transfer set: `size` molecules drawn from `pool` (held-out
    /// molecules excluded), or, when `selection` screens, its pool screened by the partners'
    /// `teachers` (domain distances only) and the molecules ``DomainSelection`` chooses kept.
    /// Classification and regression simulations draw their transfer sets here.
    /// - Parameters:
    ///   - seeds: the job's seed tree (its transfer stage seeds the draw, its screening stage the random share of a screened choice).
    ///   - teachers: the partners' teachers (not T0), which screen at the partners.
    /// - Throws: ``FederationError`` from a screening or the choice.
    static func simulated(pool: [String], size: Int, selection: TransferSelection, excluding heldOut: Set<MoleculeIdentityKey>,
                          options: MorganOptions, seeds: SeedTree, preferred: Int, cache: PoolFeatureCache?,
                          teachers: [Teacher], guard selfGuard: SelfAnnotationGuard,
                          parallelism: Int) async throws(FederationError) -> TransferSet {
        let drawn = await sample(pool: pool, size: selection.screens ? selection.poolSize : size, excluding: heldOut, options: options,
                                 seed: seeds.stage(.transfer).seed, preferred: preferred, cache: cache, parallelism: parallelism)
        guard selection.screens, drawn.count > size else { return drawn }
        var screenings: [Screening] = []
        for teacher in teachers {
            screenings.append(try await teacher.screen(drawn.features, keys: drawn.keys, guard: selfGuard, parallelism: parallelism))
        }
        return drawn.subset(try DomainSelection.choose(screenings, size: size, domainFraction: selection.domainFraction, seed: seeds.stage(.screening).seed))
    }

    /// The molecules at `rows` (in that order), with the counts of how this set was drawn.
    public func subset(_ rows: [Int]) -> TransferSet {
        TransferSet(smiles: rows.map { smiles[$0] }, features: features.rows(rows), keys: rows.map { keys[$0] },
                    examined: examined, unparsable: unparsable, duplicates: duplicates, removedAsHeldOut: removedAsHeldOut)
    }
}

extension Teacher {
    /// Screens public molecules without training a model: exactly the ``Screening`` that a
    /// teacher trained by ``train(partner:features:labels:keys:recipe:domain:seeds:measureReliability:parallelism:)``
    /// with the same molecules, domain settings and seed tree would give (the domain reference depends
    /// on those alone), at the cost of the domain reference only.
    /// - Throws: ``FederationError``.
    public static func screen(partner: String, features: FingerprintMatrix, keys: [MoleculeIdentityKey] = [], domain: DomainSettings,
                              seeds: SeedTree, pool: FingerprintMatrix, poolKeys: [MoleculeIdentityKey] = [],
                              guard selfGuard: SelfAnnotationGuard = .off,
                              parallelism: Int = defaultParallelism) async throws(FederationError) -> Screening {
        guard domain.k >= 1, domain.sampleFraction > 0, domain.sampleFraction <= 1 else {
            throw .invalidSetting("domain needs k ≥ 1 and a sample fraction in (0, 1]")
        }
        // A teacher whose model is never asked: screening reads only its domain and its private molecules.
        let screener = Teacher(partner: partner, model: ConstantClassifier(probability: 0.5),
                               domain: try domainReference(features, domain: domain, seeds: seeds), trainSize: 0, reliability: nil,
                               privateFeatures: features, privateKeys: Set(keys))
        return try await screener.screen(pool, keys: poolKeys, guard: selfGuard, parallelism: parallelism)
    }

    /// Screens public molecules: the domain distance of each (no prediction), with the same
    /// self-annotation guard as ``annotate(_:keys:guard:parallelism:)``.
    /// - Throws: ``FederationError/inconsistentAnnotations(_:partner:cause:)`` when the fingerprint length differs.
    public func screen(_ pool: FingerprintMatrix, keys: [MoleculeIdentityKey] = [], guard selfGuard: SelfAnnotationGuard = .off,
                       parallelism: Int = defaultParallelism) async throws(FederationError) -> Screening {
        var distances: [Double]
        do { distances = try await domain.meanDistances(pool, parallelism: parallelism) }
        catch { throw .inconsistentAnnotations("the partner's fingerprints do not fit", partner: partner, cause: error) }
        let abstained = try await abstentions(pool, keys: keys, guard: selfGuard, parallelism: parallelism)
        for m in abstained.indices where abstained[m] { distances[m] = 0 }
        return Screening(partner: partner, distances: distances, abstained: abstained)
    }
}
