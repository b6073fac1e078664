import ConcordChem
import ConcordData
import ConcordML
import Foundation

/// Applicability-domain benchmark: mean Tanimoto and Euclidean distance of 50,000 MOSES
/// queries to their 8 nearest of 10,000 MOSES references (FCFP4, 2048 bits), beside a numpy
/// peer (float32 matrix product on a subset of the queries, scaled per query) that also
/// checks the values.
func domainBenchmark() async {
    let referenceCount = 10_000, queryCount = 50_000, k = 8
    let cache = DataCache.standard()
    let smiles: [String]
    do {
        let url = try WheelFetcher(cache: cache).fetch(.moses).url
        smiles = try MOSES(wheelAt: url).smiles(.train, limit: referenceCount + queryCount)
    } catch { die("\(error)") }
    let fingerprints = await Parallel.mapChunks(smiles, minimumChunk: 64) { chunk -> [BitFingerprint] in
        var generator = MorganGenerator(options: .fcfp4)
        return chunk.map { s in
            guard let m = try? SMILES.parse(s) else { return BitFingerprint(bitCount: 2048) }
            return generator.fingerprint(m)
        }
    }
    let references = FingerprintMatrix(bitCount: 2048, fingerprints: fingerprints.prefix(referenceCount))
    let queries = FingerprintMatrix(bitCount: 2048, fingerprints: fingerprints.dropFirst(referenceCount))
    print("Applicability-domain benchmark: \(queries.rowCount) queries × \(references.rowCount) references, FCFP4 2048 bits, k = \(k), \(defaultParallelism) cores")

    /// CPU time of the whole process (all threads), to tell work from waiting on a busy machine.
    func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
    var results: [NeighborMetric: (seconds: Double, cpu: Double, distances: [Double])] = [:]
    for metric in NeighborMetric.allCases {
        do {
            let domain = try DistanceDomain(training: references, k: k, metric: metric)
            _ = try await domain.meanDistances(FingerprintMatrix(bitCount: 2048, fingerprints: fingerprints.prefix(200)))
            let start = ContinuousClock.now, cpuStart = cpuSeconds()
            let d = try await domain.meanDistances(queries)
            results[metric] = (seconds(ContinuousClock.now - start), cpuSeconds() - cpuStart, d)
        } catch { die("\(error)") }
    }
    let dictionaryStart = ContinuousClock.now
    let inside = FeatureDictionaryDomain(training: references).contains(queries).filter { $0 }.count
    let dictionarySeconds = seconds(ContinuousClock.now - dictionaryStart)

    let peerQueries = min(2_000, queries.rowCount)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("concord-domain-\(getpid()).smi")
    do {
        try (smiles.prefix(referenceCount + peerQueries).joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
    } catch { die("\(error)") }
    defer { try? FileManager.default.removeItem(at: file) }
    let peer = runPeer("Benchmarks/peers/numpy_domain.py", [file.path, "--references", "\(referenceCount)", "--k", "\(k)"])
    let peerTanimoto = peer["tanimoto_seconds"] as? Double ?? .nan
    let peerEuclid = peer["euclidean_seconds"] as? Double ?? .nan
    let peerCount = peer["queries"] as? Int ?? peerQueries
    let scale = Double(queries.rowCount) / Double(max(peerCount, 1))
    func agree(_ key: String, _ metric: NeighborMetric) -> String {
        guard let values = peer[key] as? [Double], let ours = results[metric]?.distances else { return "?" }
        let n = min(values.count, ours.count)
        let worst = (0..<n).map { abs(values[$0] - ours[$0]) }.max() ?? 0
        return worst < 1e-5 ? "yes (max |Δ| \(String(format: "%.1e", worst)) over \(n))" : "NO (max |Δ| \(worst))"
    }

    print("")
    print("                         Concord (s)   CPU (s, all threads)   numpy \(peer["numpy"] as? String ?? "?") (s, scaled from \(peerCount) queries)   same values")
    for (metric, key, peerSeconds) in [(NeighborMetric.tanimoto, "tanimoto_mean", peerTanimoto), (.euclidean, "euclidean_mean", peerEuclid)] {
        let ours = results[metric]?.seconds ?? .nan, cpu = results[metric]?.cpu ?? .nan
        let label = "mean \(metric.rawValue) kNN".padding(toLength: 22, withPad: " ", startingAt: 0)
        print(label + String(format: "   %11.3f   %20.3f   %38.2f   ", ours, cpu, peerSeconds * scale) + agree(key, metric))
    }
    print(String(format: "feature dictionary: %d of %d queries inside, %.3f s", inside, queries.rowCount, dictionarySeconds))
    let pairs = Double(queries.rowCount) * Double(references.rowCount)
    if let t = results[.tanimoto]?.seconds { print(String(format: "Tanimoto kNN throughput: %.2f × 10⁹ pairs/s", pairs / t / 1e9)) }
}
