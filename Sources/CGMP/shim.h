// GMP (the GNU Multiple Precision Arithmetic Library, Debian's libgmp-dev) for Swift.
//
// Most of GMP's names are macros (mpz_init is #define'd to __gmpz_init, mpz_sgn and mpz_odd_p are
// expressions), which Swift does not import; these static inline functions give Swift one callable
// name for each operation ConcordPrivacy uses. Nothing here does arithmetic of its own.
#ifndef CONCORD_CGMP_SHIM_H
#define CONCORD_CGMP_SHIM_H

#include <gmp.h>
#include <string.h>

typedef __mpz_struct concord_mpz;

static inline void concord_mpz_init(concord_mpz *x) { mpz_init(x); }
/// Zeroes the limbs before freeing them, so a secret does not linger in freed memory.
static inline void concord_mpz_clear_wiped(concord_mpz *x) {
    if (x->_mp_d != NULL && x->_mp_alloc > 0) {
        volatile mp_limb_t *limbs = x->_mp_d;
        for (int i = 0; i < x->_mp_alloc; i++) limbs[i] = 0;
    }
    mpz_clear(x);
}
static inline void concord_mpz_set(concord_mpz *r, const concord_mpz *a) { mpz_set(r, a); }
static inline void concord_mpz_set_ui(concord_mpz *r, unsigned long a) { mpz_set_ui(r, a); }
static inline void concord_mpz_set_si(concord_mpz *r, long a) { mpz_set_si(r, a); }
static inline void concord_mpz_set_d(concord_mpz *r, double a) { mpz_set_d(r, a); }
static inline double concord_mpz_get_d_2exp(long *exponent, const concord_mpz *a) { return mpz_get_d_2exp(exponent, a); }
static inline int concord_mpz_fits_slong_p(const concord_mpz *a) { return mpz_fits_slong_p(a); }
static inline long concord_mpz_get_si(const concord_mpz *a) { return mpz_get_si(a); }
static inline int concord_mpz_set_str(concord_mpz *r, const char *s, int base) { return mpz_set_str(r, s, base); }

static inline void concord_mpz_add(concord_mpz *r, const concord_mpz *a, const concord_mpz *b) { mpz_add(r, a, b); }
static inline void concord_mpz_add_ui(concord_mpz *r, const concord_mpz *a, unsigned long b) { mpz_add_ui(r, a, b); }
static inline void concord_mpz_sub(concord_mpz *r, const concord_mpz *a, const concord_mpz *b) { mpz_sub(r, a, b); }
static inline void concord_mpz_sub_ui(concord_mpz *r, const concord_mpz *a, unsigned long b) { mpz_sub_ui(r, a, b); }
static inline void concord_mpz_mul(concord_mpz *r, const concord_mpz *a, const concord_mpz *b) { mpz_mul(r, a, b); }
/// r = a·b mod m, 0 <= r < |m|.
static inline void concord_mpz_mulmod(concord_mpz *r, const concord_mpz *a, const concord_mpz *b, const concord_mpz *m) {
    mpz_mul(r, a, b);
    mpz_mod(r, r, m);
}
static inline void concord_mpz_mul_2exp(concord_mpz *r, const concord_mpz *a, mp_bitcnt_t b) { mpz_mul_2exp(r, a, b); }
static inline void concord_mpz_neg(concord_mpz *r, const concord_mpz *a) { mpz_neg(r, a); }
static inline void concord_mpz_abs(concord_mpz *r, const concord_mpz *a) { mpz_abs(r, a); }
/// r = a mod m, 0 <= r < |m|.
static inline void concord_mpz_mod(concord_mpz *r, const concord_mpz *a, const concord_mpz *m) { mpz_mod(r, a, m); }
/// r = floor(a / b).
static inline void concord_mpz_fdiv_q(concord_mpz *r, const concord_mpz *a, const concord_mpz *b) { mpz_fdiv_q(r, a, b); }
static inline void concord_mpz_fdiv_q_ui(concord_mpz *r, const concord_mpz *a, unsigned long b) { mpz_fdiv_q_ui(r, a, b); }
static inline void concord_mpz_gcd(concord_mpz *r, const concord_mpz *a, const concord_mpz *b) { mpz_gcd(r, a, b); }
/// Returns 0 when a has no inverse mod m.
static inline int concord_mpz_invert(concord_mpz *r, const concord_mpz *a, const concord_mpz *m) { return mpz_invert(r, a, m); }
/// Variable-time modular exponentiation (public exponents).
static inline void concord_mpz_powm(concord_mpz *r, const concord_mpz *b, const concord_mpz *e, const concord_mpz *m) { mpz_powm(r, b, e, m); }
/// GMP's side-channel silent exponentiation (secret exponents); needs e > 0 and m odd.
static inline void concord_mpz_powm_sec(concord_mpz *r, const concord_mpz *b, const concord_mpz *e, const concord_mpz *m) { mpz_powm_sec(r, b, e, m); }
static inline int concord_mpz_probab_prime_p(const concord_mpz *a, int reps) { return mpz_probab_prime_p(a, reps); }
static inline void concord_mpz_nextprime(concord_mpz *r, const concord_mpz *a) { mpz_nextprime(r, a); }
static inline void concord_mpz_setbit(concord_mpz *r, mp_bitcnt_t bit) { mpz_setbit(r, bit); }

static inline int concord_mpz_cmp(const concord_mpz *a, const concord_mpz *b) { return mpz_cmp(a, b); }
static inline int concord_mpz_cmp_ui(const concord_mpz *a, unsigned long b) { return mpz_cmp_ui(a, b); }
static inline int concord_mpz_cmpabs(const concord_mpz *a, const concord_mpz *b) { return mpz_cmpabs(a, b); }
static inline int concord_mpz_sgn(const concord_mpz *a) { return mpz_sgn(a); }
/// The number of bits of |a| (1 for 0).
static inline size_t concord_mpz_bits(const concord_mpz *a) { return mpz_sizeinbase(a, 2); }

/// a from `count` big-endian bytes.
static inline void concord_mpz_import_be(concord_mpz *r, const unsigned char *bytes, size_t count) {
    mpz_import(r, count, 1, 1, 1, 0, bytes);
}
/// |a| as exactly `count` big-endian bytes (left-padded with zeros); returns 0 when |a| needs more.
static inline int concord_mpz_export_be(unsigned char *bytes, size_t count, const concord_mpz *a) {
    size_t need = mpz_sgn(a) == 0 ? 0 : (mpz_sizeinbase(a, 2) + 7) / 8;
    if (need > count) return 0;
    memset(bytes, 0, count - need);
    size_t written = 0;
    if (need > 0) mpz_export(bytes + (count - need), &written, 1, 1, 1, 0, a);
    return written == need;
}
#endif
