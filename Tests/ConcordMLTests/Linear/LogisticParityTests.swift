import ConcordChem
import Foundation
import Testing
@testable import ConcordML

/// The reference written by `scripts/sklearn_linear_oracle.py --out FILE`, named by
/// `CONCORD_SKLEARN_LINEAR_REFERENCE`; `CONCORD_REQUIRE_PARITY=1` makes its absence a failure.
enum LinearReference {
    static var path: String? {
        let v = ProcessInfo.processInfo.environment["CONCORD_SKLEARN_LINEAR_REFERENCE"]
        return v?.isEmpty == false ? v : nil
    }
    static var required: Bool { ProcessInfo.processInfo.environment["CONCORD_REQUIRE_PARITY"] == "1" }
    static var shouldRun: Bool { path != nil || required }

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    static func load() throws -> [[String: Any]] {
        guard let path else { throw Missing(description: "CONCORD_SKLEARN_LINEAR_REFERENCE is not set (CONCORD_REQUIRE_PARITY=1); run scripts/sklearn_linear_oracle.py --out FILE") }
        guard let data = FileManager.default.contents(atPath: path),
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = json["cases"] as? [[String: Any]] else { throw Missing(description: "cannot read \(path)") }
        return cases
    }
}

@Suite("scikit-learn LogisticRegression parity", .enabled(if: LinearReference.shouldRun))
struct LogisticParityTests {
    @Test("coefficients, intercepts and probabilities match scikit-learn to 1e-6")
    func parity() throws {
        let cases = try LinearReference.load()
        #expect(cases.count >= 10)
        var overall = 0.0
        defer { print("logistic regression vs scikit-learn: \(cases.count) problems, largest coefficient/intercept difference \(overall)") }
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let rows = c["rows"] as? Int ?? 0, columns = c["columns"] as? Int ?? 0
            let y = (c["y"] as? [Int] ?? []).map(UInt8.init)
            let sw = c["sample_weight"] as? [Double]
            let options = LogisticRegression.Options(
                c: c["C"] as? Double ?? 1, fitIntercept: c["fit_intercept"] as? Bool ?? true,
                classWeight: (c["balanced"] as? Bool ?? false) ? .balanced : .none)
            let model: LogisticRegression
            let probability: [Double]
            if c["kind"] as? String == "bits" {
                let onBits = c["X"] as? [[Int]] ?? []
                let m = FingerprintMatrix(bitCount: columns, fingerprints: onBits.map { BitFingerprint(bitCount: columns, onBits: $0) })
                model = try LogisticRegression.fit(m, labels: y, sampleWeights: sw, options: options)
                probability = try model.probabilities(m)
            } else {
                let x = try DenseMatrix(rows: rows, columns: columns, values: c["X"] as? [Double] ?? [])
                model = try LogisticRegression.fit(dense: x, labels: y, sampleWeights: sw, options: options)
                probability = try model.probabilities(dense: x)
            }
            #expect(model.converged, "\(name) did not converge")
            let coef = c["coef"] as? [Double] ?? []
            let worst = zip(coef, model.coefficients).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst < 1e-6, "\(name): max coefficient difference \(worst)")
            overall = max(overall, worst, abs((c["intercept"] as? Double ?? .nan) - model.intercept))
            #expect(abs((c["intercept"] as? Double ?? .nan) - model.intercept) < 1e-6, "\(name) intercept")
            let p = c["probability"] as? [Double] ?? []
            #expect(zip(p, probability).allSatisfy { abs($0 - $1) < 1e-7 }, "\(name) probabilities")
        }
    }
}
