import Foundation
import Testing
@testable import ConcordChem

/// The SMILES file named by `CONCORD_BENCHMARK_SMILES`.
enum BenchmarkInput {
    static var path: String? { ProcessInfo.processInfo.environment["CONCORD_BENCHMARK_SMILES"] }
}

/// Throughput report, enabled when `CONCORD_BENCHMARK_SMILES` names a file with one SMILES per
/// line. Meaningful only in a release build: `swift test -c release -Xswiftc -enable-testing`.
@Suite("Fingerprint throughput", .enabled(if: BenchmarkInput.path != nil))
struct FingerprintBenchmarkTests {
    static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    @Test("parse, ECFP4, FCFP4, identity key and similarity throughput")
    func throughput() async throws {
        let path = try #require(BenchmarkInput.path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let smiles = text.split(separator: "\n").map { String($0) }.filter { !$0.isEmpty }
        var mols: [Molecule] = []
        let parse = Self.seconds { for s in smiles { if let m = try? SMILES.parse(s) { mols.append(m) } } }
        var ecfp = MorganGenerator(options: .ecfp4), fcfp = MorganGenerator(options: .fcfp4)
        var sink = 0
        let e = Self.seconds { for m in mols { sink &+= ecfp.fingerprint(m).words[0].nonzeroBitCount } }
        let f = Self.seconds { for m in mols { sink &+= fcfp.fingerprint(m).words[0].nonzeroBitCount } }
        let pe = Self.seconds { for s in smiles { sink &+= ecfp.fingerprint(smiles: s)?.popcount ?? 0 } }
        let k = Self.seconds { for m in mols { sink &+= Int(m.identityKey.low & 1) } }
        let start = DispatchTime.now().uptimeNanoseconds
        let batch = await MorganGenerator.fingerprints(smiles: smiles)
        let b = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let matrix = FingerprintMatrix(bitCount: 2048, fingerprints: batch.compactMap { $0 })
        let t = Self.seconds { sink &+= Int(matrix.tanimoto(matrix[0])[0]) }
        func rate(_ count: Int, _ s: Double) -> String { String(format: "%.0f/s", Double(count) / s) }
        print("[bench] \(smiles.count) SMILES, \(mols.count) parsed")
        print("[bench] parse+sanitise \(rate(smiles.count, parse)); ECFP4 \(rate(mols.count, e)); FCFP4 \(rate(mols.count, f))")
        print("[bench] parse+sanitise+ECFP4 1 thread \(rate(smiles.count, pe)); batch \(defaultParallelism) tasks \(rate(smiles.count, b))")
        print("[bench] identity key \(rate(mols.count, k)); Tanimoto rows \(rate(matrix.rowCount, t)) (sink \(sink))")
    }
}
