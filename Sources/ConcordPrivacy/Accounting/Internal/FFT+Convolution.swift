import Foundation

/// Convolutions of real sequences: directly for short ones, through the FFT for long ones.
extension FFT {
    /// Below this product of lengths, convolution is done directly.
    static let directConvolutionLimit = 1 << 16

    /// The linear convolution `c[k] = Σ_{i+j=k} a[i]·b[j]` (length `a.count + b.count − 1`).
    /// - Complexity: O(mn) for short inputs, else O((m+n) log(m+n)).
    static func convolution(_ a: [Double], _ b: [Double]) -> [Double] {
        guard !a.isEmpty, !b.isEmpty else { return [] }
        if a.count.multipliedReportingOverflow(by: b.count).partialValue <= directConvolutionLimit || min(a.count, b.count) == 1 {
            return directConvolution(a, b)
        }
        let length = a.count + b.count - 1
        let fft = FFT(atLeast: length)
        var ar = fft.padded(a), ai = [Scalar](repeating: 0, count: fft.size)
        var br = fft.padded(b), bi = [Scalar](repeating: 0, count: fft.size)
        fft.forward(&ar, &ai)
        fft.forward(&br, &bi)
        for k in 0..<fft.size {
            let re = ar[k] * br[k] - ai[k] * bi[k], im = ar[k] * bi[k] + ai[k] * br[k]
            ar[k] = re; ai[k] = im
        }
        fft.inverse(&ar, &ai)
        return ar[0..<length].map { Double($0) }
    }

    /// The linear convolution, summed term by term.
    static func directConvolution(_ a: [Double], _ b: [Double]) -> [Double] {
        guard !a.isEmpty, !b.isEmpty else { return [] }
        var c = [Double](repeating: 0, count: a.count + b.count - 1)
        c.withUnsafeMutableBufferPointer { c in
            for (i, x) in a.enumerated() where x != 0 {
                for (j, y) in b.enumerated() { c[i + j] += x * y }
            }
        }
        return c
    }

    /// `values` in ``Scalar``, zero-padded to ``size``.
    func padded(_ values: [Double]) -> [Scalar] {
        var result = [Scalar](repeating: 0, count: size)
        for (k, value) in values.prefix(size).enumerated() { result[k] = Scalar(value) }
        return result
    }

    /// The `exponent`-fold circular self-convolution of `p` (zero-padded to ``size``, which must
    /// be at least `p.count`): the inverse transform of the transform raised to the power, each
    /// coefficient by repeated squaring in ``Scalar`` (about 2·log₂ N roundings, each at most
    /// doubling the relative error so far: N·2⁻⁶⁴ for the x87 format). Coefficients whose power
    /// is below 10⁻⁴⁰ are set to 0.
    /// - Complexity: O(n log n + m log exponent) for m coefficients above the cut.
    func circularSelfConvolution(_ p: [Double], exponent: Int) -> [Double] {
        guard p.count <= size, exponent >= 1 else { return [] }
        var re = padded(p), im = [Scalar](repeating: 0, count: size)
        forward(&re, &im)
        // |X|^N < 1e-40 ⇔ |X|² < exp(−2·40·log 10 / N).
        let cut = Scalar(exp(-2 * 40 * log(10.0) / Double(exponent)))
        re.withUnsafeMutableBufferPointer { re in
            im.withUnsafeMutableBufferPointer { im in
                for k in 0..<size {
                    var baseRe = re[k], baseIm = im[k]
                    if baseRe * baseRe + baseIm * baseIm < cut { re[k] = 0; im[k] = 0; continue }
                    var resultRe: Scalar = 1, resultIm: Scalar = 0, e = exponent
                    while e > 0 {
                        if e & 1 == 1 {
                            (resultRe, resultIm) = (resultRe * baseRe - resultIm * baseIm, resultRe * baseIm + resultIm * baseRe)
                        }
                        e >>= 1
                        if e > 0 { (baseRe, baseIm) = (baseRe * baseRe - baseIm * baseIm, 2 * baseRe * baseIm) }
                    }
                    re[k] = resultRe; im[k] = resultIm
                }
            }
        }
        inverse(&re, &im)
        return re.map { Double($0) }
    }
}
