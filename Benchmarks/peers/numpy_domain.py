"""numpy peer for the applicability-domain benchmark.

Reads SMILES (one per line): the first --references are the references, the rest queries.
Computes RDKit FCFP4 (2048 bits), then the mean Tanimoto distance and mean Euclidean distance
of each query to its k nearest references with float32 matrix products (brute force).
Prints one JSON line with timings (fingerprinting excluded) and the per-query values.
"""
import argparse, json, time

import numpy as np
from rdkit import Chem, RDLogger
from rdkit.Chem import rdFingerprintGenerator

RDLogger.DisableLog("rdApp.*")
p = argparse.ArgumentParser()
p.add_argument("smiles")
p.add_argument("--references", type=int, required=True)
p.add_argument("--k", type=int, default=8)
a = p.parse_args()

gen = rdFingerprintGenerator.GetMorganGenerator(
    radius=2, fpSize=2048, atomInvariantsGenerator=rdFingerprintGenerator.GetMorganFeatureAtomInvGen())
rows = []
for line in open(a.smiles):
    m = Chem.MolFromSmiles(line.strip())
    rows.append(gen.GetFingerprintAsNumPy(m) if m is not None else np.zeros(2048, dtype=np.uint8))
X = np.asarray(rows, dtype=np.float32)
R, Q = X[: a.references], X[a.references:]
pr, pq = R.sum(1), Q.sum(1)

t = time.perf_counter()
common = Q @ R.T
union = pq[:, None] + pr[None, :] - common
sim = np.where(union > 0, common / np.maximum(union, 1), 0.0)
top = -np.partition(-sim, a.k - 1, axis=1)[:, : a.k]
tan = (1 - top).mean(1)
t_tan = time.perf_counter() - t

t = time.perf_counter()
common = Q @ R.T
d2 = np.maximum(pq[:, None] + pr[None, :] - 2 * common, 0)
near = np.partition(d2, a.k - 1, axis=1)[:, : a.k]
euc = np.sqrt(near).mean(1)
t_euc = time.perf_counter() - t

print(json.dumps({
    "numpy": np.__version__, "queries": int(Q.shape[0]),
    "tanimoto_seconds": t_tan, "euclidean_seconds": t_euc,
    "tanimoto_mean": [float(x) for x in tan], "euclidean_mean": [float(x) for x in euc],
}))
