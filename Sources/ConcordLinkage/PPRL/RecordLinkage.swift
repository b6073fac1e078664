import CConcordKernels
import ConcordChem
import Foundation
import ConcordPrivacy
import Synchronization

/// Blocking by Hamming locality-sensitive hashing (Karapiperis & Verykios, 2015): each of
/// ``tables`` tables keys a record by ``bitsPerKey`` positions of its encoding, drawn at random
/// from ``seed``; two records are compared only when they agree on every sampled position of at
/// least one table. A pair whose encodings agree on a fraction `s` of their positions meets in
/// one table with probability `sᴷ`, and in any with `1 − (1 − sᴷ)ᴸ`: pairs at a linkage threshold
/// are kept with a chosen probability while the number of comparisons falls from `n × m` to near
/// the number of true pairs.
///
/// For balanced encodings (every filter has half its bits set) the fraction of agreeing positions
/// equals the Dice similarity, so ``forThreshold(_:encodedBits:maximumPopcount:recall:bitsPerKey:seed:)``
/// sizes the tables to keep every pair at the threshold with the chosen recall; for plain filters
/// it uses the lower bound `1 − 2w(1 − θ)/bits` with `w` the heaviest filter's weight.
///
/// The sampled positions are not secret: they say which bits are compared, nothing about a record.
public struct LSHBlocking: Sendable, Hashable {
    /// Hash tables (each a key of ``bitsPerKey`` positions).
    public let tables: Int
    /// Positions per key, 1…64.
    public let bitsPerKey: Int
    /// The seed of the sampled positions (both sides of a linkage use the same).
    public let seed: UInt64

    /// Blocking with explicit sizes.
    /// - Throws: ``LinkageError`` unless `1 ≤ bitsPerKey ≤ 64` and `1 ≤ tables ≤ 4,096`.
    public init(tables: Int, bitsPerKey: Int, seed: UInt64 = 0) throws(LinkageError) {
        guard (1...64).contains(bitsPerKey), (1...4_096).contains(tables) else {
            throw LinkageError(.invalidParameter, "LSH blocking needs 1…64 positions per key and 1…4,096 tables (got \(bitsPerKey) and \(tables))",
                               context: .init(field: "blocking"))
        }
        self.tables = tables; self.bitsPerKey = bitsPerKey; self.seed = seed
    }

    /// Positions per key for a linkage against `records` records: log₂(records) + 4, within
    /// 12…32, so that the random pairs that meet stay few as the registries grow (16 at a few
    /// thousand records, 21 at 100,000).
    public static func bitsPerKey(records: Int) -> Int {
        min(32, max(12, Int(log2(Double(max(1, records))).rounded()) + 4))
    }

    /// The smallest number of tables that keeps a pair at Dice `threshold` with probability
    /// `recall`, for encodings of `encodedBits` bits whose heaviest has `maximumPopcount` bits set.
    /// - Throws: ``LinkageError`` when the threshold gives no usable agreement bound or the tables would exceed 4,096.
    public static func forThreshold(_ threshold: Double, encodedBits: Int, maximumPopcount: Int, recall: Double = 0.999,
                                    bitsPerKey: Int = 16, seed: UInt64 = 0) throws(LinkageError) -> LSHBlocking {
        guard threshold > 0, threshold <= 1, recall > 0, recall < 1, encodedBits > 0, maximumPopcount >= 0, maximumPopcount <= encodedBits else {
            throw LinkageError(.invalidParameter, "LSH blocking needs a threshold in (0, 1], a recall in (0, 1) and encodings of known size", context: .init(field: "blocking"))
        }
        let agreement = 1 - 2 * Double(maximumPopcount) / Double(encodedBits) * (1 - threshold)
        guard (1...64).contains(bitsPerKey), agreement > 0 else {
            throw LinkageError(.invalidParameter, "at Dice \(threshold) the encodings may agree on too few positions to block", context: .init(field: "blocking"))
        }
        let perTable = pow(agreement, Double(bitsPerKey))
        let tables = perTable >= 1 ? 1 : Int((log(1 - recall) / log(1 - perTable)).rounded(.up))
        return try LSHBlocking(tables: max(1, tables), bitsPerKey: bitsPerKey, seed: seed)
    }

    /// Each table's sampled positions, distinct within a table.
    func positions(encodedBits: Int) -> [[Int]] {
        var generator = CryptographicGenerator(seed: .reproducible(from: seed, label: "concord.pprl.lsh"))
        let k = min(bitsPerKey, encodedBits)
        return (0..<tables).map { _ in
            var chosen = Set<Int>(), out: [Int] = []
            while out.count < k {
                let p = Int(generator.next() % UInt64(encodedBits))
                if chosen.insert(p).inserted { out.append(p) }
            }
            return out
        }
    }
}

/// What a linkage found, and how many pairs it compared.
public struct LinkageRun: Sendable, Hashable {
    /// The one-to-one links, sorted by left index.
    public let links: [LinkedPair]
    /// The pairs whose Dice similarity was computed (`left × right` without blocking).
    public let comparisons: Int
}

