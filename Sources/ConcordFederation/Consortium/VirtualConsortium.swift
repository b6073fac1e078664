public import ConcordChem
import ConcordML

/// How a labelled set is cut into a virtual consortium.
public struct ConsortiumSettings: Sendable, Hashable {
    /// Number of partners (FLuID: 8).
    public var partners: Int
    /// Fraction of the non-test molecules held out for validation (FLuID: 0.2).
    public var validationFraction: Double
    /// Stratify the validation hold-out by class (FLuID: a plain random sample).
    public var stratifiedValidation: Bool
    /// Fraction of draws that move a random molecule to a uniformly random partner after k-means (FLuID: 0.05).
    public var smoothing: Double
    /// k-means restarts (FLuID, scikit-learn's classic default: 10).
    public var kMeansRestarts: Int
    /// When the input has no test split: the fraction of molecules drawn at random as the external test set.
    public var testFraction: Double

    public init(partners: Int = 8, validationFraction: Double = 0.2, stratifiedValidation: Bool = false,
                smoothing: Double = 0.05, kMeansRestarts: Int = 10, testFraction: Double = 0.2) {
        self.partners = partners; self.validationFraction = validationFraction
        self.stratifiedValidation = stratifiedValidation; self.smoothing = smoothing
        self.kMeansRestarts = kMeansRestarts; self.testFraction = testFraction
    }

    /// Checks every field's range.
    public func validate() throws(FederationError) {
        guard partners >= 1 else { throw .invalidSetting("partners must be at least 1, not \(partners)") }
        guard validationFraction >= 0, validationFraction < 1 else {
            throw .invalidSetting("validation fraction must lie in [0, 1), not \(validationFraction)")
        }
        guard smoothing >= 0, smoothing <= 1 else { throw .invalidSetting("smoothing must lie in [0, 1], not \(smoothing)") }
        guard kMeansRestarts >= 1 else { throw .invalidSetting("k-means restarts must be at least 1") }
        guard testFraction > 0, testFraction < 1 else { throw .invalidSetting("test fraction must lie in (0, 1), not \(testFraction)") }
    }
}

/// Which rows of a ``LabelledMolecules`` set each party holds.
public struct ConsortiumPlan: Sendable, Hashable {
    /// The external test set (no party trains on it).
    public var test: [Int]
    /// The validation hold-out.
    public var validation: [Int]
    /// Each partner's private rows, ascending; partner `i` is named `T\(i + 1)`.
    public var partners: [[Int]]

    /// A plan of the given rows (as ``VirtualConsortium/plan(_:settings:seed:parallelism:)`` makes them).
    public init(test: [Int], validation: [Int], partners: [[Int]]) {
        self.test = test; self.validation = validation; self.partners = partners
    }

    /// T0's rows: every partner's data together (the upper bound no real consortium has).
    public var allPartnerRows: [Int] { partners.flatMap { $0 }.sorted() }
}

/// FLuID's virtual consortium: k-means on the fingerprints splits the training molecules into
/// chemically distinct partners, then a smoothing fraction is reassigned at random.
public enum VirtualConsortium {
    /// Plans the consortium for `data` with `settings`, seeded.
    ///
    /// Steps: the test set is the input's split (or a seeded random `testFraction`); a seeded
    /// `validationFraction` of the rest is held out; k-means (Euclidean on bits, k-means++,
    /// `kMeansRestarts` restarts) assigns the remaining rows to partners; then
    /// `⌊smoothing · n⌋` draws (with replacement) each move a random molecule to a uniformly
    /// random partner (possibly its own), as FLuID's code does.
    /// - Throws: ``FederationError`` when the data are too small for the settings.
    public static func plan(_ data: LabelledMolecules, settings: ConsortiumSettings, seed: UInt64,
                            parallelism: Int = defaultParallelism) async throws(FederationError) -> ConsortiumPlan {
        try settings.validate()
        var rng = SeededRandom(seed: seed)
        let test: [Int], rest: [Int]
        if let isTest = data.isTest {
            test = data.labels.indices.filter { isTest[$0] }
            rest = data.labels.indices.filter { !isTest[$0] }
        } else {
            let shuffled = Splits.shuffled(Array(data.labels.indices), &rng)
            let n = Int((settings.testFraction * Double(shuffled.count)).rounded(.up))
            test = shuffled.prefix(n).sorted(); rest = shuffled.dropFirst(n).sorted()
        }
        guard !test.isEmpty else { throw .invalidData("the external test set is empty (check the split column)") }
        guard rest.count >= 2 * settings.partners else {
            throw .invalidData("\(rest.count) training molecules cannot be shared among \(settings.partners) partners")
        }
        var validation: [Int] = [], training = rest
        if settings.validationFraction > 0 {
            let n = Int((settings.validationFraction * Double(rest.count)).rounded(.up))
            if settings.stratifiedValidation {
                let split: DataSplit
                do { split = try Splits.stratified(labels: rest.map { data.labels[$0] }, testFraction: settings.validationFraction, seed: rng.next()) }
                catch { throw .invalidData("cannot stratify the validation set", cause: error) }
                validation = split.test.map { rest[$0] }.sorted(); training = split.train.map { rest[$0] }.sorted()
            } else {
                let shuffled = Splits.shuffled(rest, &rng)
                validation = shuffled.prefix(n).sorted(); training = shuffled.dropFirst(n).sorted()
            }
        }
        guard training.count >= settings.partners else {
            throw .invalidData("\(training.count) molecules left after the validation hold-out; too few for \(settings.partners) partners")
        }
        let x = data.features.rows(training)
        let kmeans: KMeans
        do {
            kmeans = try await KMeans.fit(x, options: .init(clusters: settings.partners, restarts: settings.kMeansRestarts, seed: rng.next()),
                                          parallelism: parallelism)
        } catch { throw .invalidData("k-means could not split the data into partners", cause: error) }
        var assignment = kmeans.assignments
        let moves = Int((settings.smoothing * Double(training.count)).rounded(.down))
        for _ in 0..<moves {
            let row = rng.below(training.count)
            assignment[row] = rng.below(settings.partners)
        }
        var partners = [[Int]](repeating: [], count: settings.partners)
        for (position, row) in training.enumerated() { partners[assignment[position]].append(row) }
        if let empty = partners.firstIndex(where: \.isEmpty) {
            throw .invalidData("partner T\(empty + 1) received no molecules; use fewer partners")
        }
        return ConsortiumPlan(test: test, validation: validation, partners: partners)
    }
}
