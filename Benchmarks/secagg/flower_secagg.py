"""One SecAgg+ round with Flower 1.42's own code, in one process: the peer of `ConcordBenchmarks secagg`.

The parties run Flower's client mod stage functions (flwr.client.mod.secure_aggregation.secaggplus_mod:
_setup, _share_keys, _collect_masked_vectors, _unmask); the server side is SecAggPlusWorkflow's
stage logic (flwr.server.workflow.secure_aggregation.secaggplus_workflow) with its transport calls
(grid.send_and_receive) replaced by direct calls, using the same Flower primitives (combine_shares,
generate_shared_key, pseudo_rand_gen, parameters_* and dequantize). Prints one JSON line.

Usage: flower_secagg.py --parties N --length D --dropout F --neighbours G --threshold T [--seed S]
"""
import argparse
import importlib
import json
import random
import sys
import time

import numpy as np

import flwr

# The module itself (the package re-exports its function under the same name).
mod = importlib.import_module("flwr.client.mod.secure_aggregation.secaggplus_mod")
from flwr.common import ndarray_to_bytes, bytes_to_ndarray, ndarrays_to_parameters
from flwr.common.secure_aggregation.crypto.shamir import combine_shares
from flwr.common.secure_aggregation.crypto.symmetric_encryption import generate_shared_key
from flwr.supercore.primitives.asymmetric import bytes_to_private_key, bytes_to_public_key
from flwr.common.secure_aggregation.ndarrays_arithmetic import (
    factor_extract, get_parameters_shape, parameters_addition, parameters_mod, parameters_subtraction)
from flwr.common.secure_aggregation.quantization import dequantize
from flwr.common.secure_aggregation.secaggplus_constants import Key
from flwr.common.secure_aggregation.secaggplus_utils import pseudo_rand_gen

p = argparse.ArgumentParser()
p.add_argument("--parties", type=int, required=True)
p.add_argument("--length", type=int, required=True)
p.add_argument("--dropout", type=float, default=0.0)
p.add_argument("--neighbours", type=int, required=True, help="neighbourhood size including self (Flower's num_shares)")
p.add_argument("--threshold", type=int, required=True)
p.add_argument("--seed", type=int, default=0)
a = p.parse_args()

