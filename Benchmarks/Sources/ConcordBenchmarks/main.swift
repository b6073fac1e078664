import ConcordChem
import ConcordData
import Foundation

// Release-built benchmarks. Each prints Concord's figure beside its peer's, measured in the
// same invocation on the same inputs. Usage: ConcordBenchmarks [fingerprints] [--count N]
//   secagg [--parties 8,32,100] [--lengths 50000,1000000] [--dropouts 0,0.1] [--peer] [--peer-limit N·d]
//          (beside Flower 1.42's SecAgg+ with --peer; Benchmarks/secagg/run)
//   paillier [--bits 2048,3072] [--count N] [--additions N] [--peer]
//          (beside python-paillier 1.5.0 + gmpy2 with --peer; Benchmarks/paillier/run)

let arguments = CommandLine.arguments.dropFirst()
let which = arguments.first { !$0.hasPrefix("--") } ?? "fingerprints"
let countArgument: Int? = arguments.firstIndex(of: "--count").flatMap { i in
    i + 1 < arguments.endIndex ? Int(arguments[i + 1]) : nil
}

/// The comma-separated values after `flag`, or `fallback` when the flag is absent.
func listArgument<T>(_ flag: String, _ parse: (Substring) -> T?, _ fallback: [T]) -> [T] {
    arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.endIndex ? arguments[$0 + 1].split(separator: ",").compactMap(parse) : nil } ?? fallback
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

func die(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(1)
}

