import ConcordPrivacy
import Foundation

/// Paillier at each modulus size: key generation, encryption (public key, and the key holder's CRT),
/// homomorphic addition, multiplication by a plaintext integer and decryption, on one core, plus
/// batch encryption on all cores; with `peer`, python-paillier 1.5.0 with gmpy2 on the same
/// operations in the same run (Benchmarks/paillier/phe_peer.py).
func paillierBenchmark(bits: [Int], count: Int, additions: Int, peer: Bool) async {
    print("Paillier benchmark: \(count) operations per figure (\(additions) additions), \(ProcessInfo.processInfo.activeProcessorCount) cores, release build, GMP through CGMP")
    print("")
    let clock = ContinuousClock()
    func measure(_ n: Int, _ body: () throws -> Void) rethrows -> Double {
        let start = clock.now
        try body()
        return seconds(clock.now - start) / Double(n)
    }
    var rows: [String] = []
    for b in bits {
        var source = SecretSource.system
        let key: PaillierPrivateKey
        let keygenStart = clock.now
        do { key = try PaillierPrivateKey.generate(modulusBits: b, using: &source) } catch { die("key generation at \(b) bits: \(error)") }
        let keygen = seconds(clock.now - keygenStart)
        let pk = key.publicKey
        var rng = SystemRandomNumberGenerator()
        let values = (0..<count).map { _ in Int.random(in: -(1 << 40)...(1 << 40), using: &rng) }
        let factors = (0..<count).map { _ in Int.random(in: -(1 << 20)...(1 << 20), using: &rng) }

        var encrypted: [PaillierCiphertext] = []
        encrypted.reserveCapacity(count)
        let encrypt = measure(count) { for m in values { encrypted.append(pk.encrypt(m, using: &source)) } }
        var crtEncrypted: [PaillierCiphertext] = []
        let crt = measure(count) { for m in values { crtEncrypted.append(key.encrypt(m, using: &source)) } }
        let doubles = values.map { Double($0) * 0x1p-40 }
        let batchStart = clock.now
        do { _ = try await pk.encrypt(doubles, using: &source) } catch { die("\(error)") }
        let batch = seconds(clock.now - batchStart) / Double(count)
        let crtBatchStart = clock.now
        do { _ = try await key.encrypt(doubles, using: &source) } catch { die("\(error)") }
        let crtBatch = seconds(clock.now - crtBatchStart) / Double(count)

        var total = encrypted[0]
        let add = (try? measure(additions) { for k in 0..<additions { total = try total.adding(encrypted[k % count]) } }) ?? .nan
        var products: [PaillierCiphertext] = []
        let multiply = measure(count) { for (c, k) in zip(encrypted, factors) { products.append(c.multiplied(by: k)) } }
        var decrypted: [Int] = []
        let decrypt = (try? measure(count) { for c in encrypted { decrypted.append(try key.decryptInteger(c)) } }) ?? .nan
        let batchDecryptStart = clock.now
        let batchDecrypted = (try? await key.decrypt(encrypted)) ?? []
        let batchDecrypt = seconds(clock.now - batchDecryptStart) / Double(count)
        let correct = decrypted == values && batchDecrypted == values.map { Double($0) } && crtEncrypted.map { (try? key.decryptInteger($0)) ?? 0 } == values
            && (try? key.decryptInteger(products[0])) == values[0] * factors[0]

        print(String(format: "%5d bits  key generation %.2f s, all decryptions correct: %@", b, keygen, correct ? "yes" : "NO"))
        var row = String(format: "%5d  %10.3f  %10.3f  %8.2f  %11.3f  %10.3f  │ %12.3f  %12.3f  %12.3f", b, encrypt * 1e3, crt * 1e3,
                         add * 1e6, multiply * 1e3, decrypt * 1e3, batch * 1e3, crtBatch * 1e3, batchDecrypt * 1e3)
        if peer {
            let phe = runPeer("Benchmarks/paillier/phe_peer.py", ["--bits", "\(b)", "--count", "\(count)", "--additions", "\(additions)"])
            let pe = phe["encrypt_ms"] as? Double ?? .nan, pa = phe["add_us"] as? Double ?? .nan
            let pm = phe["multiply_ms"] as? Double ?? .nan, pd = phe["decrypt_ms"] as? Double ?? .nan
            row += String(format: "  │ %10.3f  %9.2f  %11.3f  %10.3f  │ %6.2fx %6.2fx %6.2fx %6.2fx %6.2fx", pe, pa, pm, pd,
                          pe / (encrypt * 1e3), pe / (crt * 1e3), pa / (add * 1e6), pm / (multiply * 1e3), pd / (decrypt * 1e3))
            if rows.isEmpty { print("peer: python-paillier \(phe["phe"] as? String ?? "?") with gmpy2 \(phe["gmpy2"] as? String ?? "?"), key generation \(String(format: "%.2f", phe["keygen_s"] as? Double ?? .nan)) s at \(b) bits") }
        }
        rows.append(row)
    }
    print("")
    print("                      Concord, 1 core                               │ Concord, all cores, per value            " + (peer ? "│ python-paillier 1.5.0 + gmpy2, 1 core          │ phe time / Concord time (1 core)" : ""))
    print(" bits  encrypt ms  CRT enc ms    add µs  multiply ms  decrypt ms  │ batch enc ms  batch CRT ms  batch dec ms"
          + (peer ? "  │ encrypt ms     add µs  multiply ms  decrypt ms  │ encrypt    CRT    add    mul    dec" : ""))
    for row in rows { print(row) }
    print("")
    print("encrypt: public-key encryption of an integer, (1 + m·n)·rⁿ mod n² (mpz_powm); CRT enc: the key holder's, rⁿ mod p² and q² (mpz_powm_sec).")
    print("batch: fixed-point encryption (decryption) of \(count) doubles over a TaskGroup, time per value. multiply: by a 21-bit signed integer.")
    print("CRT column of the ratios: phe's public-key encryption time over Concord's key-holder (CRT) encryption time.")
    print("decrypt: CRT decryption with mpz_powm_sec (side-channel silent; the exponents p−1, q−1 are secret), decoding included.")
}
