"""scikit-learn / SciPy reference values for Concord's metrics (ConcordML/Metrics).

Usage: sklearn_oracle.py --out FILE [--seed N] [--cache DIR]

Writes JSON lines, one case each, with the inputs and every metric as scikit-learn computes it:
  {"id": ..., "kind": "labels"|"scores"|"regression", "truth": [...], "predicted": [...],
   "expected": {"accuracy": 0.5, "roc_auc": {"error": "undefined"}, ...}}
Cases are seeded random inputs of many sizes and prevalences, heavy ties, one class only, a
single row and empty input. Where scikit-learn / SciPy raise or return NaN, the case records
the category of error Concord must throw instead (its MetricError):
  "empty"      no rows (scikit-learn raises "Found empty input array");
  "tooFewRows" Pearson/Spearman with one row (SciPy raises or returns NaN), R^2 with one row (NaN);
  "undefined"  NaN for any other reason: ROC-AUC with one class, correlation of a constant.
Binary precision/recall/F1 use zero_division=0 (the value of scikit-learn's default "warn").
Threshold rules are checked by brute force: every distinct score as threshold (predict
score >= t); "max_f1"/"max_mcc" hold the best value and every threshold reaching it.
--cache is accepted (and ignored) so the script runs under scripts/lib/setup.sh's concord_oracle.
"""
import argparse
import json
import math
import warnings

import numpy as np
import scipy
import sklearn
from scipy import stats
from sklearn import metrics as M

warnings.simplefilter("ignore")


def guarded(n, fn, few=None):
    if n == 0:
        return {"error": "empty"}
    if few is not None and n < few:
        return {"error": "tooFewRows"}
    try:
        v = float(fn())
    except ValueError as e:
        raise SystemExit(f"unexpected scikit-learn error: {e}")
    if math.isnan(v):
        return {"error": "undefined"}
    return v


def label_metrics(t, p):
    n = len(t)
    z = dict(zero_division=0)
    out = {
        "accuracy": guarded(n, lambda: M.accuracy_score(t, p)),
        "balanced_accuracy": guarded(n, lambda: M.balanced_accuracy_score(t, p)),
        "mcc": guarded(n, lambda: M.matthews_corrcoef(t, p)),
        "f1": guarded(n, lambda: M.f1_score(t, p, **z)),
        "sensitivity": guarded(n, lambda: M.recall_score(t, p, **z)),
        "specificity": guarded(n, lambda: M.recall_score(t, p, pos_label=0, **z)),
        "ppv": guarded(n, lambda: M.precision_score(t, p, **z)),
        "npv": guarded(n, lambda: M.precision_score(t, p, pos_label=0, **z)),
    }
    out["confusion"] = {"error": "empty"} if n == 0 else M.confusion_matrix(t, p, labels=[0, 1]).ravel().tolist()
    return out


def best_thresholds(t, s, fn):
    # Brute force: each distinct score as threshold. Small inputs use scikit-learn's own
    # f1_score / matthews_corrcoef; large ones the same formulas on NumPy counts.
    t_arr, s_arr = np.asarray(t), np.asarray(s)
    values = {}
    for th in sorted(set(s)):
        pred = (s_arr >= th).astype(int)
        if len(t) <= 200:
            values[th] = float(fn[0](t, pred.tolist()))
        else:
            tp = int(((pred == 1) & (t_arr == 1)).sum()); fp = int(((pred == 1) & (t_arr == 0)).sum())
            fn_ = int(((pred == 0) & (t_arr == 1)).sum()); tn = int(((pred == 0) & (t_arr == 0)).sum())
            values[th] = fn[1](tp, fp, fn_, tn)
    best = max(values.values())
    return {"value": best, "thresholds": [th for th, v in values.items() if v >= best - 1e-12]}


def f1_counts(tp, fp, fn, tn):
    d = 2 * tp + fp + fn
    return 0.0 if d == 0 else 2 * tp / d


def mcc_counts(tp, fp, fn, tn):
    d = float(tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)
    return 0.0 if d == 0 else (tp * tn - fp * fn) / math.sqrt(d)


