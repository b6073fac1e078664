#!/usr/bin/env python3
"""python-paillier (phe 1.5.0, with gmpy2) on the same operations as Concord's paillier benchmark.

Prints one JSON line: ms per public-key encryption of an integer (phe's encrypt: encoding, g^m and one
r^n mod n^2 by gmpy2.powmod), µs per homomorphic addition (EncryptedNumber + EncryptedNumber), ms per
multiplication by a plaintext integer, ms per decryption (phe's CRT decryption, decoding included),
and seconds for key generation."""
import argparse
import json
import random
import time

import gmpy2
import phe
from phe import paillier, util

parser = argparse.ArgumentParser()
parser.add_argument("--bits", type=int, default=2048)
parser.add_argument("--count", type=int, default=100)
parser.add_argument("--additions", type=int, default=5000)
args = parser.parse_args()
assert util.HAVE_GMP, "phe runs without gmpy2"

start = time.perf_counter()
public, private = paillier.generate_paillier_keypair(n_length=args.bits)
keygen = time.perf_counter() - start
rng = random.Random(1)
values = [rng.randint(-(2**40), 2**40) for _ in range(args.count)]

start = time.perf_counter()
encrypted = [public.encrypt(m) for m in values]
encrypt = (time.perf_counter() - start) / args.count

start = time.perf_counter()
total = encrypted[0]
for k in range(args.additions):
    total = total + encrypted[k % args.count]
add = (time.perf_counter() - start) / args.additions

factors = [rng.randint(-(2**20), 2**20) for _ in range(args.count)]
start = time.perf_counter()
products = [c * k for c, k in zip(encrypted, factors)]
multiply = (time.perf_counter() - start) / args.count

start = time.perf_counter()
decrypted = [private.decrypt(c) for c in encrypted]
decrypt = (time.perf_counter() - start) / args.count
assert decrypted == values
assert private.decrypt(products[0]) == values[0] * factors[0]

print(json.dumps({
    "phe": phe.__version__, "gmpy2": gmpy2.version(), "bits": args.bits, "keygen_s": keygen,
    "encrypt_ms": encrypt * 1e3, "add_us": add * 1e6, "multiply_ms": multiply * 1e3, "decrypt_ms": decrypt * 1e3,
}))
