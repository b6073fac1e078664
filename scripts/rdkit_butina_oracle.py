"""RDKit oracle for Concord's Butina clustering.

Writes JSON: seeded random 512-bit fingerprints drawn around a few prototypes (so clusters,
ties in neighbour counts and shared neighbours all occur), and RDKit's
Butina.ClusterData(1 - BulkTanimotoSimilarity, isDistData=True) clusters at several
thresholds. Read by Tests/ConcordMLTests/Clustering/ButinaParityTests.swift via
CONCORD_RDKIT_BUTINA_REFERENCE.

Usage: rdkit_butina_oracle.py --out FILE [--cache DIR]   (--cache is accepted and ignored)
"""
import argparse, json

import numpy as np
import rdkit
from rdkit import DataStructs
from rdkit.ML.Cluster import Butina

p = argparse.ArgumentParser()
p.add_argument("--out", required=True)
p.add_argument("--cache")
a = p.parse_args()

rng = np.random.default_rng(7)
bits = 512
protos = [np.flatnonzero(rng.uniform(size=bits) < 0.06) for _ in range(12)]
rows = []
for i in range(400):
    proto = set(protos[rng.integers(len(protos))].tolist())
    drop = {b for b in proto if rng.uniform() < 0.15}
    add = set(np.flatnonzero(rng.uniform(size=bits) < 0.01).tolist())
    rows.append(sorted((proto - drop) | add))
fps = []
for on in rows:
    v = DataStructs.ExplicitBitVect(bits)
    for b in on:
        v.SetBit(int(b))
    fps.append(v)
dists = []
for i in range(1, len(fps)):
    sims = DataStructs.BulkTanimotoSimilarity(fps[i], fps[:i])
    dists.extend([1 - x for x in sims])
out = {"rdkit": rdkit.__version__, "bits": bits, "rows": rows, "clusterings": []}
for t in [0.2, 0.35, 0.5, 0.7]:
    clusters = Butina.ClusterData(dists, len(fps), t, isDistData=True)
    out["clusterings"].append({"threshold": t, "clusters": [list(c) for c in clusters]})
with open(a.out, "w") as f:
    json.dump(out, f)
