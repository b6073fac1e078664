import Foundation
import Testing
@testable import ConcordLinkage

private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
private func bytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        out.append(UInt8(hex[index..<next], radix: 16) ?? 0)
        index = next
    }
    return out
}

@Suite("ristretto255 hash to group")
struct Ristretto255Tests {
    /// RFC 9380, appendix K.3: expand_message_xmd(SHA-512).
    @Test func expandMessageMatchesRFC9380() {
        let expander = ExpandMessageXMD(dst: Array("QUUX-V01-CS02-with-expander-SHA512-256".utf8))
        #expect(hex(expander.expand([], length: 0x20)) == "6b9a7312411d92f921c6f68ca0b6380730a1a4d982c507211a90964c394179ba")
        #expect(hex(expander.expand(Array("abc".utf8), length: 0x20)) == "0da749f12fbe5483eb066a5f595055679b976e93abe9be6f0f6318bce7aca8dc")
        #expect(hex(expander.expand(Array("abcdef0123456789".utf8), length: 0x20)) == "087e45a86e2939ee8b91100af1583c4938e0f5fc6c9db4b107b83346bc967f58")
        #expect(hex(expander.expand([], length: 0x80)) ==
                "41b037d1734a5f8df225dd8c7de38f851efdb45c372887be655212d07251b921b052b62eaed99b46f72f2ef4cc96bfaf254ebbbec091e1a3b9e4fb5e5b619d2e0c5414800a1d882b62bb5cd1778f098b8eb6cb399d5d9d18f5d5842cf5d13d7eb00a7cff859b605da678b318bd0e65ebff70bec88c753b159a805d2c89c55961")
    }

    /// RFC 9497, appendix A.1.1.1 (OPRF(ristretto255, SHA-512), base mode): the blinded element
    /// `blind · HashToGroup(input)` checks the whole hash to group and the scalar multiplication.
    @Test func hashToGroupMatchesRFC9497() {
        let hasher = RistrettoHasher(dst: Array("HashToGroup-OPRFV1-".utf8) + [0] + Array("-ristretto255-SHA512".utf8))
        let blind = bytes("64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706")
        let vectors: [([UInt8], String)] = [
            ([0x00], "609a0ae68c15a3cf6903766461307e5c8bb2f95e7e6550e1ffa2dc99e412803c"),
            ([UInt8](repeating: 0x5a, count: 17), "da27ef466870f5f15296299850aa088629945a17d1f5b7f5ff043f76b3c06418"),
        ]
        for (input, expected) in vectors {
            let element = hasher.hash(input)
            var product = [UInt8](repeating: 0, count: 32)
            let ok = product.withUnsafeMutableBufferPointer { out in
                blind.withUnsafeBufferPointer { s in
                    element.withUnsafeBufferPointer { e in
                        Ristretto255.multiply(s.baseAddress!, e.baseAddress!, into: out.baseAddress!)
                    }
                }
            }
            #expect(ok)
            #expect(hex(product) == expected)
        }
    }

    @Test func invalidEncodingsAreRefused() {
        let hasher = RistrettoHasher(dst: Array("test".utf8))
        let valid = hasher.hash(Array("x".utf8))
        #expect(valid.withUnsafeBytes { Ristretto255.isValidElement($0) })
        var invalid = valid
        invalid[31] |= 0x80  // the top bit of a canonical encoding is clear
        #expect(!invalid.withUnsafeBytes { Ristretto255.isValidElement($0) })
        let identity = [UInt8](repeating: 0, count: 32)
        #expect(!identity.withUnsafeBytes { Ristretto255.isValidElement($0) })
    }
}
