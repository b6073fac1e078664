"""scikit-learn peer for the MLP benchmark on MoleculeACE CHEMBL214_Ki.

Active when exp_mean [nM] <= 100; MoleculeACE's own train/test split; RDKit FCFP4 2048 bits.
Fits RandomForestClassifier(150 trees, max_depth 15, class_weight balanced) and an sklearn
MLPClassifier for each seed and prints one JSON line with test ROC-AUC and MCC (threshold 0.5).
Usage: sklearn_chembl214.py MOLECULEACE_WHEEL [--seeds 0 1 2] [--set CHEMBL214_Ki]
"""
import argparse, csv, io, json, time, zipfile

import numpy as np
from rdkit import Chem, RDLogger
from rdkit.Chem import rdFingerprintGenerator
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import matthews_corrcoef, roc_auc_score

RDLogger.DisableLog("rdApp.*")
p = argparse.ArgumentParser()
p.add_argument("wheel")
p.add_argument("--set", default="CHEMBL214_Ki")
p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
a = p.parse_args()

with zipfile.ZipFile(a.wheel) as z:
    text = z.read(f"MoleculeACE/Data/benchmark_data/{a.set}.csv").decode()
rows = list(csv.DictReader(io.StringIO(text)))
gen = rdFingerprintGenerator.GetMorganGenerator(
    radius=2, fpSize=2048, atomInvariantsGenerator=rdFingerprintGenerator.GetMorganFeatureAtomInvGen())
X = np.array([gen.GetFingerprintAsNumPy(Chem.MolFromSmiles(r["smiles"])) for r in rows], dtype=np.uint8)
y = np.array([float(r["exp_mean [nM]"]) <= 100 for r in rows], dtype=int)
test = np.array([r["split"] == "test" for r in rows])
out = {"set": a.set, "train": int((~test).sum()), "test": int(test.sum()), "rf": []}
for seed in a.seeds:
    t = time.perf_counter()
    rf = RandomForestClassifier(n_estimators=150, max_depth=15, class_weight="balanced", random_state=seed, n_jobs=1)
    rf.fit(X[~test], y[~test])
    pr = rf.predict_proba(X[test])[:, 1]
    out["rf"].append({"seed": seed, "roc_auc": roc_auc_score(y[test], pr),
                      "mcc": matthews_corrcoef(y[test], pr >= 0.5), "seconds": time.perf_counter() - t})
print(json.dumps(out))
