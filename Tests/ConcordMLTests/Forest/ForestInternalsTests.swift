import ConcordChem
import Testing
@testable import ConcordML

/// The fast layouts behind the forest against the plain ones they replace.
@Suite("Random forest internals")
struct ForestInternalsTests {
    static let sizes = [1, 63, 64, 65, 1000]

    @Test("column-major bits equal the row-major bits", arguments: sizes)
    func columns(rows: Int) {
        for bits in [12, 64, 100, 2048] {
            let (x, labels, _) = syntheticForestData(rows: rows, bits: bits, density: 0.1, seed: UInt64(rows * 7 + bits))
            let data = TrainingData(x, target: labels.map(Double.init), columnMajor: true)
            #expect(data.wordsPerColumn == (rows + 63) / 64)
            var mismatches = 0
            for r in 0..<rows {
                for f in 0..<bits {
                    let rowBit = x.storage[r * x.wordsPerRow + f / 64] >> UInt64(f % 64) & 1
                    let columnBit = data.columns[f * data.wordsPerColumn + r / 64] >> UInt64(r % 64) & 1
                    if rowBit != columnBit { mismatches += 1 }
                }
            }
            #expect(mismatches == 0, "\(rows) rows × \(bits) bits")
            // Nothing beyond the last row is set.
            if rows % 64 != 0 {
                for f in 0..<bits {
                    #expect(data.columns[f * data.wordsPerColumn + data.wordsPerColumn - 1] >> UInt64(rows % 64) == 0)
                }
            }
        }
    }

    @Test("packed counts: fields, and a child subtracted from its parent field by field")
    func packedCounts() {
        let a = PackedCounts.row(multiplicity: 3, positive: true), b = PackedCounts.row(multiplicity: 2, positive: false)
        #expect(PackedCounts.row(multiplicity: 0, positive: true) == 0)
        let parent = a &+ b &+ a
        #expect(PackedCounts.rows(parent) == 3 && PackedCounts.positives(parent) == 6 && PackedCounts.negatives(parent) == 2)
        let child = parent &- a
        #expect(PackedCounts.rows(child) == 2 && PackedCounts.positives(child) == 3 && PackedCounts.negatives(child) == 2)
        let big = PackedCounts.row(multiplicity: PackedCounts.maxRows, positive: false)
        #expect(PackedCounts.negatives(big) == PackedCounts.maxRows && PackedCounts.rows(big) == 1 && PackedCounts.positives(big) == 0)
    }

    /// Options under which both builders sum exactly (unit class weights), so they must agree bit for bit.
    static let exactOptions: [ForestOptions] = [
        ForestOptions(treeCount: 4, seed: 3),
        ForestOptions(treeCount: 4, maxDepth: 4, minSamplesLeaf: 3, seed: 4),
        ForestOptions(treeCount: 4, bootstrap: false, maxFeatures: .all, seed: 5),
        ForestOptions(treeCount: 4, maxFeatures: .count(3), minSamplesSplit: 5, seed: 6),
    ]

    @Test("the packed classifier builder builds the general builder's trees when sums are exact", arguments: sizes)
    func packedBuilderMatches(rows: Int) {
        for (k, options) in Self.exactOptions.enumerated() {
            let (x, labels, _) = syntheticForestData(rows: rows, bits: 200, density: 0.1, seed: UInt64(rows + k))
            let data = TrainingData(x, target: labels.map(Double.init), columnMajor: true)
            let builder = TreeBuilder(data: data, classifier: true, options: options)
            for t in 0..<options.treeCount {
                let (general, generalOOB) = builder.build(tree: t, outOfBag: true)
                let (packed, packedOOB) = builder.buildClassifier(tree: t, outOfBag: true)
                #expect(general == packed, "\(rows) rows, options \(k), tree \(t)")
                #expect(generalOOB.map(\.0) == packedOOB.map(\.0))
                #expect(generalOOB.map(\.1) == packedOOB.map(\.1))
            }
        }
    }

    @Test("balanced weights: the packed builder's trees stay close to the general builder's")
    func packedBuilderBalanced() async throws {
        let (x, labels, _) = syntheticForestData(rows: 800, bits: 256, seed: 11)
        let (xt, yt, _) = syntheticForestData(rows: 400, bits: 256, seed: 12)
        let options = ForestOptions(treeCount: 60, classWeight: .balanced, seed: 2)
        let data = TrainingData(x, target: labels.map(Double.init), columnMajor: true)
        let builder = TreeBuilder(data: data, classifier: true, options: options)
        let general = RandomForestClassifier(bitCount: 256, trees: (0..<60).map { builder.build(tree: $0, outOfBag: false).0 }, outOfBag: nil)
        let packed = RandomForestClassifier(bitCount: 256, trees: (0..<60).map { builder.buildClassifier(tree: $0, outOfBag: false).0 }, outOfBag: nil)
        let a = try Metrics.rocAUC(truth: yt, scores: try await general.probabilities(xt))
        let b = try Metrics.rocAUC(truth: yt, scores: try await packed.probabilities(xt))
        #expect(abs(a - b) < 0.02, "ROC-AUC \(a) vs \(b)")
    }

    /// The leaf a tree sends `row` of `x` to, walking node by node.
    static func naiveLeaf(_ tree: DecisionTree, _ x: FingerprintMatrix, _ row: Int) -> Int {
        var node = 0
        while tree.feature[node] >= 0 {
            let f = Int(tree.feature[node])
            let bit = x.storage[row * x.wordsPerRow + f / 64] >> UInt64(f % 64) & 1
            node = Int(bit == 0 ? tree.left[node] : tree.right[node])
        }
        return node
    }

    @Test("the flat forest's lockstep walk predicts as walking each tree", arguments: [1, 7, 8, 9, 300, 1000])
    func flatForest(rows: Int) async {
        let (x, labels, _) = syntheticForestData(rows: 500, bits: 130, seed: 21)
        let (xt, _, _) = syntheticForestData(rows: rows, bits: 130, seed: 22)
        for options in [ForestOptions(treeCount: 7, seed: 1), ForestOptions(treeCount: 5, maxDepth: 3, seed: 2)] {
            let data = TrainingData(x, target: labels.map(Double.init), columnMajor: true)
            let (trees, _) = await ForestEngine.fit(data, classifier: true, options: options)
            let flat = FlatForest(trees)
            var out = [Double](repeating: -1, count: rows)
            xt.storage.withUnsafeBufferPointer { s in
                out.withUnsafeMutableBufferPointer { o in flat.predict(storage: s, wordsPerRow: xt.wordsPerRow, rows: 0..<rows, into: o) }
            }
            var mismatches = 0
            for r in 0..<rows {
                var sum = 0.0
                for tree in trees { sum += tree.value[Self.naiveLeaf(tree, xt, r)] }
                if out[r] != sum / Double(trees.count) { mismatches += 1 }
            }
            #expect(mismatches == 0)
            // A sub-range predicts the same as the whole.
            if rows > 9 {
                var part = [Double](repeating: -1, count: rows - 5)
                xt.storage.withUnsafeBufferPointer { s in
                    part.withUnsafeMutableBufferPointer { o in flat.predict(storage: s, wordsPerRow: xt.wordsPerRow, rows: 5..<rows, into: o) }
                }
                #expect(part == Array(out[5...]))
            }
        }
    }
}
