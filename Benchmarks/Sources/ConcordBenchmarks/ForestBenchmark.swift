import ConcordChem
import ConcordData
import ConcordML
import Foundation

// Random forest benchmark: quality on MoleculeACE CHEMBL214_Ki and speed on MOSES, each
// beside scikit-learn (Benchmarks/peers/sklearn_forest.py) run in the same invocation on the
// same FCFP4-2048 fingerprints (Concord writes them to a file for the peer).
// Entry point: `await forestBenchmark()` (main.swift: `case "forest": await forestBenchmark()`).

/// Options both sides use: 150 trees, depth 15, balanced class weights (FLuID's setting).
private func forestOptions(seed: UInt64, parallelism: Int) -> ForestOptions {
    ForestOptions(treeCount: 150, maxDepth: 15, classWeight: .balanced, seed: seed, parallelism: parallelism)
}

/// FCFP4-2048 of each SMILES (nil where the SMILES does not parse), in parallel.
private func fcfp4(_ smiles: [String]) async -> [BitFingerprint?] {
    await Parallel.mapChunks(smiles, minimumChunk: 64) { chunk -> [BitFingerprint?] in
        var generator = MorganGenerator(options: .fcfp4)
        return chunk.map { s in (try? SMILES.parse(s)).map { generator.fingerprint($0) } }
    }
}

/// Writes `hex<TAB>label<TAB>split` rows for the peer.
private func writePeerFile(_ rows: [(BitFingerprint, UInt8, Bool)], name: String) -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("concord-forest-\(getpid())-\(name).tsv")
    var text = ""
    text.reserveCapacity(rows.count * 530)
    for (fp, y, test) in rows { text += "\(fp.hex)\t\(y)\t\(test ? "test" : "train")\n" }
    do { try text.write(to: url, atomically: true, encoding: .utf8) } catch { die("cannot write \(url.path): \(error)") }
    return url
}

private func forestQuality(cache: DataCache) async {
    let records: [MoleculeACERecord]
    do {
        let url = try WheelFetcher(cache: cache).fetch(.moleculeACE).url
        records = try MoleculeACE(wheelAt: url).load("CHEMBL214_Ki")
    } catch { die("\(error)") }
    let fps = await fcfp4(records.map(\.smiles))
    var train = FingerprintMatrix(bitCount: 2048), test = FingerprintMatrix(bitCount: 2048)
    var yTrain: [UInt8] = [], yTest: [UInt8] = [], peerRows: [(BitFingerprint, UInt8, Bool)] = []
    for (r, fp) in zip(records, fps) {
        guard let fp else { continue }
        let y: UInt8 = r.experimentalNM <= 100 ? 1 : 0
        if r.isTest { test.append(fp); yTest.append(y) } else { train.append(fp); yTrain.append(y) }
        peerRows.append((fp, y, r.isTest))
    }
    print("Forest quality: MoleculeACE CHEMBL214_Ki, active when exp_mean <= 100 nM, the set's own split, FCFP4-2048")
    print("  train \(train.rowCount) (\(yTrain.reduce(0) { $0 + Int($1) }) active), test \(test.rowCount) (\(yTest.reduce(0) { $0 + Int($1) }) active), \(records.count - peerRows.count) unparsed")
    print("  150 trees, max depth 15, class_weight balanced; MCC at predict = P(active) > 0.5 (scikit-learn's argmax)")

    let seeds: [UInt64] = [0, 1, 2]
    var ours: [(auc: Double, mcc: Double)] = []
    for seed in seeds {
        do {
            let model = try await RandomForestClassifier.fit(train, labels: yTrain, options: forestOptions(seed: seed, parallelism: defaultParallelism))
            let p = try await model.probabilities(test)
            let auc = try Metrics.rocAUC(truth: yTest, scores: p)
            let mcc = try ConfusionMatrix(truth: yTest, predicted: p.map { $0 > 0.5 ? 1 : 0 }).mcc
            ours.append((auc, mcc))
        } catch { die("\(error)") }
    }
    let file = writePeerFile(peerRows, name: "quality")
    defer { try? FileManager.default.removeItem(at: file) }
    let peer = runPeer("Benchmarks/peers/sklearn_forest.py", ["quality", file.path, "--seeds", seeds.map(String.init).joined(separator: ",")])
    let results = peer["results"] as? [[String: Any]] ?? []
    let theirs = results.map { (auc: $0["roc_auc"] as? Double ?? .nan, mcc: $0["mcc"] as? Double ?? .nan) }
    let version = peer["sklearn"] as? String ?? "?"

    print("")
    print("  seed   Concord ROC-AUC   Concord MCC   sklearn \(version) ROC-AUC   sklearn MCC")
    for (k, seed) in seeds.enumerated() {
        let t = k < theirs.count ? theirs[k] : (auc: Double.nan, mcc: Double.nan)
        print(String(format: "  %4d   %15.4f   %11.4f   %21.4f   %11.4f", Int(seed), ours[k].auc, ours[k].mcc, t.auc, t.mcc))
    }
    func mean(_ xs: [Double]) -> Double { xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count) }
    let oa = mean(ours.map(\.auc)), om = mean(ours.map(\.mcc)), ta = mean(theirs.map(\.auc)), tm = mean(theirs.map(\.mcc))
    print(String(format: "  mean   %15.4f   %11.4f   %21.4f   %11.4f", oa, om, ta, tm))
    print(String(format: "  difference (Concord - sklearn): ROC-AUC %+.4f (goal within 0.01: %@), MCC %+.4f (goal within 0.02: %@)",
                 oa - ta, abs(oa - ta) <= 0.01 ? "met" : "NOT met", om - tm, abs(om - tm) <= 0.02 ? "met" : "NOT met"))
}

