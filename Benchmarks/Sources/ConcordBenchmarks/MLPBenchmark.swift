import ConcordChem
import ConcordData
import ConcordML
import Foundation

/// MLP quality and speed on MoleculeACE CHEMBL214_Ki (active when exp_mean ≤ 100 nM, the
/// set's own train/test split, FCFP4 2048 bits), 3 seeds, beside scikit-learn's random
/// forest (150 trees, depth 15, balanced) from the same run. Per seed the epoch count comes
/// from early stopping on 10% of the training rows; the MLP is then refitted on all of them.
func mlpBenchmark() async {
    let set = "CHEMBL214_Ki"
    let wheel: URL
    let records: [MoleculeACERecord]
    do {
        wheel = try WheelFetcher(cache: DataCache.standard()).fetch(.moleculeACE).url
        records = try MoleculeACE(wheelAt: wheel).load(set)
    } catch { die("\(error)") }
    var generator = MorganGenerator(options: .fcfp4)
    var train = FingerprintMatrix(bitCount: 2048), test = FingerprintMatrix(bitCount: 2048)
    var yTrain: [UInt8] = [], yTest: [UInt8] = []
    for r in records {
        guard let m = try? SMILES.parse(r.smiles) else { continue }
        let fp = generator.fingerprint(m)
        let label: UInt8 = r.experimentalNM <= 100 ? 1 : 0
        if r.isTest { test.append(fp); yTest.append(label) } else { train.append(fp); yTrain.append(label) }
    }
    print("MLP benchmark: MoleculeACE \(set), \(train.rowCount) train / \(test.rowCount) test, FCFP4 2048 bits, \(defaultParallelism) cores")
    let peer = runPeer("Benchmarks/peers/sklearn_chembl214.py", [wheel.path, "--set", set, "--seeds", "0", "1", "2"])

    print("")
    print("seed   MLP ROC-AUC   MLP MCC   epochs (stop)   train s   |   RF ROC-AUC   RF MCC   RF fit s")
    let rf = peer["rf"] as? [[String: Any]] ?? []
    var aucs: [Double] = [], rfAucs: [Double] = []
    for seed in 0..<3 {
        let start = ContinuousClock.now
        let trained: (model: MLP, report: MLP.TrainingReport)
        let stoppedAt: Int
        do {
            // 1. Early stopping on a seeded 90/10 split of the training rows picks the epoch count;
            // 2. the MLP is refitted on all training rows for that many epochs (scaled by 10/9).
            // The test rows are never looked at before scoring.
            let split = MLPBenchmarkSettings.validationSplit(rows: train.rowCount, seed: UInt64(seed))
            let fit = FingerprintMatrix(bitCount: 2048, fingerprints: split.fit.map { train[$0] })
            let valid = FingerprintMatrix(bitCount: 2048, fingerprints: split.valid.map { train[$0] })
            let probe = try await MLP.train(fit, targets: .binary(split.fit.map { yTrain[$0] }),
                                            validation: (valid, .binary(split.valid.map { yTrain[$0] })),
                                            options: MLPBenchmarkSettings.options(seed: UInt64(seed)))
            stoppedAt = probe.report.bestEpoch
            var refit = MLPBenchmarkSettings.options(seed: UInt64(seed))
            refit.maxEpochs = max(1, (stoppedAt * 10 + 8) / 9)
            trained = try await MLP.train(train, targets: .binary(yTrain), options: refit)
        } catch { die("\(error)") }
        let elapsed = seconds(ContinuousClock.now - start)
        let p = await trained.model.predictProbability(test)
        let auc = benchmarkROCAUC(p, yTest), mcc = benchmarkMCC(p, yTest)
        aucs.append(auc)
        let peerRow = seed < rf.count ? rf[seed] : [:]
        let rfAuc = peerRow["roc_auc"] as? Double ?? .nan
        rfAucs.append(rfAuc)
        print(String(format: "%4d   %11.4f   %7.4f   %6d (%3d)   %7.1f   |   %10.4f   %6.4f   %8.1f", seed, auc, mcc,
                     trained.report.epochs, stoppedAt, elapsed, rfAuc,
                     peerRow["mcc"] as? Double ?? .nan, peerRow["seconds"] as? Double ?? .nan))
    }
    let mean = aucs.reduce(0, +) / Double(aucs.count), rfMean = rfAucs.reduce(0, +) / Double(rfAucs.count)
    print(String(format: "mean ROC-AUC: MLP %.4f, random forest %.4f → MLP %@", mean, rfMean, mean >= rfMean ? "at least as good" : "WORSE"))
}

/// The benchmark's MLP settings and its early-stopping split (10% of training, seeded).
enum MLPBenchmarkSettings {
    static func options(seed: UInt64) -> MLP.TrainingOptions {
        MLP.TrainingOptions(hidden: [1024], dropout: 0.5, learningRate: 5e-4, weightDecay: 5e-2,
                            batchSize: 64, maxEpochs: 60, patience: 10, seed: seed)
    }

    static func validationSplit(rows: Int, seed: UInt64) -> (fit: [Int], valid: [Int]) {
        var rng = SeededRandom(seed: seed ^ 0x5EED)
        var order = Array(0..<rows)
        order.shuffle(using: &rng)
        let cut = rows / 10
        return (Array(order[cut...]).sorted(), Array(order[..<cut]).sorted())
    }
}

/// ROC-AUC through the library's scikit-learn-parity implementation (NaN with one class).
func benchmarkROCAUC(_ scores: [Double], _ labels: [UInt8]) -> Double {
    (try? Metrics.rocAUC(truth: labels, scores: scores)) ?? .nan
}

/// Matthews correlation at threshold 0.5, through the library's confusion matrix.
func benchmarkMCC(_ scores: [Double], _ labels: [UInt8]) -> Double {
    (try? ConfusionMatrix(truth: labels, scores: scores, threshold: 0.5).mcc) ?? .nan
}
