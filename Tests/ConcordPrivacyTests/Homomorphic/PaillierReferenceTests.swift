import Foundation
import Testing
@testable import ConcordPrivacy

@Suite("Paillier against python-paillier")
struct PaillierReferenceTests {
    /// python-paillier 1.5.0's key and ciphertexts (scripts/paillier_oracle.py; `scripts/test` sets the path).
    static let reference = ProcessInfo.processInfo.environment["CONCORD_PAILLIER_REFERENCE"]
    static let required = ProcessInfo.processInfo.environment["CONCORD_REQUIRE_PARITY"] == "1"

    struct Row: Sendable { var kind: Substring; var a, b, value: Substring }

    static func rows() throws -> [Row] {
        let path = try #require(reference, "CONCORD_PAILLIER_REFERENCE is not set (scripts/test sets it)")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst().filter { !$0.hasPrefix("#") }
        return try lines.map { line in
            let f = line.split(separator: "\t")
            try #require(f.count == 4, "malformed line \(line)")
            return Row(kind: f[0], a: f[1], b: f[2], value: f[3])
        }
    }

    static func hex(_ text: Substring) throws -> BigNumber {
        try #require(text.hasPrefix("0x") ? BigNumber.parse(String(text.dropFirst(2)), radix: 16) : nil, "not hex: \(text.prefix(20))")
    }

    @Test("""
          python-paillier 1.5.0's ciphertexts decrypt under the key rebuilt from its p and q: its encryptions of \
          integers (negative too), its homomorphic sums, plaintext additions and signed scalar products, and its \
          floats at precision 2⁻⁴⁰ (our 40-bit fixed point), their sums and products; the modulus and CRT constants \
          equal phe's; our encryptions under its key combine with its ciphertexts
          """, .enabled(if: reference != nil || required))
    func decryptsPhe() throws {
        let rows = try Self.rows()
        let keyRow = try #require(rows.first { $0.kind == "key" })
        let crtRow = try #require(rows.first { $0.kind == "crt" })
        let p = try Self.hex(keyRow.a), q = try Self.hex(keyRow.b), n = try Self.hex(keyRow.value)
        let key = try PaillierPrivateKey(p: try #require(p.bigEndianBytes(count: 128)), q: try #require(q.bigEndianBytes(count: 128)))
        #expect(key.publicKey.n == n)
        #expect(try key.hp == Self.hex(crtRow.a) && key.hq == Self.hex(crtRow.b))
        var source = SecretSource.reproducible(.reproducible(from: 21, label: "paillier.reference"))
        var counts: [Substring: Int] = [:]
        for row in rows where row.kind != "key" && row.kind != "crt" {
            counts[row.kind, default: 0] += 1
            let bytes = try #require(try Self.hex(row.value).bigEndianBytes(count: key.publicKey.ciphertextByteCount))
            let fixed = row.kind.hasPrefix("fixed")
            let c = try key.publicKey.ciphertext(bytes, fractionalBits: fixed ? 40 : 0)
            let about = "\(row.kind) \(row.a) \(row.b)"
            switch row.kind {
            case "encrypt", "add", "plain", "scalar":
                let a = try #require(Int(row.a)), b = Int(row.b) ?? 0
                // Sums and products of 62-bit values may pass Int's range: the expected value in GMP.
                let expected = row.kind == "encrypt" ? BigNumber(a) : row.kind == "scalar" ? BigNumber(a) * BigNumber(b) : BigNumber(a) + BigNumber(b)
                #expect(try key.decryptSigned(c) == expected, "\(about)")
                if row.kind == "encrypt" {  // our encryption of b added to phe's of a, both ways of encrypting
                    let ours = key.publicKey.encrypt(-a / 3, using: &source), crt = key.encrypt(7, using: &source)
                    #expect(try key.decryptInteger(c.adding(ours).adding(crt)) == a - a / 3 + 7, "\(about)")
                }
            case "fixed", "fixedsum", "fixedmul":
                let x = try #require(Double(row.a)), y = Double(row.b) ?? 0
                let expected = row.kind == "fixed" ? x : row.kind == "fixedsum" ? x + y : x * y
                // phe encodes round(x · 2⁴⁰) ties to even, as we do: the integers are equal, not just close.
                let mx = try PaillierEncoding.fixedPoint(x, fractionalBits: 40, key: key.publicKey)
                let integer: BigNumber = switch row.kind {
                case "fixed": mx
                case "fixedsum": try mx + PaillierEncoding.fixedPoint(y, fractionalBits: 40, key: key.publicKey)
                default: mx * BigNumber(try #require(Int(row.b)))
                }
                #expect(try key.decryptSigned(c) == integer, "\(about)")
                // Rounding x to 2⁻⁴⁰ (times |k| for a product), then decryption's truncation to 53 bits.
                let tolerance = (abs(y) + 2) * 0x1p-40 + abs(expected) * 0x1p-51
                #expect(abs(try key.decrypt(c) - expected) <= tolerance, "\(about)")
                let ours = try key.publicKey.encrypt(1.5, using: &source)
                #expect(abs(try key.decrypt(c.adding(ours)) - (expected + 1.5)) <= tolerance + 0x1p-40 + abs(expected + 1.5) * 0x1p-51, "\(about)")
            default:
                Issue.record("unknown kind \(row.kind)")
            }
        }
        for kind in ["encrypt", "add", "plain", "scalar", "fixed", "fixedsum", "fixedmul"] as [Substring] {
            #expect(counts[kind, default: 0] >= 20, "too few \(kind) rows")
        }
        print("Paillier vs python-paillier 1.5.0: \(counts.values.reduce(0, +)) ciphertexts decrypted")
    }
}
