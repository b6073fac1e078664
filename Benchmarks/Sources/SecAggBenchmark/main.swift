import Foundation

// SecAgg+ in a release build, beside Flower 1.42's SecAgg+ code (Benchmarks/secagg/run).
// Usage: SecAggBenchmark [--parties 8,32,100] [--lengths 50000,1000000] [--dropouts 0,0.1] [--peer] [--peer-limit N·d]

let arguments = CommandLine.arguments.dropFirst()

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

func die(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(1)
}

/// Runs the peer script with `CONCORD_PEER_PYTHON` and decodes its JSON line.
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

func list<T>(_ flag: String, _ parse: (Substring) -> T?, _ fallback: [T]) -> [T] {
    arguments.firstIndex(of: flag).flatMap { $0 + 1 < arguments.endIndex ? arguments[$0 + 1].split(separator: ",").compactMap(parse) : nil } ?? fallback
}

let limit = arguments.firstIndex(of: "--peer-limit").flatMap { $0 + 1 < arguments.endIndex ? Int(arguments[$0 + 1]) : nil } ?? 32_000_000
await secaggBenchmark(parties: list("--parties", { Int($0) }, [8, 32, 100]), lengths: list("--lengths", { Int($0) }, [50_000, 1_000_000]),
                      dropouts: list("--dropouts", { Double($0) }, [0, 0.1]), peer: arguments.contains("--peer"), peerLimit: limit)
