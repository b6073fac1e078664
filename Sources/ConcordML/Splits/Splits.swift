public import ConcordErrors
/// Row indices of a train/test split, each list ascending.
public struct DataSplit: Sendable, Hashable {
    /// Rows to train on.
    public var train: [Int]
    /// Rows to test on.
    public var test: [Int]

    /// Creates a split; both lists are sorted.
    public init(train: [Int], test: [Int]) {
        self.train = train.sorted()
        self.test = test.sorted()
    }
}

/// Why a split could not be made.
///
/// Modelled on grpc-swift's `RPCError`: callers branch on the opaque ``Code`` and read the row or
/// counts from ``context``; ``description`` is the sentence for the user. Throw sites use the
/// factories named after the codes. A leaf error: it has no underlying cause.
public struct SplitError: CodedConcordError, Hashable {
    /// What kind of error this is.
    public var code: Code
    /// A sentence for the user.
    public var message: String
    /// The row, value and counts concerned.
    public var context: ErrorContext

    /// Creates an error.
    public init(code: Code, message: String, context: ErrorContext = ErrorContext()) {
        self.code = code
        self.message = message
        self.context = context
    }

    /// The sentence for the user alone: it names the row or option concerned.
    public static var layout: ErrorLayout { .messageOnly }
}

extension SplitError {
    /// No rows.
    public static let empty = SplitError(code: .empty, message: "there are no rows to split")

    /// The test fraction is not in (0, 1).
    public static func invalidFraction(_ fraction: Double) -> SplitError {
        SplitError(code: .invalidFraction, message: "the test fraction must lie strictly between 0 and 1, not \(fraction)", context: ErrorContext(value: "\(fraction)"))
    }

    /// A split column value that is neither train nor test.
    public static func unknownSplitValue(row: Int, value: String) -> SplitError {
        SplitError(code: .unknownSplitValue, message: "row \(row) has split value '\(value)'; use 'train' or 'test'", context: ErrorContext(row: row, value: value))
    }

    /// Inputs of different lengths.
    public static func lengthMismatch(expected: Int, found: Int) -> SplitError {
        SplitError(code: .lengthMismatch, message: "expected \(expected) values, found \(found)", context: ErrorContext(expected: expected, found: found))
    }

    /// A binary label other than 0 or 1.
    public static func invalidLabel(row: Int, value: Int) -> SplitError {
        SplitError(code: .invalidLabel, message: "row \(row) has label \(value); labels must be 0 or 1", context: ErrorContext(row: row, value: "\(value)"))
    }
}

extension SplitError {
    /// The kind of error. Opaque: new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: String, Sendable {
            case empty, invalidFraction, unknownSplitValue, lengthMismatch, invalidLabel
        }
        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// No rows.
        public static let empty = Code(.empty)
        /// The test fraction is not in (0, 1).
        public static let invalidFraction = Code(.invalidFraction)
        /// A split column value that is neither train nor test.
        public static let unknownSplitValue = Code(.unknownSplitValue)
        /// Inputs of different lengths.
        public static let lengthMismatch = Code(.lengthMismatch)
        /// A binary label other than 0 or 1.
        public static let invalidLabel = Code(.invalidLabel)

        /// The code's name.
        public var description: String { wrapped.rawValue }
    }
}

/// Seeded train/test splits and class balancing.
///
/// Every split takes `testFraction` of the rows (rounded up, as scikit-learn's
/// `train_test_split`) for testing, except group splits, which move whole groups and so hit
/// the fraction only approximately. The same inputs and seed give the same split.
public enum Splits {
    static func check(_ count: Int, _ testFraction: Double) throws(SplitError) {
        guard count > 0 else { throw .empty }
        guard testFraction > 0, testFraction < 1 else { throw .invalidFraction(testFraction) }
    }

    static func testCount(_ n: Int, _ f: Double) -> Int { min(n, Int((f * Double(n)).rounded(.up))) }

    /// A seeded Fisher–Yates shuffle of `items` (the same seed gives the same order on every platform).
    public static func shuffled(_ items: [Int], _ rng: inout SeededRandom) -> [Int] {
        var a = items
        if a.count > 1 {
            for i in stride(from: a.count - 1, to: 0, by: -1) { a.swapAt(i, rng.below(i + 1)) }
        }
        return a
    }

    /// A uniformly random split: `⌈testFraction · n⌉` rows to test.
    public static func random(count: Int, testFraction: Double, seed: UInt64) throws(SplitError) -> DataSplit {
        try check(count, testFraction)
        var rng = SeededRandom(seed: seed)
        let order = shuffled(Array(0..<count), &rng)
        let t = testCount(count, testFraction)
        return DataSplit(train: Array(order[t...]), test: Array(order[..<t]))
    }

    /// A random split keeping the class proportions: `⌈testFraction · n⌉` test rows shared
    /// between the classes in proportion to their sizes (largest remainder), each class
    /// sampled at random.
    public static func stratified(labels: [UInt8], testFraction: Double, seed: UInt64) throws(SplitError) -> DataSplit {
        try check(labels.count, testFraction)
        for (i, v) in labels.enumerated() where v > 1 { throw .invalidLabel(row: i, value: Int(v)) }
        var rng = SeededRandom(seed: seed)
        let total = testCount(labels.count, testFraction)
        let classes = [labels.indices.filter { labels[$0] == 0 }, labels.indices.filter { labels[$0] == 1 }]
        let exact = classes.map { Double($0.count) * Double(total) / Double(labels.count) }
        var quota = exact.map { Int($0.rounded(.down)) }
        if quota.reduce(0, +) < total {
            let k = exact[0] - Double(quota[0]) >= exact[1] - Double(quota[1]) ? 0 : 1
            quota[k] += 1
        }
        var train: [Int] = [], test: [Int] = []
        for c in 0..<2 {
            let order = shuffled(classes[c], &rng)
            test += order.prefix(quota[c]); train += order.dropFirst(quota[c])
        }
        return DataSplit(train: train, test: test)
    }

