/// numpy's legacy `RandomState`: the MT19937 generator with numpy's seeding and the algorithms
/// of `permutation`, `shuffle` and `choice(replace=False)`, reproduced draw for draw.
///
/// scikit-learn's `check_random_state(43)` is `RandomState(43)`; with this type Concord makes
/// the same train/test splits as `train_test_split(..., random_state=43)` (see
/// ``SklearnSplit``). It is for reproducing published splits, not a general-purpose generator.
public struct NumpyRandomState: Sendable {
    private var key: [UInt32]
    private var position: Int

    private static let stateLength = 624
    private static let shift = 397

    /// Seeds the generator as `numpy.random.RandomState(seed)` does for an integer seed.
    public init(seed: UInt32) {
        var key = [UInt32](repeating: 0, count: Self.stateLength)
        var s = seed
        for i in 0..<Self.stateLength {
            key[i] = s
            s = 1_812_433_253 &* (s ^ (s >> 30)) &+ UInt32(i + 1)
        }
        self.key = key
        position = Self.stateLength
    }

    /// The next 32 random bits (numpy's `mt19937_next32`).
    public mutating func nextUInt32() -> UInt32 {
        if position >= Self.stateLength { regenerate() }
        var y = key[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= y >> 18
        return y
    }

    /// The next 64 random bits: two 32-bit draws, high word first (numpy's `mt19937_next64`).
    public mutating func nextUInt64() -> UInt64 {
        let high = UInt64(nextUInt32())
        return high << 32 | UInt64(nextUInt32())
    }

    private mutating func regenerate() {
        let n = Self.stateLength, m = Self.shift
        func twist(_ a: UInt32, _ b: UInt32, _ c: UInt32) -> UInt32 {
            let y = (a & 0x8000_0000) | (b & 0x7fff_ffff)
            return c ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : 0x9908_b0df)
        }
        for i in 0..<(n - m) { key[i] = twist(key[i], key[i + 1], key[i + m]) }
        for i in (n - m)..<(n - 1) { key[i] = twist(key[i], key[i + 1], key[i + m - n]) }
        key[n - 1] = twist(key[n - 1], key[0], key[m - 1])
        position = 0
    }

    /// A uniform integer in `0...max` by rejection under the smallest covering bit mask
    /// (numpy's legacy `random_interval`).
    public mutating func interval(_ max: UInt64) -> UInt64 {
        if max == 0 { return 0 }
        var mask = max
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4
        mask |= mask >> 8; mask |= mask >> 16; mask |= mask >> 32
        if max <= 0xffff_ffff {
            while true {
                let value = UInt64(nextUInt32()) & mask
                if value <= max { return value }
            }
        }
        while true {
            let value = nextUInt64() & mask
            if value <= max { return value }
        }
    }

    /// Shuffles `values` in place as `RandomState.shuffle` does for a 1-d array
    /// (Fisher–Yates from the end, `j = interval(i)`).
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, through: 1, by: -1) {
            let j = Int(interval(UInt64(i)))
            values.swapAt(i, j)
        }
    }

    /// `RandomState.permutation(n)`: `0..<n` shuffled.
    public mutating func permutation(_ n: Int) -> [Int] {
        var values = Array(0..<max(n, 0))
        shuffle(&values)
        return values
    }

    /// `RandomState.permutation(values)`: a shuffled copy.
    public mutating func permutation<T>(of values: [T]) -> [T] {
        var copy = values
        shuffle(&copy)
        return copy
    }

    /// `RandomState.choice(population, size: count, replace=False)` without probabilities:
    /// the first `count` entries of a permutation of the population's positions.
    /// `count` is clamped to `0...population.count`.
    public mutating func choiceWithoutReplacement<T>(_ population: [T], count: Int) -> [T] {
        let order = permutation(population.count)
        return order.prefix(min(max(count, 0), population.count)).map { population[$0] }
    }
}
