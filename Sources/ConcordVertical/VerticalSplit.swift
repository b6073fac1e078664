import ConcordPrivacy

/// The train/test split of the shared records that both parties of a vertical job draw alike,
/// without a message: the sorted shared identifiers shuffled by a cryptographic generator seeded
/// with the job's seed under the label `concord.vertical.split`; the first `testFraction` (rounded)
/// are the test rows, the rest the training rows, each sorted. ``ACTG175Vertical`` (`concord
/// vertical simulate --split-seed S`) and ConcordNetwork's "vertical" job (`job submit --seed S`)
/// use this one function, so the same seed gives the same rows in one process and over the network.
public enum VerticalSplit {
    /// The training and test identifiers, each sorted.
    public static func trainTest(shared: [String], seed: UInt64, testFraction: Double) -> (train: [String], test: [String]) {
        var generator = CryptographicGenerator(seed: .reproducible(from: seed, label: "concord.vertical.split"))
        let order = shared.sorted().shuffled(using: &generator)
        let fraction = testFraction.isFinite ? min(max(testFraction, 0), 1) : 0
        let testCount = Int((Double(order.count) * fraction).rounded())
        return (Array(order.dropFirst(testCount)).sorted(), Array(order.prefix(testCount)).sorted())
    }
}