/// A pair of records judged to be the same person.
public struct LinkedPair: Sendable, Hashable {
    /// The record's index on the left.
    public let left: Int
    /// The record's index on the right.
    public let right: Int
    /// Their encodings' Dice similarity.
    public let similarity: Double
}

/// Privacy-preserving record linkage over Bloom-filter encodings: the linkage unit (or either
/// party) compares every left encoding with every right encoding by Dice similarity and links
/// pairs at or above a threshold one to one, best first.
public enum RecordLinkage {
    /// The most comparisons (left × right) one call makes; larger linkages need blocking first.
    public static let maximumComparisons = 4_000_000_000

    /// The one-to-one links between `left` and `right` with similarity ≥ `threshold`, greedily
    /// best first (a record is linked at most once), sorted by left index, comparing every pair.
    public static func link(left: [BloomFilter], right: [BloomFilter], threshold: Double) async throws(LinkageError) -> [LinkedPair] {
        try await run(left: left, right: right, threshold: threshold, blocking: nil).links
    }

    /// The one-to-one links as ``link(left:right:threshold:)`` finds them, comparing every pair
    /// (`blocking` nil) or only the pairs that meet in a table of `blocking`. Both cores compare.
    /// - Throws: ``LinkageError`` for a threshold outside (0, 1], encodings of different lengths,
    ///   or more than ``maximumComparisons`` comparisons (counted before any is made without
    ///   blocking, as candidates are gathered with it).
    public static func run(left: [BloomFilter], right: [BloomFilter], threshold: Double,
                           blocking: LSHBlocking?) async throws(LinkageError) -> LinkageRun {
        guard threshold > 0, threshold <= 1 else {
            throw LinkageError(.invalidParameter, "the similarity threshold must lie in (0, 1]", context: .init(field: "threshold"))
        }
        if blocking == nil {
            let (comparisons, overflow) = left.count.multipliedReportingOverflow(by: right.count)
            guard !overflow, comparisons <= maximumComparisons else {
                throw LinkageError(.tooLarge, "\(left.count) × \(right.count) comparisons exceed the limit of \(maximumComparisons); block the records first (LSH blocking, or e.g. by year of birth)")
            }
        }
        guard let width = left.first?.words.count ?? right.first?.words.count else { return LinkageRun(links: [], comparisons: 0) }
        guard left.allSatisfy({ $0.words.count == width }), right.allSatisfy({ $0.words.count == width }) else {
            throw LinkageError(.invalidParameter, "the encodings have different lengths: they were not made with the same settings")
        }
        // Flat, contiguous words and popcounts: the hot loop allocates nothing.
        let leftWords = left.flatMap(\.words), rightWords = right.flatMap(\.words)
        let leftCounts = left.map(\.popcount), rightCounts = right.map(\.popcount)
        var index: BlockingIndex?
        if let blocking { index = await BlockingIndex(blocking, words: rightWords, width: width, records: right.count) }
        let blockingIndex = index
        let workers = defaultParallelism
        let gathered = CandidateCount()
        // Chunks of left records, a few per core; each returns its pairs above the threshold and its count of comparisons.
        let parts = await Parallel.map(count: left.count, chunkSize: max(1, (left.count + workers * 4 - 1) / (workers * 4)), maxTasks: workers) { range in
            var found: [LinkedPair] = [], comparisons = 0
            var candidates: [Int32] = []
            var common = [UInt32](repeating: 0, count: blockingIndex == nil ? rightCounts.count : 0)
            leftWords.withUnsafeBufferPointer { lw in
                rightWords.withUnsafeBufferPointer { rw in
                    guard let query = lw.baseAddress, let rows = rw.baseAddress else { return }
                    for i in range {
                        let count: Int
                        if let blockingIndex {
                            blockingIndex.candidates(of: lw, record: i, into: &candidates)
                            // Degenerate encodings (many identical) could make blocking compare
                            // everything: every worker stops once all together pass the limit.
                            if gathered.add(candidates.count) > maximumComparisons { break }
                            count = candidates.count
                            if common.count < count { common = [UInt32](repeating: 0, count: count) }
                            candidates.withUnsafeBufferPointer { c in
                                common.withUnsafeMutableBufferPointer { out in
                                    concord_and_popcounts(query + i * width, rows, width, c.baseAddress, count, out.baseAddress)
                                }
                            }
                        } else {
                            count = rightCounts.count
                            common.withUnsafeMutableBufferPointer { out in
                                concord_and_popcounts(query + i * width, rows, width, nil, count, out.baseAddress)
                            }
                        }
                        comparisons += count
                        let countA = leftCounts[i]
                        for n in 0..<count {
                            let j = blockingIndex == nil ? n : Int(candidates[n])
                            let total = countA + rightCounts[j]
                            guard total > 0 else { continue }
                            let dice = 2 * Double(common[n]) / Double(total)
                            if dice >= threshold { found.append(LinkedPair(left: i, right: j, similarity: dice)) }
                        }
                    }
                }
            }
            return [(pairs: found, comparisons: comparisons)]
        }
        let found = parts.flatMap(\.pairs)
        guard gathered.total <= maximumComparisons else {
            throw LinkageError(.tooLarge, "blocking left more than \(maximumComparisons) candidate pairs: use more positions per key")
        }
        let ordered = found.sorted {
            $0.similarity != $1.similarity ? $0.similarity > $1.similarity : ($0.left, $0.right) < ($1.left, $1.right)
        }
        var usedLeft = Set<Int>(), usedRight = Set<Int>(), links: [LinkedPair] = []
        for pair in ordered where !usedLeft.contains(pair.left) && !usedRight.contains(pair.right) {
            usedLeft.insert(pair.left); usedRight.insert(pair.right); links.append(pair)
        }
        return LinkageRun(links: links.sorted { $0.left < $1.left }, comparisons: parts.reduce(0) { $0 + $1.comparisons })
    }

