"""scikit-learn oracle for Concord's L2 logistic regression.

Writes a JSON file of small seeded problems (dense tabular and fingerprint on-bits, with and
without intercept, sample weights and class_weight="balanced") and the coefficients
scikit-learn's LogisticRegression(C=..., l1_ratio=0) finds for each, solved with
newton-cholesky to tol 1e-12 so the reference itself is exact to ~1e-10.

Usage: sklearn_linear_oracle.py --out FILE [--cache DIR]   (--cache is accepted and ignored)
Read by Tests/ConcordMLTests/Linear/LogisticParityTests.swift via
CONCORD_SKLEARN_LINEAR_REFERENCE.
"""
import argparse, json, warnings

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

p = argparse.ArgumentParser()
p.add_argument("--out", required=True)
p.add_argument("--cache")
a = p.parse_args()

rng = np.random.default_rng(20261122)
cases = []


def fit(name, X, y, kind, C, fit_intercept=True, balanced=False, sw=None, onbits=None):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = LogisticRegression(C=C, l1_ratio=0.0, fit_intercept=fit_intercept,
                               class_weight="balanced" if balanced else None,
                               solver="newton-cholesky", tol=1e-12, max_iter=10000)
        m.fit(X, y, sample_weight=sw)
    cases.append({
        "name": name, "kind": kind, "C": C, "fit_intercept": fit_intercept, "balanced": balanced,
        "rows": int(X.shape[0]), "columns": int(X.shape[1]),
        "X": onbits if kind == "bits" else [float(v) for v in X.ravel()],
        "y": [int(v) for v in y],
        "sample_weight": None if sw is None else [float(v) for v in sw],
        "coef": [float(v) for v in m.coef_.ravel()],
        "intercept": float(m.intercept_[0]) if fit_intercept else 0.0,
        "probability": [float(v) for v in m.predict_proba(X)[:, 1]],
    })


for i, (n, d, C) in enumerate([(60, 5, 0.5), (200, 12, 3.0), (40, 30, 0.1)]):
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3, size=d)
    w = rng.normal(size=d)
    y = (X @ w + rng.normal(size=n) > 0.3).astype(int)
    fit(f"dense-{i}", X, y, "dense", C)
    fit(f"dense-{i}-nointercept", X, y, "dense", C, fit_intercept=False)
    sw = rng.uniform(0.2, 3, size=n)
    fit(f"dense-{i}-weighted-balanced", X, y, "dense", C, balanced=True, sw=sw)

for i, (n, d, density, C) in enumerate([(80, 64, 0.1, 1.0), (300, 256, 0.05, 0.3), (150, 2048, 0.02, 2.0)]):
    B = (rng.uniform(size=(n, d)) < density).astype(float)
    w = rng.normal(size=d)
    y = (B @ w + rng.normal(size=n) * 0.5 > 0).astype(int)
    onbits = [[int(j) for j in np.flatnonzero(row)] for row in B]
    fit(f"bits-{i}", B, y, "bits", C, onbits=onbits)
    fit(f"bits-{i}-balanced", B, y, "bits", C, balanced=True, onbits=onbits)

with open(a.out, "w") as f:
    json.dump({"sklearn": sklearn.__version__, "cases": cases}, f)
