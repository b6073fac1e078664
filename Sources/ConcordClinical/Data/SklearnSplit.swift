/// scikit-learn's `train_test_split` with `shuffle=True`, reproduced index for index: the sizes
/// of `_validate_shuffle_split`, `StratifiedShuffleSplit` (with `_approximate_mode`) when labels
/// are given and `ShuffleSplit` when not, drawing from ``NumpyRandomState``.
///
/// FLamby splits each hospital of Fed-Heart-Disease with
/// `train_test_split(np.arange(n), test_size=1.0 - 0.66, train_size=0.66, random_state=43,
/// shuffle=True, stratify=labels)`; ``split(count:labels:testSize:trainSize:randomState:)`` with
/// the same arguments returns the same arrays in the same order.
public enum SklearnSplit {
    /// A split size as scikit-learn takes it: a fraction in (0, 1) or a number of rows.
    public enum Size: Sendable, Hashable {
        /// A fraction of the rows, in (0, 1).
        case fraction(Double)
        /// A number of rows, in 1..<count.
        case count(Int)
    }

    /// The train and test sizes `_validate_shuffle_split` computes: a test fraction is rounded
    /// up (`ceil`), a train fraction down (`floor`); a missing size is the complement.
    ///
    /// - Throws: ``ClinicalDataError`` `.invalidSplit` for sizes out of range, sizes that add up
    ///   to more than `count`, or an empty training set, as scikit-learn raises.
    public static func sizes(count: Int, testSize: Size?, trainSize: Size?,
                             defaultTestSize: Double = 0.25) throws(ClinicalDataError) -> (train: Int, test: Int) {
        let test = testSize ?? (trainSize == nil ? .fraction(defaultTestSize) : nil)
        for (name, size) in [("test_size", test), ("train_size", trainSize)] {
            switch size {
            case .fraction(let f) where !(f > 0 && f < 1):
                throw invalid("\(name)=\(f) should be a fraction in (0, 1)")
            case .count(let n) where n <= 0 || n >= count:
                throw invalid("\(name)=\(n) should be positive and smaller than the number of samples \(count)")
            default: break
            }
        }
        if case .fraction(let a) = test, case .fraction(let b) = trainSize, a + b > 1 {
            throw invalid("test_size + train_size = \(a + b) should be in (0, 1)")
        }
        var nTest: Int?, nTrain: Int?
        switch test {
        case .fraction(let f): nTest = Int((f * Double(count)).rounded(.up))
        case .count(let n): nTest = n
        case nil: break
        }
        switch trainSize {
        case .fraction(let f): nTrain = Int((f * Double(count)).rounded(.down))
        case .count(let n): nTrain = n
        case nil: break
        }
        let train = nTrain ?? count - (nTest ?? 0)
        let testCount = nTest ?? count - train
        guard train + testCount <= count else {
            throw invalid("train_size + test_size = \(train + testCount) rows but there are only \(count)")
        }
        guard train > 0 else { throw invalid("with \(count) rows the training set would be empty") }
        return (train, testCount)
    }

    /// `train_test_split(np.arange(count), test_size=…, train_size=…, random_state=…,
    /// shuffle=True, stratify=labels)`: the training and test row indices, in scikit-learn's order.
    ///
    /// - Parameter labels: one class per row (compared by value, sorted ascending as `np.unique`
    ///   sorts them), or `nil` for an unstratified shuffle split.
    /// - Throws: ``ClinicalDataError`` `.invalidSplit` as scikit-learn raises `ValueError`: bad
    ///   sizes, a class with fewer than 2 rows, or fewer train or test rows than classes.
    /// - Complexity: O(n log n) for n rows.
    public static func split<Label: Comparable & Hashable>(
        count: Int, labels: [Label]?, testSize: Size?, trainSize: Size? = nil, randomState: UInt32
    ) throws(ClinicalDataError) -> (train: [Int], test: [Int]) {
        let (nTrain, nTest) = try sizes(count: count, testSize: testSize, trainSize: trainSize)
        var rng = NumpyRandomState(seed: randomState)
        guard let labels else {
            let order = rng.permutation(count)
            return (Array(order[nTest..<(nTest + nTrain)]), Array(order[0..<nTest]))
        }
        guard labels.count == count else {
            throw invalid("\(labels.count) labels for \(count) rows")
        }
        let classes = Set(labels).sorted()
        let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        var members = [[Int]](repeating: [], count: classes.count)
        for (row, label) in labels.enumerated() {
            if let k = classIndex[label] { members[k].append(row) }
        }
        let counts = members.map(\.count)
        if let k = counts.firstIndex(where: { $0 < 2 }) {
            throw invalid("the least populated class (\(classes[k])) has only \(counts[k]) member; each class needs at least 2")
        }
        guard nTrain >= classes.count else { throw invalid("train_size = \(nTrain) should be at least the number of classes \(classes.count)") }
        guard nTest >= classes.count else { throw invalid("test_size = \(nTest) should be at least the number of classes \(classes.count)") }

        let trainPerClass = approximateMode(classCounts: counts, draws: nTrain, rng: &rng)
        let remaining = zip(counts, trainPerClass).map { $0 - $1 }
        let testPerClass = approximateMode(classCounts: remaining, draws: nTest, rng: &rng)
        var train: [Int] = [], test: [Int] = []
        for k in classes.indices {
            let shuffled = rng.permutation(counts[k]).map { members[k][$0] }
            // numpy's slices stop at the end of the array; so do these.
            let a = min(trainPerClass[k], shuffled.count), b = min(trainPerClass[k] + testPerClass[k], shuffled.count)
            train += shuffled[0..<a]
            test += shuffled[a..<b]
        }
        return (rng.permutation(of: train), rng.permutation(of: test))
    }

    /// scikit-learn's `_approximate_mode`: how many of `draws` rows to take from each class —
    /// the floor of each class's share, then one more for the largest remainders, ties broken
    /// by `rng.choice(..., replace=False)`.
    public static func approximateMode(classCounts: [Int], draws: Int, rng: inout NumpyRandomState) -> [Int] {
        let total = Double(classCounts.reduce(0, +))
        guard total > 0 else { return classCounts.map { _ in 0 } }
        let continuous = classCounts.map { Double($0) / total * Double(draws) }
        var floored = continuous.map { $0.rounded(.down) }
        var needToAdd = Int(Double(draws) - floored.reduce(0, +))
        if needToAdd > 0 {
            let remainder = zip(continuous, floored).map { $0 - $1 }
            for value in Set(remainder).sorted(by: >) {
                let tied = remainder.indices.filter { remainder[$0] == value }
                let addNow = min(tied.count, needToAdd)
                for k in rng.choiceWithoutReplacement(tied, count: addNow) { floored[k] += 1 }
                needToAdd -= addNow
                if needToAdd == 0 { break }
            }
        }
        return floored.map { Int($0) }
    }

    private static func invalid(_ message: String) -> ClinicalDataError {
        ClinicalDataError(.invalidSplit, message)
    }
}