    /// Groups rows by key, in order of first appearance.
    static func groups<Key: Hashable>(_ keys: [Key]) -> [[Int]] {
        var index: [Key: Int] = [:], groups: [[Int]] = []
        for (row, k) in keys.enumerated() {
            if let g = index[k] { groups[g].append(row) } else { index[k] = groups.count; groups.append([row]) }
        }
        return groups
    }

    /// Fills train with groups in the given order while they fit under `n − ⌈f·n⌉` rows;
    /// a group that does not fit goes to test (later, smaller groups may still fit in train).
    static func fill(_ ordered: [[Int]], count: Int, testFraction: Double) -> DataSplit {
        let trainCap = count - testCount(count, testFraction)
        var train: [Int] = [], test: [Int] = []
        for g in ordered {
            if train.count + g.count <= trainCap { train += g } else { test += g }
        }
        return DataSplit(train: train, test: test)
    }

    /// A Bemis–Murcko scaffold split: rows sharing a scaffold key (e.g.
    /// `MurckoScaffold.key(of:)`) stay together.
    ///
    /// With `seed == nil` the rule is DeepChem's customary deterministic one: scaffold groups
    /// sorted largest first (ties by first appearance) go to train while train stays within
    /// `n − ⌈testFraction · n⌉` rows, the rest to test; so the test set holds the rare
    /// scaffolds. With a seed, chemprop's "balanced" variant: groups larger than half the
    /// test size go first (largest first), the others in seeded random order.
    public static func scaffold(keys: [String], testFraction: Double, seed: UInt64? = nil) throws(SplitError) -> DataSplit {
        try check(keys.count, testFraction)
        var groups = groups(keys)
        groups.sort { $0.count != $1.count ? $0.count > $1.count : $0[0] < $1[0] }
        if let seed {
            let half = Double(testCount(keys.count, testFraction)) / 2
            let big = groups.filter { Double($0.count) > half }
            var rng = SeededRandom(seed: seed)
            let small = groups.filter { Double($0.count) <= half }
            let order = shuffled(Array(small.indices), &rng)
            groups = big + order.map { small[$0] }
        }
        return fill(groups, count: keys.count, testFraction: testFraction)
    }

    /// A cluster split: rows with the same cluster id stay together; clusters are taken in
    /// seeded random order and go to test until it holds `⌈testFraction · n⌉` rows or more.
    public static func cluster(ids: [Int], testFraction: Double, seed: UInt64) throws(SplitError) -> DataSplit {
        try check(ids.count, testFraction)
        let groups = groups(ids)
        var rng = SeededRandom(seed: seed)
        let order = shuffled(Array(groups.indices), &rng)
        let want = testCount(ids.count, testFraction)
        var train: [Int] = [], test: [Int] = []
        for g in order {
            if test.count < want { test += groups[g] } else { train += groups[g] }
        }
        return DataSplit(train: train, test: test)
    }

    /// The split a data column gives: `train`/`training` or `test`/`testing`
    /// (case-insensitive, surrounding spaces ignored) per row, as MoleculeACE's `split`.
    public static func given(column: [String]) throws(SplitError) -> DataSplit {
        guard !column.isEmpty else { throw .empty }
        var train: [Int] = [], test: [Int] = []
        for (row, raw) in column.enumerated() {
            switch raw.trimmingCharactersInSet().lowercased() {
            case "train", "training": train.append(row)
            case "test", "testing": test.append(row)
            default: throw .unknownSplitValue(row: row, value: raw)
            }
        }
        return DataSplit(train: train, test: test)
    }

    /// The split given by a per-row flag (`true` = test).
    public static func given(isTest: [Bool]) throws(SplitError) -> DataSplit {
        guard !isTest.isEmpty else { throw .empty }
        return DataSplit(train: isTest.indices.filter { !isTest[$0] }, test: isTest.indices.filter { isTest[$0] })
    }

    /// Random under-sampling: every row of the minority class among `rows` and a seeded random
    /// `ratio ×` as many of the majority class (all of it when it has fewer). Returns the
    /// chosen rows, ascending. `ratio` 1 balances the classes.
    public static func undersample(labels: [UInt8], rows: [Int]? = nil, ratio: Double = 1, seed: UInt64) throws(SplitError) -> [Int] {
        let rows = rows ?? Array(labels.indices)
        guard !rows.isEmpty else { throw .empty }
        guard ratio >= 1 else { throw .invalidFraction(ratio) }
        var byClass: [[Int]] = [[], []]
        for r in rows {
            guard r >= 0, r < labels.count else { throw .lengthMismatch(expected: labels.count, found: r + 1) }
            guard labels[r] <= 1 else { throw .invalidLabel(row: r, value: Int(labels[r])) }
            byClass[Int(labels[r])].append(r)
        }
        let minority = byClass[0].count <= byClass[1].count ? 0 : 1
        var rng = SeededRandom(seed: seed)
        let keep = min(byClass[1 - minority].count, Int((Double(byClass[minority].count) * ratio).rounded(.down)))
        let majority = shuffled(byClass[1 - minority], &rng).prefix(keep)
        return (byClass[minority] + majority).sorted()
    }
}

extension String {
    func trimmingCharactersInSet() -> Substring {
        var s = self[...]
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
