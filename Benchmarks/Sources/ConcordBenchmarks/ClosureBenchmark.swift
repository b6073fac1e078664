import ConcordChem
import ConcordData
import ConcordFederation
import ConcordML
import Foundation

// Closure of the gap between the average partner and the all-data upper bound, --preset poc
// against the default preset, on the same splits and seeds, for several MoleculeACE sets:
// closure = (S − T-mean) / (T0 − T-mean) on test MCC, mean over seeds.
// Usage: ConcordBenchmarks closure [--datasets A,B,…] [--seeds 3]

func closureBenchmark(datasets: [String], seeds: Int) async {
    let cache = DataCache.standard()
    let fetcher = WheelFetcher(cache: cache)
    let ace: MoleculeACE
    let moses: [String]
    do {
        ace = try MoleculeACE(wheelAt: try fetcher.fetch(.moleculeACE).url)
        moses = try MOSES(wheelAt: try fetcher.fetch(.moses).url).smiles(.train)
    } catch { die("\(error)") }
    print("Closure benchmark: test MCC, mean of \(seeds) seeds; closure = (S-F8 − T-mean) / (T0 − T-mean); best hybrid vs T0")
    print("dataset            preset   T0      T-mean  S-F8    closure  best H (name)    H−T0    seconds")
    for name in datasets {
        let data = await loadMoleculeACE(name, cache: cache)
        var chembl: [String] = []
        do { for other in ace.setNames where other != name { chembl += try ace.load(other).map(\.smiles) } } catch { die("\(error)") }
        for (label, settings, pool, preferred) in [("poc", SimulationSettings.poc, moses, 0),
                                                   ("default", SimulationSettings.standard, chembl + moses, chembl.count)] {
            let start = ContinuousClock.now
            let results: SimulationResults<ClassificationTask>
            do {
                results = try await Simulation.run(data: data, pool: pool, preferred: preferred, datasetName: name, settings: settings,
                                                   seeds: (0..<UInt64(seeds)).map { $0 }, version: "bench").results
            } catch { die("\(name) \(label): \(error)") }
            let elapsed = seconds(ContinuousClock.now - start)
            let t0 = results.model("T0")?.test.mcc ?? .nan, tm = results.model("T-mean")?.test.mcc ?? .nan
            let s = results.model("S-F\(results.partners)")?.test.mcc ?? .nan
            let hybrids = results.models.filter { $0.role == .hybrid }
            let best = hybrids.max { ($0.test.mcc ?? -1) < ($1.test.mcc ?? -1) }
            let h = best?.test.mcc ?? .nan
            print(name.padding(toLength: 18, withPad: " ", startingAt: 0) + " " + label.padding(toLength: 8, withPad: " ", startingAt: 0)
                  + String(format: " %.3f   %.3f   %.3f   %6.0f%%  %.3f (%@)   %+.3f   %.0f", t0, tm, s, 100 * (s - tm) / (t0 - tm), h,
                           (best?.name ?? "–").padding(toLength: 3, withPad: " ", startingAt: 0), h - t0, elapsed))
        }
    }
}
