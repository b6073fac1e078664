import Foundation

/// An in-place radix-2 fast Fourier transform of complex sequences held as separate real and
/// imaginary arrays, with its twiddle factors computed once (each directly from `cos`/`sin`, not
/// by a recurrence, so they are correctly rounded to within an ulp).
///
/// The forward transform is `X[k] = Σ x[j]·e^{−2πijk/n}`; the inverse divides by `n`. It runs in
/// ``Scalar``: the x87 80-bit format (64-bit significand) where the processor has it, else
/// `Double`. Composing N steps raises each coefficient to the power N, which multiplies its
/// relative error by N; the 11 extra bits keep 14,062 steps' worth of error below a `Double` ulp.
/// - Complexity: O(n log n) per transform, O(n) memory for the twiddles.
struct FFT: Sendable {
    #if arch(x86_64) || arch(i386)
    typealias Scalar = Float80
    #else
    typealias Scalar = Double
    #endif

    /// The transform's length, a power of two.
    let size: Int
    private let cosines: [Scalar]
    private let sines: [Scalar]

    /// A transform of length `2^log2Size` (`log2Size` ≥ 0).
    init(log2Size: Int) {
        size = 1 << max(0, log2Size)
        let half = size / 2
        var cosines = [Scalar](repeating: 1, count: half), sines = [Scalar](repeating: 0, count: half)
        for k in 0..<half {
            let angle = -2 * Scalar.pi * Scalar(k) / Scalar(size)
            cosines[k] = cos(angle); sines[k] = sin(angle)
        }
        self.cosines = cosines; self.sines = sines
    }

    /// The smallest transform that holds `count` values.
    init(atLeast count: Int) {
        var log2Size = 0
        while (1 << log2Size) < count { log2Size += 1 }
        self.init(log2Size: log2Size)
    }

    /// Transforms `real` and `imaginary` (each of ``size`` values) in place.
    func forward(_ real: inout [Scalar], _ imaginary: inout [Scalar]) {
        transform(&real, &imaginary, conjugate: false)
    }

    /// Inverts ``forward(_:_:)`` in place (including the division by ``size``).
    func inverse(_ real: inout [Scalar], _ imaginary: inout [Scalar]) {
        transform(&real, &imaginary, conjugate: true)
        let scale = 1 / Scalar(size)
        for k in 0..<size { real[k] *= scale; imaginary[k] *= scale }
    }

    private func transform(_ real: inout [Scalar], _ imaginary: inout [Scalar], conjugate: Bool) {
        let n = size
        guard n > 1, real.count == n, imaginary.count == n else { return }
        let sign: Scalar = conjugate ? -1 : 1
        real.withUnsafeMutableBufferPointer { reBuffer in
            imaginary.withUnsafeMutableBufferPointer { imBuffer in
                cosines.withUnsafeBufferPointer { cBuffer in
                    sines.withUnsafeBufferPointer { sBuffer in
                        guard let re = reBuffer.baseAddress, let im = imBuffer.baseAddress,
                              let c = cBuffer.baseAddress, let s = sBuffer.baseAddress else { return }
                        Self.permute(re, im, n)
                        // Butterflies over spans 2, 4, …, n.
                        var span = 2
                        while span <= n {
                            let half = span / 2, stride = n / span
                            for k in 0..<half {
                                let wr = c[k * stride], wi = sign * s[k * stride]
                                var a = k
                                while a < n {
                                    let b = a + half
                                    let tr = re[b] * wr - im[b] * wi, ti = re[b] * wi + im[b] * wr
                                    re[b] = re[a] - tr; im[b] = im[a] - ti
                                    re[a] += tr; im[a] += ti
                                    a += span
                                }
                            }
                            span *= 2
                        }
                    }
                }
            }
        }
    }

    /// The bit-reversal permutation.
    private static func permute(_ re: UnsafeMutablePointer<Scalar>, _ im: UnsafeMutablePointer<Scalar>, _ n: Int) {
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j |= bit
            if i < j { swap(&re[i], &re[j]); swap(&im[i], &im[j]) }
        }
    }
}
