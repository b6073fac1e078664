import ConcordChem
import ConcordData
import ConcordFederation
import ConcordML
import Foundation

// Federated-distillation benchmarks (release build):
//   federation  — FLuID's proof-of-concept run (--preset poc) on CHEMBL214_Ki end to end, stage by stage,
//                 beside the authors' own code (Benchmarks/peers/fluid_poc.py) when FLUID_POC_DIR is set.
//   annotation  — 8 teachers annotating 1,000,000 MOSES molecules: time and peak memory.

/// Peak resident memory of this process so far, in MiB.
func peakMemoryMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// CHEMBL214_Ki-style MoleculeACE set as labelled molecules (active ≤ 100 nM), FCFP4-2048.
func loadMoleculeACE(_ name: String, cache: DataCache) async -> LabelledMolecules {
    let records: [MoleculeACERecord]
    do { records = try MoleculeACE(wheelAt: try WheelFetcher(cache: cache).fetch(.moleculeACE).url).load(name) } catch { die("\(error)") }
    let outcomes = await MoleculeFeaturizer.featurize(records.map(\.smiles), options: .fcfp4)
    var features = FingerprintMatrix(bitCount: 2048), keys: [MoleculeIdentityKey] = [], labels: [UInt8] = [], isTest: [Bool] = []
    var smiles: [String] = [], ids: [String] = []
    for (r, o) in zip(records, outcomes) {
        guard case .success(let p) = o else { continue }
        features.append(p.fingerprint); keys.append(p.key); labels.append(r.experimentalNM <= 100 ? 1 : 0)
        isTest.append(r.isTest); smiles.append(r.smiles); ids.append("\(r.line)")
    }
    return LabelledMolecules(ids: ids, features: features, labels: labels, identityKeys: keys, isTest: isTest, smiles: smiles)
}

func federationBenchmark(dataset: String, seeds: Int) async {
    let cache = DataCache.standard()
    print("Federation benchmark: --preset poc on MoleculeACE \(dataset) (active ≤ 100 nM), 8 partners, 50,000 MOSES transfer molecules,")
    print("student 10,000 balanced, students S-T0…S-T8 and S-F8, hybrids H0…H8; \(defaultParallelism) cores, release build")
    var totals: [Double] = []
    var last: SimulationResults<ClassificationTask>?
    for seed in 0..<UInt64(seeds) {
        let start = ContinuousClock.now
        let data = await loadMoleculeACE(dataset, cache: cache)
        let featurized = seconds(ContinuousClock.now - start)
        let pool: [String]
        do { pool = try MOSES(wheelAt: try WheelFetcher(cache: cache).fetch(.moses).url).smiles(.train) } catch { die("\(error)") }
        let loaded = seconds(ContinuousClock.now - start)
        let results: SimulationResults<ClassificationTask>
        do {
            results = try await Simulation.run(data: data, pool: pool, datasetName: dataset, settings: SimulationSettings.poc, seeds: [seed],
                                               featurizationSeconds: featurized, version: "bench").results
        } catch { die("\(error)") }
        let total = seconds(ContinuousClock.now - start)
        totals.append(total)
        last = results
        let t = results.timingsS
        print(String(format: "  seed %d: total %.2f s (reading 1.58 M MOSES SMILES %.2f, fingerprints %.2f, teachers %.2f, annotation %.2f, federation %.3f, students %.2f, hybrids %.2f, evaluation %.2f)",
                     Int(seed), total, loaded - featurized, t.fingerprints, t.teachers, t.annotation, t.federation, t.student, t.hybrids, t.evaluation))
    }
    let mean = totals.reduce(0, +) / Double(max(totals.count, 1))
    if let r = last {
        let mcc = { (name: String) in r.model(name)?.test.mcc.map { String(format: "%.3f", $0) } ?? "–" }
        print("  last seed test MCC: T0 \(mcc("T0")), T-mean \(mcc("T-mean")), S-F8 \(mcc("S-F8")), H0 \(mcc("H0"))")
    }
    let environment = ProcessInfo.processInfo.environment
    if let fluid = environment["FLUID_POC_DIR"], !fluid.isEmpty {
        print("  peer: the authors' FLuID_POC code (\(fluid)) on the same data, same machine …")
        let python = environment["CONCORD_FLUID_PYTHON"] ?? "python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "Benchmarks/peers/fluid_poc.py", dataset, "--seed", "42"]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { die("cannot run the FLuID peer: \(error)") }
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let json = (try? JSONSerialization.jsonObject(with: out)) as? [String: Any],
              let timings = json["timings_s"] as? [String: Any], let peerTotal = (timings["total_s"] ?? timings["total"]) as? Double else {
            die("the FLuID peer failed (status \(process.terminationStatus))")
        }
        print(String(format: "\n  Concord %.2f s (mean of %d)   FLuID_POC %.2f s   ratio %.1fx (goal ≥ 20x)", mean, totals.count, peerTotal, peerTotal / mean))
    } else {
        print(String(format: "\n  Concord %.2f s (mean of %d)   FLuID_POC 172 s (the issue's measurement on this machine; not re-run: set FLUID_POC_DIR to run it)   ratio %.1fx (goal ≥ 20x)",
                     mean, totals.count, 172 / mean))
    }
}

