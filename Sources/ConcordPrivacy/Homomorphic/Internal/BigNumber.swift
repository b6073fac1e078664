import CGMP

/// A signed arbitrary-precision integer held by GMP (an `mpz_t`), immutable once made.
///
/// Every operation returns a new number; the `mpz_t` is filled once, in the initialiser, and only
/// read afterwards. That is why `@unchecked Sendable` is sound: GMP's read-only functions
/// (`mpz_powm`, `mpz_mul`, `mpz_cmp`, … with the number as a `const` operand) do not write to their
/// operands, so any number of threads may read one number at a time, and no thread ever writes to a
/// number another can see. The limbs are zeroed before they are freed (keys and plaintexts are
/// secrets); GMP's own temporaries are not.
final class BigNumber: @unchecked Sendable {
    let raw: UnsafeMutablePointer<concord_mpz>

    /// A number computed by `fill` into a freshly initialised `mpz_t` (zero if `fill` writes nothing).
    init(_ fill: (UnsafeMutablePointer<concord_mpz>) -> Void) {
        raw = .allocate(capacity: 1)
        concord_mpz_init(raw)
        fill(raw)
    }

    deinit {
        concord_mpz_clear_wiped(raw)
        raw.deallocate()
    }

    convenience init(_ value: Int) { self.init { concord_mpz_set_si($0, value) } }

    /// The non-negative number whose big-endian bytes are `bytes`.
    convenience init(bigEndian bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        self.init { r in array.withUnsafeBufferPointer { b in
            if let base = b.baseAddress, !b.isEmpty { concord_mpz_import_be(r, base, b.count) }
        } }
    }

    /// The number written in base 10 or 16 (an optional leading minus), or nil when `text` is not one.
    static func parse(_ text: String, radix: Int32 = 10) -> BigNumber? {
        var ok = false
        let number = BigNumber { r in ok = text.withCString { concord_mpz_set_str(r, $0, radix) } == 0 }
        return ok && !text.isEmpty ? number : nil
    }

    /// |self| as exactly `count` big-endian bytes, or nil when it needs more.
    func bigEndianBytes(count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        let ok = out.withUnsafeMutableBufferPointer { b -> Bool in
            guard let base = b.baseAddress else { return concord_mpz_sgn(raw) == 0 }
            return concord_mpz_export_be(base, count, raw) != 0
        }
        return ok ? out : nil
    }

    /// The number of bits of |self| (0 for 0).
    var bitWidth: Int { signum == 0 ? 0 : Int(concord_mpz_bits(raw)) }
    var signum: Int { Int(concord_mpz_sgn(raw)) }
    var isOdd: Bool { signum != 0 && (raw.pointee._mp_d[0] & 1) == 1 }

    /// The value when it fits an `Int`.
    var intValue: Int? { concord_mpz_fits_slong_p(raw) != 0 ? concord_mpz_get_si(raw) : nil }

    /// self · 2^-shift as the nearest `Double` below in magnitude (53 bits kept, truncated).
    func double(scaledDownBy shift: Int) -> Double {
        var exponent = 0
        let mantissa = concord_mpz_get_d_2exp(&exponent, raw)
        return Double(sign: mantissa < 0 ? .minus : .plus, exponent: exponent - shift, significand: abs(mantissa))
    }

    static func + (a: BigNumber, b: BigNumber) -> BigNumber { BigNumber { concord_mpz_add($0, a.raw, b.raw) } }
    static func - (a: BigNumber, b: BigNumber) -> BigNumber { BigNumber { concord_mpz_sub($0, a.raw, b.raw) } }
    static func * (a: BigNumber, b: BigNumber) -> BigNumber { BigNumber { concord_mpz_mul($0, a.raw, b.raw) } }
    static func + (a: BigNumber, b: UInt) -> BigNumber { BigNumber { concord_mpz_add_ui($0, a.raw, b) } }
    static func - (a: BigNumber, b: UInt) -> BigNumber { BigNumber { concord_mpz_sub_ui($0, a.raw, b) } }
    /// self mod m in [0, |m|).
    func mod(_ m: BigNumber) -> BigNumber { BigNumber { concord_mpz_mod($0, raw, m.raw) } }
    /// self · other mod m in [0, |m|), without an intermediate number.
    func multiplied(by other: BigNumber, modulo m: BigNumber) -> BigNumber { BigNumber { concord_mpz_mulmod($0, raw, other.raw, m.raw) } }
    /// ⌊self / d⌋.
    func floorDivided(by d: BigNumber) -> BigNumber { BigNumber { concord_mpz_fdiv_q($0, raw, d.raw) } }
    func floorDivided(by d: UInt) -> BigNumber { BigNumber { concord_mpz_fdiv_q_ui($0, raw, d) } }
    func shiftedLeft(_ bits: Int) -> BigNumber { BigNumber { concord_mpz_mul_2exp($0, raw, mp_bitcnt_t(bits)) } }
    var negated: BigNumber { BigNumber { concord_mpz_neg($0, raw) } }
    var magnitude: BigNumber { BigNumber { concord_mpz_abs($0, raw) } }
    func gcd(_ other: BigNumber) -> BigNumber { BigNumber { concord_mpz_gcd($0, raw, other.raw) } }
    /// self⁻¹ mod m, or nil when gcd(self, m) ≠ 1.
    func inverse(modulo m: BigNumber) -> BigNumber? {
        var ok = false
        let r = BigNumber { ok = concord_mpz_invert($0, raw, m.raw) != 0 }
        return ok ? r : nil
    }
    /// self^e mod m in variable time: for public exponents.
    func power(_ e: BigNumber, modulo m: BigNumber) -> BigNumber { BigNumber { concord_mpz_powm($0, raw, e.raw, m.raw) } }
    /// self^e mod m by GMP's side-channel silent `mpz_powm_sec`: for secret exponents (e > 0, m odd).
    func securePower(_ e: BigNumber, modulo m: BigNumber) -> BigNumber { BigNumber { concord_mpz_powm_sec($0, raw, e.raw, m.raw) } }
    /// Whether GMP's Miller–Rabin test (after trial division and a Baillie–PSW test) with `rounds` rounds calls self prime.
    func isProbablePrime(rounds: Int32 = 40) -> Bool { concord_mpz_probab_prime_p(raw, rounds) != 0 }
    /// The next probable prime above self.
    var nextPrime: BigNumber { BigNumber { concord_mpz_nextprime($0, raw) } }

    func compare(_ other: BigNumber) -> Int { Int(concord_mpz_cmp(raw, other.raw)).signum() }
    func compare(_ other: UInt) -> Int { Int(concord_mpz_cmp_ui(raw, other)).signum() }
    func compareMagnitude(_ other: BigNumber) -> Int { Int(concord_mpz_cmpabs(raw, other.raw)).signum() }
}

extension BigNumber: Equatable {
    static func == (a: BigNumber, b: BigNumber) -> Bool { a === b || a.compare(b) == 0 }
}
