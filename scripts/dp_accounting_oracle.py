#!/usr/bin/env python3
"""Reference epsilons and deltas from Google's dp-accounting (RDP accountant) for ConcordPrivacy's tests.

Writes a TSV: kind (epsilon|delta), noise multiplier, sampling rate, steps, the target (delta or
epsilon) and dp-accounting's answer, over a grid that covers one release, client-level rounds and
DP-SGD's subsampled steps, with integer and fractional orders winning."""
import argparse

import dp_accounting
from absl import logging as absl_logging
from dp_accounting.rdp import rdp_privacy_accountant as rdp

parser = argparse.ArgumentParser()
parser.add_argument("--cache")
parser.add_argument("--out", required=True)
args = parser.parse_args()
absl_logging.set_verbosity(absl_logging.ERROR)  # orders whose series do not settle are left out, as Concord leaves them out


def accountant(z, q, steps):
    a = rdp.RdpAccountant()
    event = dp_accounting.GaussianDpEvent(z)
    if q < 1:
        event = dp_accounting.PoissonSampledDpEvent(q, event)
    a.compose(dp_accounting.SelfComposedDpEvent(event, steps))
    return a


rows = []
for z in [0.5, 0.8, 1.0, 1.1, 2.0, 4.0, 10.0]:
    for q in [1.0, 0.3, 0.05, 256 / 60000, 0.001]:
        for steps in [1, 15, 100, 1000, 14062]:
            a = accountant(z, q, steps)
            for delta in [1e-3, 1e-5, 1e-8]:
                rows.append(("epsilon", z, q, steps, delta, a.get_epsilon(delta)))
            for epsilon in [0.5, 2.0, 8.0]:
                rows.append(("delta", z, q, steps, epsilon, a.get_delta(epsilon)))
with open(args.out, "w") as f:
    f.write("kind\tnoise_multiplier\tsampling_rate\tsteps\ttarget\tvalue\n")
    for kind, z, q, steps, target, value in rows:
        f.write(f"{kind}\t{float(z)!r}\t{float(q)!r}\t{steps}\t{float(target)!r}\t{float(value)!r}\n")
