import ConcordChem
import Foundation
import Testing
@testable import ConcordML

/// Random sparse fingerprints with a label that depends on a few bits.
func syntheticForestData(rows: Int, bits: Int = 256, density: Double = 0.08, seed: UInt64) -> (FingerprintMatrix, [UInt8], [Double]) {
    var rng = SeededRandom(seed: seed)
    var x = FingerprintMatrix(bitCount: bits, reservingRows: rows)
    var labels: [UInt8] = [], targets: [Double] = []
    for _ in 0..<rows {
        var fp = BitFingerprint(bitCount: bits)
        for b in 0..<bits where rng.nextUnit() < density { fp.set(b) }
        // Class 1 when bit 3 or (bits 7 and 11) are set, with 5% label noise.
        var y: UInt8 = fp[3] || (fp[7] && fp[11]) ? 1 : 0
        if rng.nextUnit() < 0.05 { y = 1 - y }
        labels.append(y)
        targets.append(2 * Double(fp[3] ? 1 : 0) + Double(fp[5] ? 1 : 0) - Double(fp[9] ? 1 : 0) + 0.1 * rng.nextUnit())
        x.append(fp)
    }
    return (x, labels, targets)
}

@Suite("Random forest")
struct RandomForestTests {
    let train = syntheticForestData(rows: 600, seed: 1)
    let test = syntheticForestData(rows: 400, seed: 2)

