"""scikit-learn peer for the vertical benchmark on ACTG175: the joined table, in the clear.

Reads ACTG175 from the lifelines 0.30.3 wheel and the split `concord vertical simulate
--write-split` wrote (the shared patients, train or test), builds the same columns as Concord
(the trial centre's demographics, history and arm one-hot; the laboratory's CD4/CD8 counts),
standardises each on the training rows, and fits on the joined table: LogisticRegression (no
penalty), MLPClassifier (one hidden layer of --hidden ReLU units, Adam, early stopping off) for
each seed, and LogisticRegression on the centre's columns alone. Prints one JSON line of test
ROC-AUCs. Usage: sklearn_peer.py LIFELINES_WHEEL SPLIT_CSV [--hidden 8] [--seeds 0 1 2 3 4]
"""
import argparse, csv, io, json, warnings, zipfile

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.neural_network import MLPClassifier

p = argparse.ArgumentParser()
p.add_argument("wheel")
p.add_argument("split")
p.add_argument("--hidden", type=int, default=8)
p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
a = p.parse_args()
warnings.filterwarnings("ignore")

with zipfile.ZipFile(a.wheel) as z:
    rows = {r["pidnum"]: r for r in csv.DictReader(io.StringIO(z.read("lifelines/datasets/ACTG175.csv").decode()))}
with open(a.split) as f:
    split = list(csv.DictReader(f))
centre = ["age", "wtkg", "hemo", "homo", "drugs", "karnof", "oprior", "z30", "preanti", "race", "gender", "str2", "symptom"]
lab = ["cd40", "cd420", "cd80", "cd820"]


def block(ids, columns, arms):
    out = []
    for i in ids:
        r = rows[i]
        v = [float(r[c]) for c in columns]
        if arms:
            arm = int(float(r["arms"]))
            v += [1.0 if arm == k else 0.0 for k in (1, 2, 3)]
        out.append(v)
    return np.array(out)


train = [s["pidnum"] for s in split if s["set"] == "train"]
test = [s["pidnum"] for s in split if s["set"] == "test"]
y_train = np.array([float(rows[i]["cens"]) == 1 for i in train], dtype=int)
y_test = np.array([float(rows[i]["cens"]) == 1 for i in test], dtype=int)


def standardised(x_train, x_test):
    mean, scale = x_train.mean(axis=0), x_train.std(axis=0)
    scale[scale == 0] = 1
    return (x_train - mean) / scale, (x_test - mean) / scale


a_train, a_test = standardised(block(train, centre, True), block(test, centre, True))
b_train, b_test = standardised(block(train, lab, False), block(test, lab, False))
j_train, j_test = np.hstack([a_train, b_train]), np.hstack([a_test, b_test])
joined = LogisticRegression(penalty=None, max_iter=5000).fit(j_train, y_train)
alone = LogisticRegression(penalty=None, max_iter=5000).fit(a_train, y_train)
mlp = []
for seed in a.seeds:
    m = MLPClassifier(hidden_layer_sizes=(a.hidden,), max_iter=2000, random_state=seed).fit(j_train, y_train)
    mlp.append(roc_auc_score(y_test, m.predict_proba(j_test)[:, 1]))
print(json.dumps({
    "train_rows": len(train), "test_rows": len(test),
    "joined_logistic_auc": roc_auc_score(y_test, joined.predict_proba(j_test)[:, 1]),
    "centre_alone_auc": roc_auc_score(y_test, alone.predict_proba(a_test)[:, 1]),
    "joined_mlp_auc": mlp, "joined_mlp_auc_mean": float(np.mean(mlp)),
}))
