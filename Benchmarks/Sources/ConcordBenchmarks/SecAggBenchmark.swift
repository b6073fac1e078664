import ConcordPrivacy
import Foundation

/// One full in-process SecAgg+ round (every party and the coordinator, one after another, each
/// using both cores for its masks) per size, beside the plain sum and, with `peer`, Flower 1.42's
/// SecAgg+ code on the same sizes (Benchmarks/secagg/flower_secagg.py).
func secaggBenchmark(parties: [Int], lengths: [Int], dropouts: [Double], peer: Bool, peerLimit: Int) async {
    print("SecAgg+ benchmark: one round in process, parties one after another; \(ProcessInfo.processInfo.activeProcessorCount) cores, release build")
    print("dropouts: parties that go silent after sharing their keys (the costlier recovery: their pairwise masks are rebuilt)")
    print("")
    print("    N          d  drop   t/g   Concord s  party mean s  server s  plain sum s   KiB/party  exact" + (peer ? "   Flower s  Flower KiB/party  Flower/Concord" : ""))
    let clock = ContinuousClock()
    for d in lengths {
        var generator = CryptographicGenerator(seed: .reproducible(from: UInt64(d), label: "benchmark.inputs"))
        let bases = (0..<4).map { _ in (0..<d).map { _ in Double.random(in: -1...1, using: &generator) } }
        for n in parties {
            for fraction in dropouts {
                let k = SecAggNeighbourGraph.recommendedDegree(partyCount: n), g = min(k, n - 1) + 1
                let t = SecAggConfiguration.majorityThreshold(groupSize: g)
                let configuration = SecAggConfiguration(session: "benchmark", partyCount: n, threshold: t, degree: k, graphSeed: 1,
                                                        vectorLength: d, encoding: FixedPointEncoding(bound: 1, fractionalBits: 24))
                let inputs = (0..<n).map { bases[$0 % 4] }
                let m = Int((fraction * Double(n)).rounded())
                let dropped = Set((0..<m).map { $0 * n / m })
                let simulation = SecAggSimulation(configuration: configuration, inputs: inputs, dropouts: [.maskedInput: dropped], seed: 1)
                let report: SecAggSimulation.Report
                let started = clock.now
                do { report = try await simulation.run() } catch { die("SecAgg+ round N=\(n) d=\(d): \(error)") }
                let total = seconds(clock.now - started)

                let survivors = (0..<n).filter { !dropped.contains($0) }
                let plainStarted = clock.now
                var plain = [Double](repeating: 0, count: d)
                for u in survivors {
                    inputs[u].withUnsafeBufferPointer { x in plain.withUnsafeMutableBufferPointer { s in for i in 0..<d { s[i] += x[i] } } }
                }
                let plainSeconds = seconds(clock.now - plainStarted)
                var fixed = [UInt64](repeating: 0, count: d)
                for u in survivors {
                    guard let words = try? configuration.encoding.encode(inputs[u]) else { die("encoding failed") }
                    for i in 0..<d { fixed[i] &+= words[i] }
                }
                let exact = report.result.sum == fixed && report.result.included == survivors
                let bytes = Double(zip(report.bytesSent, report.bytesReceived).reduce(0) { $0 + $1.0 + $1.1 }) / Double(n)
                let partyMean = report.partySeconds.reduce(0, +) / Double(n)
                var row = String(format: "%5d  %9d  %3.0f%%  %2d/%-3d  %10.3f  %12.4f  %8.3f  %11.4f  %10.0f  %5@",
                                 n, d, fraction * 100, t, g, total, partyMean, report.coordinatorSeconds, plainSeconds, bytes / 1024,
                                 exact ? "yes" : "NO")
                if peer {
                    if n * d <= peerLimit {
                        let flower = runPeer("Benchmarks/secagg/flower_secagg.py",
                                             ["--parties", "\(n)", "--length", "\(d)", "--dropout", "\(fraction)", "--neighbours", "\(g)", "--threshold", "\(t)"])
                        let fs = flower["seconds_round"] as? Double ?? .nan, fb = flower["bytes_per_party"] as? Double ?? .nan
                        row += String(format: "  %9.3f  %16.0f  %13.1fx", fs, fb / 1024, fs / total)
                    } else {
                        row += "  (skipped: N·d above --peer-limit \(peerLimit))"
                    }
                }
                print(row)
            }
        }
    }
    print("")
    print("Concord s: the whole round (all parties' and the coordinator's work, identity keys and input encoding included).")
    print("KiB/party: binary payload each party sends plus receives (Flower: its messages' byte strings); a plain upload is 8·d bytes.")
    if peer { print("Flower expands masks with NumPy's MT19937 seeded from 32 bits (pseudo_rand_gen), mod 2³²; Concord with ChaCha20 from 256-bit seeds, mod 2⁶⁴, and signs keys and the survivor list.") }
}
