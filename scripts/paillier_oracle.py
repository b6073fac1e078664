#!/usr/bin/env python3
"""Ciphertexts from python-paillier (phe 1.5.0) for ConcordPrivacy's Paillier implementation.

Generates a 2048-bit phe key pair and writes a TSV of phe's own values; the Swift test rebuilds the
private key from p and q, decrypts every ciphertext and compares with the plaintexts written here:

  key      p         q         n           the key (hex)
  crt      hp        hq        -           phe's CRT constants h_p, h_q (hex)
  encrypt  m         -         c           phe's encryption of the integer m
  add      a         b         c           Enc(a) + Enc(b), phe's homomorphic sum
  plain    a         b         c           Enc(a) + b, b a plaintext integer
  scalar   a         k         c           Enc(a) * k, k a (possibly negative) integer
  fixed    x         -         c           phe's encryption of the float x at precision 2**-40 (exponent -10 in base 16,
                                           so the integer round(x * 2**40), ties to even)
  fixedsum x         y         c           Enc(x) + Enc(y), both at precision 2**-40
  fixedmul x         k         c           Enc(x) * k, k an integer (the result keeps 40 fractional bits)

Ciphertexts are the raw values c in Z*_{n^2} (ciphertext(be_secure=False)), in hex."""
import argparse
import random

import phe
from phe import paillier

parser = argparse.ArgumentParser()
parser.add_argument("--cache")
parser.add_argument("--out", required=True)
parser.add_argument("--seed", type=int, default=0)
args = parser.parse_args()
assert phe.__version__ == "1.5.0", phe.__version__

public, private = paillier.generate_paillier_keypair(n_length=2048)
n = public.n
assert n.bit_length() == 2048
plain = random.Random(args.seed)  # the plaintexts only; phe draws its own keys and randomness
rows = [("key", hex(private.p), hex(private.q), hex(n)), ("crt", hex(private.hp), hex(private.hq), "-")]


def raw(c):
    return hex(c.ciphertext(be_secure=False))


def integers(count):
    out = [0, 1, -1, 2**62, -(2**62)]
    while len(out) < count:
        out.append(plain.randint(-(2**62), 2**62) >> plain.randint(0, 60))
    return out


def enc_int(m):
    e = public.encrypt(m)
    assert e.exponent == 0
    return e


def enc_fixed(x):
    e = public.encrypt(x, precision=2**-40)
    assert e.exponent == -10, e.exponent
    return e


values = integers(40)
for m in values:
    rows.append(("encrypt", m, "-", raw(enc_int(m))))
for a, b in zip(values, reversed(values)):
    rows.append(("add", a, b, raw(enc_int(a) + enc_int(b))))
    rows.append(("plain", a, b, raw(enc_int(a) + b)))
for a in values[:20]:
    k = plain.randint(-(2**20), 2**20)
    rows.append(("scalar", a, k, raw(enc_int(a) * k)))
floats = [0.0, 1.0, -1.0, 0.5, -0.25, 1e-12, -3.5e-9, 123456.789, -98765.4321]
floats += [plain.uniform(-10, 10) for _ in range(30)]
for x in floats:
    rows.append(("fixed", repr(x), "-", raw(enc_fixed(x))))
for x, y in zip(floats, reversed(floats)):
    rows.append(("fixedsum", repr(x), repr(y), raw(enc_fixed(x) + enc_fixed(y))))
    k = plain.randint(-1000, 1000)
    rows.append(("fixedmul", repr(x), k, raw(enc_fixed(x) * k)))

with open(args.out, "w") as f:
    f.write("kind\ta\tb\tvalue\n")
    for kind, a, b, value in rows:
        f.write(f"{kind}\t{a}\t{b}\t{value}\n")
