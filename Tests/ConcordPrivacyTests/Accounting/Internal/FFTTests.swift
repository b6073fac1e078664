import Foundation
import Testing
@testable import ConcordPrivacy

@Suite("FFT")
struct FFTTests {
    /// Reproducible inputs from a fixed-seed SplitMix64 (the test needs no cryptographic randomness).
    static func randomArray(_ count: Int, seed: UInt64) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53) - 0.5
        }
    }

    @Test("FFT convolution equals the direct sum on random inputs", arguments: [(3, 300), (257, 1_000), (1_000, 999), (1_500, 1_024)])
    func convolution(sizes: (Int, Int)) {
        let a = Self.randomArray(sizes.0, seed: UInt64(sizes.0)), b = Self.randomArray(sizes.1, seed: UInt64(sizes.1) &+ 7)
        let direct = FFT.directConvolution(a, b)
        let fft = FFT(atLeast: a.count + b.count - 1)
        var ar = fft.padded(a), ai = [FFT.Scalar](repeating: 0, count: fft.size)
        var br = fft.padded(b), bi = [FFT.Scalar](repeating: 0, count: fft.size)
        fft.forward(&ar, &ai); fft.forward(&br, &bi)
        var cr = zip(zip(ar, ai), zip(br, bi)).map { $0.0 * $1.0 - $0.1 * $1.1 }, ci = zip(zip(ar, ai), zip(br, bi)).map { $0.0 * $1.1 + $0.1 * $1.0 }
        fft.inverse(&cr, &ci)
        let scale = direct.map(abs).max() ?? 1
        #expect(direct.count == a.count + b.count - 1)
        for k in direct.indices { #expect(abs(Double(cr[k]) - direct[k]) <= 1e-12 * scale, "index \(k)") }
        for k in direct.count..<fft.size { #expect(abs(Double(cr[k])) <= 1e-12 * scale) }
        let library = FFT.convolution(a, b)
        for k in direct.indices { #expect(abs(library[k] - direct[k]) <= 1e-12 * scale) }
    }

    @Test("The transform of a unit impulse is flat, inverse undoes forward, and Parseval holds")
    func transformProperties() {
        let fft = FFT(log2Size: 10)
        var re = [FFT.Scalar](repeating: 0, count: 1_024), im = re
        re[3] = 1
        fft.forward(&re, &im)
        for k in 0..<1_024 {  // e^{−2πi·3k/n}
            #expect(abs(Double(re[k]) - cos(-2 * Double.pi * 3 * Double(k) / 1_024)) < 1e-13 && abs(Double(im[k]) - sin(-2 * Double.pi * 3 * Double(k) / 1_024)) < 1e-13)
        }
        let x = Self.randomArray(1_024, seed: 11).map { FFT.Scalar($0) }, y = Self.randomArray(1_024, seed: 12).map { FFT.Scalar($0) }
        var xr = x, xi = y
        fft.forward(&xr, &xi)
        let energy = zip(x, y).reduce(0) { $0 + $1.0 * $1.0 + $1.1 * $1.1 }, spectral = zip(xr, xi).reduce(0) { $0 + $1.0 * $1.0 + $1.1 * $1.1 } / 1_024
        #expect(abs(energy - spectral) <= 1e-12 * energy)
        fft.inverse(&xr, &xi)
        for k in 0..<1_024 { #expect(abs(xr[k] - x[k]) < 1e-14 && abs(xi[k] - y[k]) < 1e-14) }
    }

    @Test("A circular self-convolution by powers equals repeated direct convolution when nothing wraps")
    func selfConvolution() {
        let p = Self.randomArray(50, seed: 5).map { $0 + 0.5 }
        var direct = p
        for _ in 1..<7 { direct = FFT.directConvolution(direct, p) }
        let fft = FFT(atLeast: direct.count)
        let powered = fft.circularSelfConvolution(p, exponent: 7)
        let scale = direct.map(abs).max() ?? 1
        for k in direct.indices { #expect(abs(powered[k] - direct[k]) <= 1e-12 * scale, "index \(k)") }
    }
}