n, d = a.parties, a.length
clipping, q_range, mod_range = 8.0, 1 << 22, 1 << 32
rng = np.random.default_rng(a.seed)
bases = [rng.uniform(-1, 1, d) for _ in range(4)]
inputs = [bases[u % 4] for u in range(n)]
dropped = {i * n // round(a.dropout * n) for i in range(round(a.dropout * n))}   # as ConcordBenchmarks secagg
nids = list(range(1, n + 1))
random.seed(a.seed)

party_s = [0.0] * n
server_s = 0.0
sent = [0] * n
received = [0] * n

def timed_party(u, f, *args):
    t = time.perf_counter()
    out = f(*args)
    party_s[u] += time.perf_counter() - t
    return out

# Setup (workflow.setup_stage): neighbourhoods on a shuffled ring, num_shares including self.
t = time.perf_counter()
share_num = n if a.neighbours >= n else a.neighbours
half = share_num >> 1
order = nids[:]
random.shuffle(order)
neighbours = {nid: {order[(i + off) % n] for off in range(-half, half + 1)} for i, nid in enumerate(order)}
config = {Key.SAMPLE_NUMBER: n, Key.SHARE_NUMBER: share_num, Key.THRESHOLD: a.threshold, Key.CLIPPING_RANGE: clipping,
          Key.TARGET_RANGE: q_range, Key.MOD_RANGE: mod_range, Key.MAX_WEIGHT: 1.0}
server_s += time.perf_counter() - t

states = [mod.SecAggPlusState(nid=nid) for nid in nids]
keys = {}
for u, nid in enumerate(nids):
    out = timed_party(u, mod._setup, states[u], config)
    keys[nid] = [out[Key.PUBLIC_KEY_1], out[Key.PUBLIC_KEY_2]]
    sent[u] += len(out[Key.PUBLIC_KEY_1]) + len(out[Key.PUBLIC_KEY_2])

# Share keys.
fwd = {nid: ([], []) for nid in nids}
for u, nid in enumerate(nids):
    t = time.perf_counter()
    cfg = {str(v): keys[v] for v in neighbours[nid]}
    server_s += time.perf_counter() - t
    received[u] += sum(len(k[0]) + len(k[1]) for k in cfg.values())
    out = timed_party(u, mod._share_keys, states[u], cfg)
    sent[u] += sum(len(c) for c in out[Key.CIPHERTEXT_LIST])
    t = time.perf_counter()
    for dst, c in zip(out[Key.DESTINATION_LIST], out[Key.CIPHERTEXT_LIST]):
        fwd[dst][0].append(nid)
        fwd[dst][1].append(c)
    server_s += time.perf_counter() - t

# Collect masked vectors (the dropped parties go silent here, after sharing).
masked = None
active = set()
for u, nid in enumerate(nids):
    if u in dropped:
        continue
    srcs, ctxts = fwd[nid]
    received[u] += sum(len(c) for c in ctxts)
    cfg = {Key.CIPHERTEXT_LIST: ctxts, Key.SOURCE_LIST: srcs}
    params = ndarrays_to_parameters([inputs[u]])
    out = timed_party(u, mod._collect_masked_vectors, states[u], cfg, 1, params)
    blobs = out[Key.MASKED_PARAMETERS]
    sent[u] += sum(len(b) for b in blobs)
    t = time.perf_counter()
    vec = [bytes_to_ndarray(b) for b in blobs]
    masked = vec if masked is None else parameters_addition(masked, vec)
    active.add(nid)
    server_s += time.perf_counter() - t
t = time.perf_counter()
masked = parameters_mod(masked, mod_range)
dead = set(nids) - active
server_s += time.perf_counter() - t

# Unmask.
collected = {nid: [] for nid in nids}
for u, nid in enumerate(nids):
    if nid not in active:
        continue
    cfg = {Key.ACTIVE_NODE_ID_LIST: list(neighbours[nid] & active), Key.DEAD_NODE_ID_LIST: list(neighbours[nid] & dead)}
    out = timed_party(u, mod._unmask, states[u], cfg)
    sent[u] += sum(len(s) for s in out[Key.SHARE_LIST])
    t = time.perf_counter()
    for owner, share in zip(out[Key.NODE_ID_LIST], out[Key.SHARE_LIST]):
        collected[owner].append(share)
    server_s += time.perf_counter() - t

t = time.perf_counter()
vector = masked
for nid, shares in collected.items():
    if len(shares) < a.threshold:
        sys.exit(f"not enough shares for node {nid}")
    secret = combine_shares(shares)
    if nid in active:
        vector = parameters_subtraction(vector, pseudo_rand_gen(secret, mod_range, get_parameters_shape(vector)))
    else:
        for v in neighbours[nid] - {nid}:
            key = generate_shared_key(bytes_to_private_key(secret), bytes_to_public_key(keys[v][0]))
            mask = pseudo_rand_gen(key, mod_range, get_parameters_shape(vector))
            vector = parameters_addition(vector, mask) if nid > v else parameters_subtraction(vector, mask)
vector = parameters_mod(vector, mod_range)
q_total, vector = factor_extract(vector)
mean = dequantize(vector, clipping, q_range)[0]
mean += -(len(active) - 1) * clipping
mean *= q_range / q_total
server_s += time.perf_counter() - t

survivors = [u for u in range(n) if nids[u] in active]
t = time.perf_counter()
plain = np.zeros(d)
for u in survivors:
    plain += inputs[u]
plain_s = time.perf_counter() - t
error = float(np.max(np.abs(mean * len(survivors) - plain)))
json.dump({"flower": flwr.__version__, "seconds_round": sum(party_s) + server_s, "seconds_parties": sum(party_s),
           "seconds_party_mean": sum(party_s) / n, "seconds_server": server_s, "plain_sum_seconds": plain_s,
           "bytes_per_party": (sum(sent) + sum(received)) / n, "bytes_sent_per_party": sum(sent) / n,
           "survivors": len(survivors), "max_abs_error_of_sum": error}, sys.stdout)
print()