    /// Precision and recall of `links` against the true pairs.
    public static func quality(of links: [LinkedPair], truth: Set<[Int]>) -> (precision: Double, recall: Double) {
        let found = Set(links.map { [$0.left, $0.right] })
        let correct = found.intersection(truth).count
        return (found.isEmpty ? 1 : Double(correct) / Double(found.count), truth.isEmpty ? 1 : Double(correct) / Double(truth.count))
    }
}

/// The right records' keys in every table of a blocking: per table, the keys (mixed by an odd
/// multiplier, a bijection) sorted with their records, and a directory of where each 12-bit prefix
/// starts, so a lookup touches the directory and a few dozen neighbouring keys instead of a binary
/// search's scattered cache lines. 12 bytes per record and 16 KiB per table, no allocation per bucket.
struct BlockingIndex: Sendable {
    static let prefixBits = 12
    let positions: [[Int]]
    let width: Int
    /// Per table, the right records' mixed keys ascending, and the records in the same order.
    let keys: [[UInt64]]
    let records: [[Int32]]
    /// Per table, `directory[p]` is the first index whose key's top bits are at least `p`.
    let directories: [[Int32]]

    init(_ blocking: LSHBlocking, words: [UInt64], width: Int, records count: Int) async {
        self.width = width
        positions = blocking.positions(encodedBits: width * 64)
        let positions = self.positions
        // Each table is keyed and sorted on its own: the tables are built on every core.
        let tables = await Parallel.map(count: positions.count, chunkSize: 1, maxTasks: defaultParallelism) { range in
            range.map { t in
                var pairs: [(key: UInt64, record: Int32)] = []
                pairs.reserveCapacity(count)
                words.withUnsafeBufferPointer { w in
                    for r in 0..<count { pairs.append((Self.key(w, base: r * width, positions[t]), Int32(r))) }
                }
                pairs.sort { $0.key != $1.key ? $0.key < $1.key : $0.record < $1.record }
                var directory = [Int32](repeating: Int32(count), count: (1 << Self.prefixBits) + 1)
                var next = 0
                for (i, pair) in pairs.enumerated() {
                    let prefix = Int(pair.key >> UInt64(64 - Self.prefixBits))
                    while next <= prefix { directory[next] = Int32(i); next += 1 }
                }
                return (keys: pairs.map(\.key), records: pairs.map(\.record), directory: directory)
            }
        }
        keys = tables.map(\.keys); records = tables.map(\.records); directories = tables.map(\.directory)
    }

    /// The key of the record at `base`: its bits at the table's positions, mixed.
    @inline(__always)
    static func key(_ words: UnsafeBufferPointer<UInt64>, base: Int, _ positions: [Int]) -> UInt64 {
        var key: UInt64 = 0
        for (bit, p) in positions.enumerated() { key |= ((words[base + (p >> 6)] >> UInt64(p & 63)) & 1) << UInt64(bit) }
        return key &* 0x9E37_79B9_7F4A_7C15
    }

    /// The right records that meet left record `record` in some table, each once, ascending.
    func candidates(of words: UnsafeBufferPointer<UInt64>, record: Int, into out: inout [Int32]) {
        out.removeAll(keepingCapacity: true)
        for t in positions.indices {
            let key = Self.key(words, base: record * width, positions[t])
            let prefix = Int(key >> UInt64(64 - Self.prefixBits))
            let sorted = keys[t], directory = directories[t]
            var low = Int(directory[prefix]), high = Int(directory[prefix + 1])
            while low < high {
                let middle = (low + high) / 2
                if sorted[middle] < key { low = middle + 1 } else { high = middle }
            }
            while low < sorted.count, sorted[low] == key { out.append(records[t][low]); low += 1 }
        }
        out.sort()
        var kept = 0
        for v in out where kept == 0 || out[kept - 1] != v { out[kept] = v; kept += 1 }
        out.removeLast(out.count - kept)
    }
}

/// The candidate pairs all workers gathered so far.
final class CandidateCount: Sendable {
    private let count = Atomic<Int>(0)
    /// Adds `n`; returns the new total.
    func add(_ n: Int) -> Int { count.add(n, ordering: .relaxed).newValue }
    var total: Int { count.load(ordering: .relaxed) }
}
