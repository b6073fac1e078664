"""Benchmark peer: scikit-learn's RandomForestClassifier on the fingerprints Concord uses.

Usage:
  sklearn_forest.py quality FILE [--seeds 0,1,2]
  sklearn_forest.py speed TRAIN_FILE PREDICT_FILE [--seed 0]

FILE rows are tab-separated: hex fingerprint (byte k = bits 8k..8k+7, least significant
first, as Concord's BitFingerprint.hex), label (0/1), split ("train"/"test"; speed files
ignore it). Every forest is RandomForestClassifier(n_estimators=150, max_depth=15,
class_weight="balanced", n_jobs=1). Prints one JSON object.
quality: test ROC-AUC and MCC (predict = argmax of predict_proba) per seed.
speed: wall-clock seconds of fit on TRAIN_FILE and predict_proba on PREDICT_FILE.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import matthews_corrcoef, roc_auc_score


def load(path):
    rows, labels, test = [], [], []
    with open(path) as handle:
        for line in handle:
            hexfp, label, split = line.rstrip("\n").split("\t")
            rows.append(np.frombuffer(bytes.fromhex(hexfp), dtype=np.uint8))
            labels.append(int(label))
            test.append(split == "test")
    x = np.unpackbits(np.stack(rows), axis=1, bitorder="little").astype(np.float32)
    return x, np.array(labels), np.array(test)


def forest(seed):
    return RandomForestClassifier(n_estimators=150, max_depth=15, class_weight="balanced", n_jobs=1, random_state=seed)


def option(name, default):
    args = sys.argv
    return args[args.index(name) + 1] if name in args else default


def main():
    mode = sys.argv[1]
    if mode == "quality":
        x, y, test = load(sys.argv[2])
        seeds = [int(s) for s in option("--seeds", "0,1,2").split(",")]
        results = []
        for seed in seeds:
            model = forest(seed).fit(x[~test], y[~test])
            p = model.predict_proba(x[test])[:, 1]
            results.append({"seed": seed, "roc_auc": roc_auc_score(y[test], p),
                            "mcc": matthews_corrcoef(y[test], model.predict(x[test]))})
        print(json.dumps({"sklearn": sklearn.__version__, "results": results}))
    elif mode == "speed":
        x, y, _ = load(sys.argv[2])
        xp, _, _ = load(sys.argv[3])
        seed = int(option("--seed", "0"))
        start = time.perf_counter()
        model = forest(seed).fit(x, y)
        fit = time.perf_counter() - start
        start = time.perf_counter()
        p = model.predict_proba(xp)[:, 1]
        predict = time.perf_counter() - start
        print(json.dumps({"sklearn": sklearn.__version__, "fit_seconds": fit, "predict_seconds": predict,
                          "train_rows": len(y), "predict_rows": len(p), "mean_probability": float(p.mean())}))
    else:
        raise SystemExit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()
