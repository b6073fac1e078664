/// One seed tree: every random choice in Concord takes its seed from a path in it.
///
/// A job has one seed, the tree's root. Each stage of the job asks the tree for its own branch,
/// by name and, where a stage repeats, by index:
///
/// ```swift
/// let tree = SeedTree(job.seed)
/// let transfer = tree.stage(.transfer).seed                      // the transfer-set draw
/// let teacher = tree.partner(3).stage(.teacher).seed             // partner 3's teacher
/// let hybridDraw = tree.partner(3).stage(.hybridDraw).seed       // and its hybrid's public draw
/// ```
///
/// The simulation, the networked coordinator, a partner node and the studies walk the same paths,
/// so the same seed gives the same run everywhere. Every stage is listed once, in ``Stage``, so two
/// stages cannot share a branch by accident: a child's seed mixes its parent's seed with a tag that
/// carries both the kind of step (stage or index) and its value, through SplitMix64's finaliser,
/// and branches of different stages or indices are independent streams.
public struct SeedTree: Sendable, Hashable, CustomStringConvertible {
    /// The seed at this node of the tree (what a generator or a model's trainer takes).
    public let seed: UInt64

    /// The root of a tree (a job's seed), or a node given by its seed.
    public init(_ seed: UInt64) { self.seed = seed }

    /// A named stage of a job. Add a case for a new stage; never reuse or renumber one, or runs
    /// recorded before would change.
    public enum Stage: UInt64, Sendable, CaseIterable {
        // A job's stages (the simulation and the coordinator).
        /// The partners' branches (``SeedTree/partner(_:)`` is `stage(.partners).index(i)`).
        case partners = 1
        /// The virtual consortium of a simulation: the held-out split and the k-means clustering.
        case consortium = 2
        /// The draw of public molecules for the transfer set (or for a screened job's pool).
        case transfer = 3
        /// The random part of a domain-aware transfer set's choice among screened molecules.
        case screening = 4
        /// The student's selection from the consensus.
        case selection = 5
        /// The student's training.
        case student = 6
        /// Oracle students of a simulation, one per partner (a student from one teacher's annotations).
        case singleTeacherStudents = 7
        /// The chemical-space map of a report: which molecules are drawn.
        case map = 8
        /// The chemical-space map's projection.
        case mapProjection = 9
        /// Bootstrap resamples of the test molecules (one seed's confidence intervals).
        case bootstrap = 10
        /// The teacher-count study.
        case teacherCountStudy = 11
        /// The student-size study.
        case studentSizeStudy = 12
        /// The selection study.
        case selectionStudy = 13
        /// The simulation's reference partner T0, which holds every partner's data (its own stages hang under it).
        case upperBound = 14
        /// The secure sum of the consensus terms in a simulation (the public seed of its in-process SecAgg+ secrets).
        case consensusSecureSum = 15
        /// The membership-inference audit of a simulation (its choice of targets and its shadow models).
        case membershipAudit = 16
        /// The generalisation study's cut of the labelled sets into folds.
        case generalisationFolds = 17
        /// The generalisation study's bootstrap of its summaries over labelled sets.
        case generalisationBootstrap = 18

        // A partner's stages (the simulation's partner i, or a node from its own seed).
        /// The partner's own split of its data into training and validation molecules.
        case split = 20
        /// The partner's teacher (its training, and its domain reference sample).
        case teacher = 21
        /// The teacher's reliability, measured by cross-validation on the partner's own molecules.
        case reliability = 22
        /// The teacher's applicability-domain reference sample.
        case domainReference = 23
        /// The partner's hybrid model.
        case hybrid = 24
        /// The public molecules drawn into the partner's hybrid.
        case hybridDraw = 25
        /// The partner's split of its molecules into noisy-vote shards, and their sub-teachers.
        case voteShards = 26
        /// The partner's shares of the noisy-vote noise (a simulation's reproducible noise; a deployment draws from the system).
        case voteNoise = 27

        // A clinical simulation's stages (`concord clinical simulate`).
        /// The starting parameters of a clinical model when a preset draws them (FLamby's PyTorch-style initialisation).
        case clinicalInitialModel = 30
        /// The pooled clinical model's training (every site's training rows together).
        case clinicalPooled = 31
        /// The local clinical models' training (one site's rows only; `.index(site)` below it).
        case clinicalLocal = 32
    }

    /// The branch of a stage.
    @inlinable public func stage(_ stage: Stage) -> SeedTree { SeedTree(Self.mix(seed, 1 << 56 | stage.rawValue)) }

    /// The branch of the `index`-th repetition of a stage (a fold, a resample, a study's point).
    @inlinable public func index(_ index: Int) -> SeedTree { SeedTree(Self.mix(seed, 2 << 56 | UInt64(truncatingIfNeeded: index) & (1 << 56 - 1))) }

    /// Partner `index`'s branch, under which its own stages hang.
    @inlinable public func partner(_ index: Int) -> SeedTree { stage(.partners).index(index) }

    /// A generator seeded at this node.
    @inlinable public var random: SeededRandom { SeededRandom(seed: seed) }

    public var description: String { "SeedTree(\(seed))" }

    /// SplitMix64's finaliser of the parent's seed mixed with a tag.
    @inlinable static func mix(_ seed: UInt64, _ tag: UInt64) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15 &* (tag &+ 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