/// Runs the peer script with the oracle venv's Python and decodes its JSON line.
func runPeer(_ script: String, _ args: [String]) -> [String: Any] {
    let python = ProcessInfo.processInfo.environment["CONCORD_PEER_PYTHON"] ?? "python3"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [python, script] + args
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { die("cannot run the peer \(script): \(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0,
          let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
        die("the peer \(script) failed (status \(process.terminationStatus))")
    }
    return json
}

func fingerprintBenchmark(count: Int) async {
    let cache = DataCache.standard()
    let moses: [String]
    do {
        let url = try WheelFetcher(cache: cache).fetch(.moses).url
        moses = try MOSES(wheelAt: url).smiles(.train, limit: count)
    } catch { die("\(error)") }
    print("Fingerprint benchmark: first \(moses.count) MOSES training SMILES, radius 2, 2048 bits, parsing included")

    func single(_ options: MorganOptions) -> (perSecond: Double, bits: Int) {
        var generator = MorganGenerator(options: options)
        var bits = 0
        for s in moses.prefix(1000) { if let m = try? SMILES.parse(s) { bits &+= generator.fingerprint(m).popcount } }
        bits = 0
        let start = ContinuousClock.now
        for s in moses { if let m = try? SMILES.parse(s) { bits &+= generator.fingerprint(m).popcount } }
        return (Double(moses.count) / seconds(ContinuousClock.now - start), bits)
    }
    func parallel(_ options: MorganOptions) async -> Double {
        let start = ContinuousClock.now
        let bits = await Parallel.mapChunks(moses, minimumChunk: 64) { chunk -> [Int] in
            var generator = MorganGenerator(options: options)
            var bits = 0
            for s in chunk { if let m = try? SMILES.parse(s) { bits &+= generator.fingerprint(m).popcount } }
            return [bits]
        }
        precondition(!bits.isEmpty)
        return Double(moses.count) / seconds(ContinuousClock.now - start)
    }

    let ecfp1 = single(.ecfp4), fcfp1 = single(.fcfp4)
    let ecfpN = await parallel(.ecfp4), fcfpN = await parallel(.fcfp4)

    let file = FileManager.default.temporaryDirectory.appendingPathComponent("concord-bench-\(getpid()).smi")
    do { try (moses.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8) } catch { die("\(error)") }
    defer { try? FileManager.default.removeItem(at: file) }
    let peer = runPeer("Benchmarks/peers/rdkit_fingerprints.py", [file.path])
    let rdE = peer["ecfp4_per_s"] as? Double ?? .nan, rdF = peer["fcfp4_per_s"] as? Double ?? .nan
    let version = peer["rdkit"] as? String ?? "?"
    let sameBits = (peer["ecfp4_on_bits"] as? Int) == ecfp1.bits && (peer["fcfp4_on_bits"] as? Int) == fcfp1.bits

    print("")
    print("                     Concord 1 core   Concord \(defaultParallelism) cores   RDKit \(version) 1 core   ratio (1 core)")
    print(String(format: "ECFP4 molecules/s   %14.0f   %15.0f   %20.0f   %13.2fx", ecfp1.perSecond, ecfpN, rdE, ecfp1.perSecond / rdE))
    print(String(format: "FCFP4 molecules/s   %14.0f   %15.0f   %20.0f   %13.2fx", fcfp1.perSecond, fcfpN, rdF, fcfp1.perSecond / rdF))
    print(String(format: "scaling to %d cores: ECFP4 %.2fx, FCFP4 %.2fx", defaultParallelism, ecfpN / ecfp1.perSecond, fcfpN / fcfp1.perSecond))
    print("total on-bits equal to RDKit's: \(sameBits ? "yes" : "NO") (ECFP4 \(ecfp1.bits), FCFP4 \(fcfp1.bits))")
}

switch which {
case "fingerprints": await fingerprintBenchmark(count: countArgument ?? 100_000)
case "forest": await forestBenchmark()
case "domain": await domainBenchmark()
case "mlp": await mlpBenchmark()
case "federation":
    let dataset = arguments.firstIndex(of: "--dataset").flatMap { $0 + 1 < arguments.endIndex ? arguments[$0 + 1] : nil } ?? "CHEMBL214_Ki"
    let seeds = arguments.firstIndex(of: "--seeds").flatMap { $0 + 1 < arguments.endIndex ? Int(arguments[$0 + 1]) : nil } ?? 1
    await federationBenchmark(dataset: dataset, seeds: seeds)
case "annotation": await annotationBenchmark(count: countArgument ?? 1_000_000)
case "closure":
    let list = arguments.firstIndex(of: "--datasets").flatMap { $0 + 1 < arguments.endIndex ? arguments[$0 + 1] : nil }
        ?? "CHEMBL214_Ki,CHEMBL204_Ki,CHEMBL234_Ki,CHEMBL237_Ki,CHEMBL2047_EC50,CHEMBL1862_Ki,CHEMBL264_Ki"
    let seeds = arguments.firstIndex(of: "--seeds").flatMap { $0 + 1 < arguments.endIndex ? Int(arguments[$0 + 1]) : nil } ?? 3
    await closureBenchmark(datasets: list.split(separator: ",").map(String.init), seeds: seeds)
case "secagg":
    let limit = arguments.firstIndex(of: "--peer-limit").flatMap { $0 + 1 < arguments.endIndex ? Int(arguments[$0 + 1]) : nil } ?? 32_000_000
    await secaggBenchmark(parties: listArgument("--parties", { Int($0) }, [8, 32, 100]),
                          lengths: listArgument("--lengths", { Int($0) }, [50_000, 1_000_000]),
                          dropouts: listArgument("--dropouts", { Double($0) }, [0, 0.1]), peer: arguments.contains("--peer"), peerLimit: limit)
case "paillier":
    let additions = arguments.firstIndex(of: "--additions").flatMap { $0 + 1 < arguments.endIndex ? Int(arguments[$0 + 1]) : nil } ?? 20_000
    await paillierBenchmark(bits: listArgument("--bits", { Int($0) }, [2048, 3072]), count: max(1, countArgument ?? 200),
                            additions: max(1, additions), peer: arguments.contains("--peer"))
default: die("unknown benchmark '\(which)'; available: fingerprints, forest, domain, mlp, federation, annotation, closure, secagg, paillier")
}