def score_metrics(t, s):
    n = len(t)
    out = {
        "roc_auc": guarded(n, lambda: M.roc_auc_score(t, s)),
        "average_precision": guarded(n, lambda: M.average_precision_score(t, s)),
        "brier": guarded(n, lambda: M.brier_score_loss(t, s)),
    }
    if n == 0:
        out["max_f1"] = out["max_mcc"] = {"error": "empty"}
    else:
        out["max_f1"] = best_thresholds(t, s, (lambda a, b: M.f1_score(a, b, zero_division=0), f1_counts))
        out["max_mcc"] = best_thresholds(t, s, (M.matthews_corrcoef, mcc_counts))
    return out


def regression_metrics(t, p):
    n = len(t)
    return {
        "rmse": guarded(n, lambda: M.root_mean_squared_error(t, p)),
        "mae": guarded(n, lambda: M.mean_absolute_error(t, p)),
        "r2": guarded(n, lambda: M.r2_score(t, p), few=2),
        "pearson": guarded(n, lambda: stats.pearsonr(t, p)[0], few=2),
        "spearman": guarded(n, lambda: stats.spearmanr(t, p)[0], few=2),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache", default=None)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    cases = []

    def labels(n, prevalence):
        if prevalence == 0:
            return [0] * n
        if prevalence == 1:
            return [1] * n
        return [int(x) for x in (rng.random(n) < prevalence)]

    sizes = [0, 1, 2, 3, 5, 10, 37, 100, 1000, 4000]
    prevalences = [0, 1, 0.05, 0.3, 0.5, 0.9]
    for n in sizes:
        for prev in prevalences:
            t = labels(n, prev)
            for style in ["random", "agree", "all0", "all1"]:
                if style == "random":
                    p = labels(n, 0.4)
                elif style == "agree":
                    p = [x if rng.random() < 0.8 else 1 - x for x in t]
                elif style == "all0":
                    p = [0] * n
                else:
                    p = [1] * n
                cases.append({"kind": "labels", "truth": t, "predicted": p, "expected": label_metrics(t, p)})
            for style in ["continuous", "ties1", "ties3", "constant", "informative"]:
                if style == "continuous":
                    s = rng.random(n).tolist()
                elif style == "ties1":
                    s = np.round(rng.random(n), 1).tolist()
                elif style == "ties3":
                    s = (rng.integers(0, 3, n) / 2.0).tolist()
                elif style == "constant":
                    s = [0.5] * n
                else:
                    s = np.clip(np.round(np.array(t) * 0.3 + rng.random(n) * 0.7, 2), 0, 1).tolist()
                if n > 400 and style != "informative" and prev not in (0.3,):
                    continue  # keep the brute-force threshold search cheap
                cases.append({"kind": "scores", "truth": t, "predicted": s, "expected": score_metrics(t, s)})
    for n in sizes:
        for style in ["normal", "ties", "constant_truth", "constant_pred", "perfect", "ranked_ties"]:
            t = rng.normal(5, 2, n)
            p = t + rng.normal(0, 1, n)
            if style == "ties":
                t, p = np.round(t), np.round(p)
            elif style == "constant_truth":
                t = np.full(n, 3.0)
            elif style == "constant_pred":
                p = np.full(n, 1.5)
            elif style == "perfect":
                p = t.copy()
            elif style == "ranked_ties":
                t = rng.integers(0, 4, n).astype(float)
                p = rng.integers(0, 4, n).astype(float)
            t, p = t.tolist(), p.tolist()
            cases.append({"kind": "regression", "truth": t, "predicted": p, "expected": regression_metrics(t, p)})

    with open(args.out, "w") as handle:
        for i, case in enumerate(cases):
            case = {"id": i, **case, "sklearn": sklearn.__version__, "scipy": scipy.__version__}
            handle.write(json.dumps(case) + "\n")
    print(f"wrote {len(cases)} cases to {args.out}")


if __name__ == "__main__":
    main()