private func forestSpeed(cache: DataCache) async {
    let trainRows = 10_000, predictRows = 50_000
    let smiles: [String]
    do {
        let url = try WheelFetcher(cache: cache).fetch(.moses).url
        smiles = try MOSES(wheelAt: url).smiles(.train, limit: (trainRows + predictRows) * 11 / 10)
    } catch { die("\(error)") }
    // Synthetic label from the real molecules: active when the molecule has at least 24 heavy
    // atoms (about a third of MOSES), a property spread over many fingerprint bits.
    let parsed = await Parallel.mapChunks(smiles, minimumChunk: 64) { chunk -> [(BitFingerprint, UInt8)?] in
        var generator = MorganGenerator(options: .fcfp4)
        return chunk.map { s in
            guard let m = try? SMILES.parse(s) else { return nil }
            return (generator.fingerprint(m), m.atomCount >= 24 ? 1 : 0)
        }
    }
    let rows = parsed.compactMap { $0 }
    guard rows.count >= trainRows + predictRows else { die("only \(rows.count) MOSES molecules parsed") }
    let trainPart = rows.prefix(trainRows), predictPart = rows.dropFirst(trainRows).prefix(predictRows)
    let x = FingerprintMatrix(bitCount: 2048, fingerprints: trainPart.map(\.0)), y = trainPart.map(\.1)
    let xp = FingerprintMatrix(bitCount: 2048, fingerprints: predictPart.map(\.0))
    print("")
    print("Forest speed: fit on the first \(trainRows) MOSES training molecules, predict P(active) on the next \(predictRows); FCFP4-2048")
    print("  synthetic label: active when heavy atoms >= 24 (\(y.reduce(0) { $0 + Int($1) }) of \(trainRows) active); 150 trees, depth 15, balanced")

    func timed(_ parallelism: Int) async -> (fit: Double, predict: Double, nodes: Int) {
        do {
            let start = ContinuousClock.now
            let model = try await RandomForestClassifier.fit(x, labels: y, options: forestOptions(seed: 0, parallelism: parallelism))
            let fit = seconds(ContinuousClock.now - start)
            let start2 = ContinuousClock.now
            let p = try await model.probabilities(xp, parallelism: parallelism)
            let predict = seconds(ContinuousClock.now - start2)
            precondition(p.count == xp.rowCount)
            return (fit, predict, model.trees.reduce(0) { $0 + $1.nodeCount })
        } catch { die("\(error)") }
    }
    let one = await timed(1)
    let all = await timed(defaultParallelism)

    let trainFile = writePeerFile(trainPart.map { ($0.0, $0.1, false) }, name: "speed-train")
    let predictFile = writePeerFile(predictPart.map { ($0.0, $0.1, false) }, name: "speed-predict")
    defer {
        try? FileManager.default.removeItem(at: trainFile)
        try? FileManager.default.removeItem(at: predictFile)
    }
    let peer = runPeer("Benchmarks/peers/sklearn_forest.py", ["speed", trainFile.path, predictFile.path])
    let pf = peer["fit_seconds"] as? Double ?? .nan, pp = peer["predict_seconds"] as? Double ?? .nan
    let version = peer["sklearn"] as? String ?? "?"

    print("")
    print("                          Concord 1 core   Concord \(defaultParallelism) cores   sklearn \(version) n_jobs=1   ratio (1 core)   ratio (\(defaultParallelism) cores)")
    print(String(format: "fit 10,000 rows (s)       %14.3f   %15.3f   %23.3f   %13.1fx   %14.1fx", one.fit, all.fit, pf, pf / one.fit, pf / all.fit))
    print(String(format: "predict 50,000 rows (s)   %14.3f   %15.3f   %23.3f   %13.1fx   %14.1fx", one.predict, all.predict, pp, pp / one.predict, pp / all.predict))
    print("  Concord forest: \(one.nodes) nodes; goals: fit and predict at least 5x faster than scikit-learn on one core")
}

/// The random forest benchmark (quality on MoleculeACE, speed on MOSES), each beside
/// scikit-learn measured in the same invocation.
func forestBenchmark() async {
    let cache = DataCache.standard()
    await forestQuality(cache: cache)
    await forestSpeed(cache: cache)
}
