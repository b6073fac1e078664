#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Many equal-length fingerprints stored contiguously (row-major, `rowCount × wordsPerRow`
/// 64-bit words in one buffer) with their popcounts, for fast bulk similarity search.
public struct FingerprintMatrix: Sendable, Hashable {
    /// Bits per row.
    public let bitCount: Int
    /// 64-bit words per row.
    public let wordsPerRow: Int
    /// All rows' words, row after row.
    public private(set) var storage: [UInt64]
    /// Popcount of each row.
    public private(set) var popcounts: [Int32]

    /// Creates an empty matrix for fingerprints of `bitCount` bits.
    public init(bitCount: Int, reservingRows rows: Int = 0) {
        precondition(bitCount >= 0)
        self.bitCount = bitCount
        self.wordsPerRow = (bitCount + 63) >> 6
        self.storage = []
        self.popcounts = []
        storage.reserveCapacity(rows * wordsPerRow)
        popcounts.reserveCapacity(rows)
    }

    /// Creates a matrix holding `fingerprints` (all of `bitCount` bits).
    public init(bitCount: Int, fingerprints: some Sequence<BitFingerprint>) {
        self.init(bitCount: bitCount, reservingRows: fingerprints.underestimatedCount)
        for fp in fingerprints { append(fp) }
    }

    /// Number of rows.
    @inlinable public var rowCount: Int { popcounts.count }

    /// Appends a fingerprint as a new row.
    public mutating func append(_ fingerprint: BitFingerprint) {
        precondition(fingerprint.bitCount == bitCount, "fingerprint length differs from the matrix")
        storage.append(contentsOf: fingerprint.words)
        popcounts.append(Int32(fingerprint.popcount))
    }

    /// The rows at `indices`, in that order (an index may repeat).
    ///
    /// - Precondition: every index is in `0..<rowCount`.
    public func rows(_ indices: some Collection<Int>) -> FingerprintMatrix {
        var result = FingerprintMatrix(bitCount: bitCount, reservingRows: indices.count)
        for row in indices {
            precondition(row >= 0 && row < rowCount, "row out of range")
            let base = row * wordsPerRow
            result.storage.append(contentsOf: storage[base..<base + wordsPerRow])
            result.popcounts.append(popcounts[row])
        }
        return result
    }

    /// Appends every row of `other` (same bit count).
    public mutating func append(contentsOf other: FingerprintMatrix) {
        precondition(other.bitCount == bitCount, "matrices differ in length")
        storage.append(contentsOf: other.storage)
        popcounts.append(contentsOf: other.popcounts)
    }

    /// The fingerprint in row `row`.
    public subscript(row: Int) -> BitFingerprint {
        precondition(row >= 0 && row < rowCount, "row out of range")
        let base = row * wordsPerRow
        return BitFingerprint(bitCount: bitCount, words: Array(storage[base..<base + wordsPerRow]))
    }

    /// Tanimoto similarity of `query` to every row, in row order (serial).
    ///
    /// Equal to `query.tanimoto(self[row])` for every row, including the RDKit convention
    /// that two empty fingerprints have similarity 0.
    @inlinable
    public func tanimoto(_ query: BitFingerprint) -> [Double] {
        precondition(query.bitCount == bitCount, "query length differs from the matrix")
        return [Double](unsafeUninitializedCapacity: rowCount) { out, initialized in
            // An empty buffer may have no base address: nothing to fill then.
            if let base = out.baseAddress { fillTanimoto(query, rows: 0..<rowCount, into: base) }
            initialized = rowCount
        }
    }

    /// Tanimoto similarity of `query` to every row, computed by up to `maxTasks` child tasks
    /// (structured concurrency) over contiguous row ranges of at least `minimumRowsPerTask`
    /// rows. Same result as ``tanimoto(_:)``.
    public func tanimotoParallel(
        _ query: BitFingerprint, maxTasks: Int = defaultParallelism, minimumRowsPerTask: Int = 16_384
    ) async -> [Double] {
        precondition(query.bitCount == bitCount, "query length differs from the matrix")
        let tasks = max(1, min(maxTasks, rowCount / max(1, minimumRowsPerTask)))
        if tasks == 1 { return tanimoto(query) }
        let chunk = (rowCount + tasks - 1) / tasks
        let parts = await withTaskGroup(of: (Int, [Double]).self) { group in
            for t in 0..<tasks {
                let range = (t * chunk)..<min(rowCount, (t + 1) * chunk)
                group.addTask {
                    let values = [Double](unsafeUninitializedCapacity: range.count) { out, initialized in
                        if let base = out.baseAddress { self.fillTanimoto(query, rows: range, into: base) }
                        initialized = range.count
                    }
                    return (t, values)
                }
            }
            var parts = [[Double]](repeating: [], count: tasks)
            for await (t, values) in group { parts[t] = values }
            return parts
        }
        var result: [Double] = []
        result.reserveCapacity(rowCount)
        for part in parts { result.append(contentsOf: part) }
        return result
    }

    /// The `k` rows most similar to `query`, best first (ties: lower row first).
    public func nearest(to query: BitFingerprint, k: Int) -> [(row: Int, similarity: Double)] {
        let sims = tanimoto(query)
        var best: [(row: Int, similarity: Double)] = []
        best.reserveCapacity(k + 1)
        guard k > 0 else { return [] }
        for (row, s) in sims.enumerated() {
            if best.count == k, let last = best.last, s <= last.similarity { continue }
            var pos = best.count
            while pos > 0 && best[pos - 1].similarity < s { pos -= 1 }
            best.insert((row, s), at: pos)
            if best.count > k { best.removeLast() }
        }
        return best
    }

    /// Writes the similarities of `rows` to `out[0 ..< rows.count]`.
    @inlinable
    func fillTanimoto(_ query: BitFingerprint, rows: Range<Int>, into out: UnsafeMutablePointer<Double>) {
        let w = wordsPerRow
        let queryCount = query.popcount
        query.words.withUnsafeBufferPointer { q in
            storage.withUnsafeBufferPointer { s in
                popcounts.withUnsafeBufferPointer { pc in
                    var o = out
                    for row in rows {
                        var common = 0
                        let base = row &* w
                        for k in 0..<w { common &+= (q[k] & s[base &+ k]).nonzeroBitCount }
                        let union = queryCount &+ Int(pc[row]) &- common
                        o.pointee = union == 0 ? 0 : Double(common) / Double(union)
                        o += 1
                    }
                }
            }
        }
    }
}

/// Number of child tasks the parallel APIs use by default: the number of active processors.
public let defaultParallelism: Int = ProcessorCount.active

/// Processor count without Foundation.
enum ProcessorCount {
    static let active: Int = {
        #if canImport(Glibc)
        return max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #elseif canImport(Darwin)
        return max(1, Int(sysconf(_SC_NPROCESSORS_ONLN)))
        #else
        return 1
        #endif
    }()
}
