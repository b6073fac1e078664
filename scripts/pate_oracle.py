#!/usr/bin/env python3
"""Reference epsilons from Google's dp-accounting (RDP accountant) for ConcordPrivacy's PATE analysis.

Confident-GNMax's data-independent bound, as dp-accounting events: every considered query's
threshold check is a Gaussian mechanism of sensitivity 1 with noise sigma1 (GaussianDpEvent(sigma1)),
and every answered query's noisy argmax one of L2 sensitivity sqrt(2) with noise sigma2
(GaussianDpEvent(sigma2 / sqrt(2))). Writes a TSV:

  epsilon  sigma1 sigma2 considered answered delta  dp-accounting's epsilon
  budget   sigma1 sigma2 epsilon    -        delta  the most queries (all answered) whose epsilon is within the budget

The budget is found by bisection on dp-accounting's get_epsilon."""
import argparse
import math

import dp_accounting
from absl import logging as absl_logging
from dp_accounting.rdp import rdp_privacy_accountant as rdp

parser = argparse.ArgumentParser()
parser.add_argument("--cache")
parser.add_argument("--out", required=True)
args = parser.parse_args()
absl_logging.set_verbosity(absl_logging.ERROR)


def epsilon(sigma1, sigma2, considered, answered, delta):
    a = rdp.RdpAccountant()
    a.compose(dp_accounting.ComposedDpEvent([
        dp_accounting.SelfComposedDpEvent(dp_accounting.GaussianDpEvent(sigma1), considered),
        dp_accounting.SelfComposedDpEvent(dp_accounting.GaussianDpEvent(sigma2 / math.sqrt(2)), answered),
    ]))
    return a.get_epsilon(delta)


def budget(sigma1, sigma2, target, delta):
    fits = lambda n: epsilon(sigma1, sigma2, n, n, delta) <= target
    if not fits(1):
        return 0
    low, high = 1, 2
    while fits(high):
        low, high = high, high * 2
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return low


sigmas = [(150.0, 40.0), (200.0, 40.0), (500.0, 100.0), (2000.0, 200.0), (20.0, 10.0), (5.0, 3.0), (1.5, 1.0)]
queries = [(1, 0), (1, 1), (640, 286), (1500, 500), (8500, 1200), (12000, 8000)]
rows = []
for sigma1, sigma2 in sigmas:
    for considered, answered in queries:
        for delta in [1e-5, 1e-6, 1e-8]:
            rows.append(("epsilon", sigma1, sigma2, considered, answered, delta, epsilon(sigma1, sigma2, considered, answered, delta)))
    for target in [0.5, 2.0, 8.0]:
        rows.append(("budget", sigma1, sigma2, target, 0, 1e-5, budget(sigma1, sigma2, target, 1e-5)))
with open(args.out, "w") as f:
    f.write("kind\tsigma1\tsigma2\tconsidered_or_epsilon\tanswered\tdelta\tvalue\n")
    for kind, s1, s2, c, a, delta, value in rows:
        f.write(f"{kind}\t{s1!r}\t{s2!r}\t{c!r}\t{a}\t{delta!r}\t{float(value)!r}\n")
