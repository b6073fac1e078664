import Foundation

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
    /// best first (a record is linked at most once), sorted by left index. Both cores compare.
    public static func link(left: [BloomFilter], right: [BloomFilter], threshold: Double) async throws(LinkageError) -> [LinkedPair] {
        guard threshold > 0, threshold <= 1 else {
            throw LinkageError(.invalidParameter, "the similarity threshold must lie in (0, 1]", context: .init(field: "threshold"))
        }
        let (comparisons, overflow) = left.count.multipliedReportingOverflow(by: right.count)
        guard !overflow, comparisons <= maximumComparisons else {
            throw LinkageError(.tooLarge, "\(left.count) × \(right.count) comparisons exceed the limit of \(maximumComparisons); block the records first (e.g. by year of birth)")
        }
        guard let width = left.first?.words.count ?? right.first?.words.count else { return [] }
        guard left.allSatisfy({ $0.words.count == width }), right.allSatisfy({ $0.words.count == width }) else {
            throw LinkageError(.invalidParameter, "the encodings have different lengths: they were not made with the same settings")
        }
        // Flat, contiguous words and popcounts: the hot loop allocates nothing.
        let rightWords = right.flatMap(\.words)
        let rightCounts = right.map(\.popcount)
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunk = max(1, (left.count + workers * 4 - 1) / (workers * 4))
        let candidates = await withTaskGroup(of: [LinkedPair].self) { group in
            for start in stride(from: 0, to: left.count, by: chunk) {
                let rows = Array(left[start..<min(left.count, start + chunk)])
                group.addTask {
                    var found: [LinkedPair] = []
                    rightWords.withUnsafeBufferPointer { words in
                        for (offset, filter) in rows.enumerated() {
                            let a = filter.words, countA = filter.popcount
                            for j in 0..<rightCounts.count {
                                let total = countA + rightCounts[j]
                                guard total > 0 else { continue }
                                var shared = 0
                                let base = j * width
                                for w in 0..<width { shared &+= (a[w] & words[base + w]).nonzeroBitCount }
                                let dice = 2 * Double(shared) / Double(total)
                                if dice >= threshold { found.append(LinkedPair(left: start + offset, right: j, similarity: dice)) }
                            }
                        }
                    }
                    return found
                }
            }
            var all: [LinkedPair] = []
            for await part in group { all += part }
            return all
        }
        let ordered = candidates.sorted {
            $0.similarity != $1.similarity ? $0.similarity > $1.similarity : ($0.left, $0.right) < ($1.left, $1.right)
        }
        var usedLeft = Set<Int>(), usedRight = Set<Int>(), links: [LinkedPair] = []
        for pair in ordered where !usedLeft.contains(pair.left) && !usedRight.contains(pair.right) {
            usedLeft.insert(pair.left); usedRight.insert(pair.right); links.append(pair)
        }
        return links.sorted { $0.left < $1.left }
    }

    /// Precision and recall of `links` against the true pairs.
    public static func quality(of links: [LinkedPair], truth: Set<[Int]>) -> (precision: Double, recall: Double) {
        let found = Set(links.map { [$0.left, $0.right] })
        let correct = found.intersection(truth).count
        return (found.isEmpty ? 1 : Double(correct) / Double(found.count), truth.isEmpty ? 1 : Double(correct) / Double(truth.count))
    }
}