func annotationBenchmark(count: Int) async {
    let cache = DataCache.standard()
    print("Annotation benchmark: 8 FLuID teachers (CHEMBL214_Ki partners) annotate \(count) MOSES molecules (P(active) and 8-NN domain distance)")
    let data = await loadMoleculeACE("CHEMBL214_Ki", cache: cache)
    let pool: [String]
    do { pool = try MOSES(wheelAt: try WheelFetcher(cache: cache).fetch(.moses).url).smiles(.train) } catch { die("\(error)") }
    let settings = SimulationSettings.poc
    let tree = SeedTree(0)  // seed 0's branches, as the simulation walks them
    let teachers: [Teacher]
    do {
        let plan = try await VirtualConsortium.plan(data, settings: settings.consortium, seed: tree.stage(.consortium).seed)
        var list: [Teacher] = []
        for (i, rows) in plan.partners.enumerated() {
            list.append(try await Teacher.train(partner: "T\(i + 1)", features: data.features.rows(rows), labels: rows.map { data.labels[$0] },
                                                recipe: settings.teacher, domain: settings.domain, seeds: tree.partner(i)))
        }
        teachers = list
    } catch { die("\(error)") }
    var start = ContinuousClock.now
    let transfer = await TransferSet.sample(pool: pool, size: count, excluding: [], options: .fcfp4, seed: tree.stage(.transfer).seed)
    let featurize = seconds(ContinuousClock.now - start)
    print(String(format: "  parsed, de-duplicated and fingerprinted %d molecules (%d duplicates, %d unparsable) in %.1f s; peak memory so far %.0f MiB",
                 transfer.count, transfer.duplicates, transfer.unparsable, featurize, peakMemoryMiB()))
    start = ContinuousClock.now
    var annotations: [Annotation] = []
    do {
        for teacher in teachers { annotations.append(try await teacher.annotate(transfer.features)) }
    } catch { die("\(error)") }
    let annotate = seconds(ContinuousClock.now - start)
    start = ContinuousClock.now
    let consensus: Consensus
    do { consensus = try Federation.consensus(annotations, scheme: .weighted) } catch { die("\(error)") }
    let federate = seconds(ContinuousClock.now - start)
    print(String(format: "  annotation by 8 teachers: %.1f s (%.0f molecule-annotations/s); federation %.2f s; %d consensus actives",
                 annotate, Double(transfer.count * 8) / annotate, federate, consensus.labels.reduce(0) { $0 + Int($1) }))
    print(String(format: "  peak resident memory of the whole process: %.0f MiB (goal under 2048 MiB)", peakMemoryMiB()))
}
