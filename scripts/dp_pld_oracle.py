#!/usr/bin/env python3
"""Reference epsilons and deltas from Google's dp-accounting 0.6.0 PLD accountant for ConcordPrivacy's tests.

Writes a TSV: kind (epsilon|delta), noise multiplier, sampling rate, steps, the target (delta or
epsilon) and dp-accounting's answer. The grid covers single releases and client-level rounds
without sampling (one Gaussian of noise z/sqrt(steps)) and DP-SGD's Poisson-subsampled steps
(the PLD self-composed with one FFT), including the issue's two reference cases, and is chosen
so the whole run stays under a minute (a PLD over 10^6 grid points takes a second in Python).
Sampled settings with q^2 * steps > 10 are left out: there epsilon exceeds 40 and dp-accounting's
own PMF, which gains about 1e-8 of mass per step from rounding noise clipped at 0, reports
deltas above 1.
A comment line at the end gives dp-accounting's time for the DP-SGD reference case."""
import argparse
import time

import dp_accounting
from dp_accounting.pld import pld_privacy_accountant as pld

parser = argparse.ArgumentParser()
parser.add_argument("--cache")
parser.add_argument("--out", required=True)
args = parser.parse_args()


def accountant(z, q, steps):
    a = pld.PLDAccountant()  # value_discretization_interval 1e-4, pessimistic, connect-the-dots
    event = dp_accounting.GaussianDpEvent(z)
    if q < 1:
        event = dp_accounting.PoissonSampledDpEvent(q, event)
    a.compose(dp_accounting.SelfComposedDpEvent(event, steps))
    return a


# Without sampling the PLD's grid grows as sqrt(steps)/z, so the rounds stay moderate.
unsampled = [(0.8, 1), (1.0, 1), (1.0, 15), (2.0, 1), (2.0, 15), (2.0, 100), (4.0, 1), (4.0, 100), (10.0, 1000)]
sampled = [(z, q, steps)
           for z in [0.8, 1.1, 2.0, 4.0]
           for q in [0.3, 0.05, 256 / 60000, 0.001]
           for steps in [1, 15, 1000, 14062]
           if q * q * steps <= 10]
cases = [(z, 1.0, steps) for z, steps in unsampled] + sampled
rows = []
for z, q, steps in cases:
    a = accountant(z, q, steps)
    for delta in [1e-3, 1e-5, 1e-8]:
        rows.append(("epsilon", z, q, steps, delta, a.get_epsilon(delta)))
    for epsilon in [0.5, 2.0, 8.0]:
        rows.append(("delta", z, q, steps, epsilon, a.get_delta(epsilon)))
start = time.perf_counter()
accountant(1.1, 256 / 60000, 14062).get_epsilon(1e-5)
seconds = time.perf_counter() - start
with open(args.out, "w") as f:
    f.write("kind\tnoise_multiplier\tsampling_rate\tsteps\ttarget\tvalue\n")
    for kind, z, q, steps, target, value in rows:
        f.write(f"{kind}\t{float(z)!r}\t{float(q)!r}\t{steps}\t{float(target)!r}\t{float(value)!r}\n")
    f.write(f"# dp-accounting {dp_accounting.__version__ if hasattr(dp_accounting, '__version__') else '0.6.0'}: "
            f"DP-SGD q=256/60000, z=1.1, 14062 steps, epsilon at delta 1e-5 in {seconds:.3f} s\n")