    @Test("learns a bit rule; the same seed gives the same forest on 1 or 2 cores")
    func learnsAndIsDeterministic() async throws {
        let one = try await RandomForestClassifier.fit(train.0, labels: train.1, options: ForestOptions(treeCount: 40, seed: 9, parallelism: 1))
        let two = try await RandomForestClassifier.fit(train.0, labels: train.1, options: ForestOptions(treeCount: 40, seed: 9, parallelism: 2))
        #expect(one.trees == two.trees)
        let p1 = try await one.probabilities(test.0, parallelism: 1)
        let p2 = try await two.probabilities(test.0, parallelism: 2)
        #expect(p1 == p2)
        let auc = try Metrics.rocAUC(truth: test.1, scores: p1)
        #expect(auc > 0.85, "test ROC-AUC \(auc)")
        let other = try await RandomForestClassifier.fit(train.0, labels: train.1, options: ForestOptions(treeCount: 40, seed: 10))
        #expect(other.trees != one.trees)
        #expect(p1.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test("out-of-bag predictions cover about 1/e of rows per tree and score well")
    func outOfBag() async throws {
        let f = try await RandomForestClassifier.fit(train.0, labels: train.1, options: ForestOptions(treeCount: 50, seed: 3))
        let oob = try #require(f.outOfBag)
        let mean = Double(oob.treeCounts.reduce(0, +)) / Double(oob.treeCounts.count)
        #expect(abs(mean - 50 * 0.368) < 2, "mean out-of-bag trees per row \(mean)")
        let rows = oob.coveredRows
        let auc = try Metrics.rocAUC(truth: rows.map { train.1[$0] }, scores: rows.map { oob.predictions[$0] })
        #expect(auc > 0.75, "out-of-bag ROC-AUC \(auc)")  // scikit-learn: 0.83–0.86 on similar data
        let noBootstrap = try await RandomForestClassifier.fit(train.0, labels: train.1, options: ForestOptions(treeCount: 3, bootstrap: false))
        #expect(noBootstrap.outOfBag == nil)
    }

    @Test("depth and leaf-size limits; fully grown trees fit separable data exactly")
    func limits() async throws {
        let shallow = try await RandomForestClassifier.fit(train.0, labels: train.1, options: ForestOptions(treeCount: 10, maxDepth: 3))
        #expect(shallow.trees.allSatisfy { $0.depth <= 3 })
        let stumps = try await RandomForestClassifier.fit(train.0, labels: train.1, options: ForestOptions(treeCount: 5, maxDepth: 1))
        #expect(stumps.trees.allSatisfy { $0.nodeCount == 3 || $0.nodeCount == 1 })
        // Distinct rows, no bootstrap, every feature: each training row ends in a pure leaf.
        let full = try await RandomForestClassifier.fit(train.0, labels: train.1, options: ForestOptions(treeCount: 1, bootstrap: false, maxFeatures: .all))
        let p = try await full.probabilities(train.0)
        var distinct = Set<BitFingerprint>(), duplicates = 0
        for r in 0..<train.0.rowCount where !distinct.insert(train.0[r]).inserted { duplicates += 1 }
        #expect(duplicates == 0)
        #expect(zip(p, train.1).allSatisfy { $0 == Double($1) })
        // min_samples_leaf: count training rows per leaf of a tree without bootstrap.
        let leafy = try await RandomForestClassifier.fit(train.0, labels: train.1, options: ForestOptions(treeCount: 1, bootstrap: false, minSamplesLeaf: 20))
        let tree = leafy.trees[0]
        var perLeaf = [Int: Int]()
        for r in 0..<train.0.rowCount {
            var node = 0
            while tree.feature[node] >= 0 { node = Int(train.0[r][Int(tree.feature[node])] ? tree.right[node] : tree.left[node]) }
            perLeaf[node, default: 0] += 1
        }
        #expect(perLeaf.values.allSatisfy { $0 >= 20 })
    }

    @Test("balanced class weights raise the minority class's probabilities")
    func classWeights() async throws {
        // Imbalanced: keep 1 in 6 positives.
        var keep: [Int] = []
        var seen = 0
        for r in 0..<train.0.rowCount { if train.1[r] == 0 { keep.append(r) } else { seen += 1; if seen % 6 == 0 { keep.append(r) } } }
        let x = FingerprintMatrix(bitCount: 256, fingerprints: keep.map { train.0[$0] }), y = keep.map { train.1[$0] }
        let plain = try await RandomForestClassifier.fit(x, labels: y, options: ForestOptions(treeCount: 30, maxDepth: 4, seed: 1))
        let balanced = try await RandomForestClassifier.fit(x, labels: y, options: ForestOptions(treeCount: 30, maxDepth: 4, classWeight: .balanced, seed: 1))
        let sub = try await RandomForestClassifier.fit(x, labels: y, options: ForestOptions(treeCount: 30, maxDepth: 4, classWeight: .balancedSubsample, seed: 1))
        let m0 = await plain.predictProbability(test.0).reduce(0, +), m1 = await balanced.predictProbability(test.0).reduce(0, +)
        let m2 = await sub.predictProbability(test.0).reduce(0, +)
        #expect(m1 > m0 && m2 > m0)
    }

    @Test("regressor learns an additive bit target")
    func regressor() async throws {
        let f = try await RandomForestRegressor.fit(train.0, targets: train.2, options: ForestOptions(treeCount: 30, maxFeatures: .fraction(0.3), seed: 4))
        let p = try await f.values(test.0)
        let r2 = try Metrics.r2(truth: test.2, predicted: p)
        #expect(r2 > 0.9, "test R² \(r2)")
        let oob = try #require(f.outOfBag)
        #expect(oob.coveredRows.count > 590)
        let viaDataset = try await RandomForestRegressor.fit(
            FingerprintDataset(features: train.0, labels: .continuous(train.2), ids: train.2.indices.map(String.init)),
            options: ForestOptions(treeCount: 30, maxFeatures: .fraction(0.3), seed: 4))
        #expect(viaDataset.trees == f.trees)
        let loaded = try RandomForestRegressor(decoding: f.encoded())
        #expect(await loaded.predict(test.0) == p)
    }

    @Test("save and load: identical predictions; corrupt and foreign files refused")
    func persistence() async throws {
        let f = try await RandomForestClassifier.fit(train.0, labels: train.1, options: ForestOptions(treeCount: 8, seed: 5))
        let data = f.encoded()
        let loaded = try RandomForestClassifier(decoding: data)
        #expect(loaded.trees == f.trees && loaded.bitCount == 256)
        #expect(await loaded.predictProbability(test.0) == (await f.predictProbability(test.0)))
        var bad = data
        bad[bad.count / 2] ^= 1
        #expect(throws: ModelFileError.checksumMismatch) { try RandomForestClassifier(decoding: bad) }
        #expect(throws: ModelFileError.wrongKind(found: "random-forest-classifier", expected: "random-forest-regressor")) {
            try RandomForestRegressor(decoding: data)
        }
        // A well-formed container whose tree points a child back at the root.
        let cyclic = DecisionTree(feature: [0, -1, -1], left: [0, -1, -1], right: [1, -1, -1], value: [0.5, 0, 1])
        let evil = ModelFile.encode(kind: RandomForestClassifier.modelKind, formatVersion: 1,
                                    payload: RandomForestPayload.encode(bitCount: 256, trees: [cyclic]))
        #expect(throws: ModelFileError.self) { try RandomForestClassifier(decoding: evil) }
        let outOfRange = DecisionTree(feature: [300, -1, -1], left: [1, -1, -1], right: [2, -1, -1], value: [0.5, 0, 1])
        #expect(throws: ModelFileError.self) {
            try RandomForestClassifier(decoding: ModelFile.encode(kind: RandomForestClassifier.modelKind, formatVersion: 1,
                                                                  payload: RandomForestPayload.encode(bitCount: 256, trees: [outOfRange])))
        }
        #expect(throws: ModelFileError.self) {
            try RandomForestClassifier(decoding: ModelFile.encode(kind: RandomForestClassifier.modelKind, formatVersion: 1, payload: [1, 2, 3]))
        }
    }

    @Test("bad input is a typed error")
    func errors() async {
        let empty = FingerprintMatrix(bitCount: 64)
        await #expect(throws: ForestError.emptyTrainingSet) { try await RandomForestClassifier.fit(empty, labels: []) }
        await #expect(throws: ForestError.labelCountMismatch(rows: 600, labels: 2)) { try await RandomForestClassifier.fit(train.0, labels: [0, 1]) }
        await #expect(throws: ForestError.invalidLabel(row: 0, value: 7)) {
            try await RandomForestClassifier.fit(train.0, labels: [7] + train.1.dropFirst())
        }
        await #expect(throws: ForestError.self) { try await RandomForestClassifier.fit(train.0, labels: train.1, options: ForestOptions(treeCount: 0)) }
        await #expect(throws: ForestError.self) { try await RandomForestClassifier.fit(train.0, labels: train.1, options: ForestOptions(maxFeatures: .fraction(1.5))) }
        await #expect(throws: ForestError.nonFiniteTarget(row: 0)) {
            try await RandomForestRegressor.fit(train.0, targets: [.nan] + train.2.dropFirst())
        }
        let f = try? await RandomForestClassifier.fit(train.0, labels: train.1, options: ForestOptions(treeCount: 2))
        await #expect(throws: ForestError.bitCountMismatch(model: 256, input: 64)) { try await f?.probabilities(FingerprintMatrix(bitCount: 64)) }
        // One class only: a valid forest that always answers that class.
        let ones = try? await RandomForestClassifier.fit(train.0, labels: [UInt8](repeating: 1, count: 600), options: ForestOptions(treeCount: 3))
        #expect(await ones?.predictProbability(test.0).allSatisfy { $0 == 1 } == true)
    }
}
