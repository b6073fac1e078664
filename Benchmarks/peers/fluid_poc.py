"""Benchmark peer: the FLuID authors' proof-of-concept code run on public data.

FLuID (Hanser et al. 2025) is published as LhasaLimited/FLuID_POC: a library, FLuID.py, and a
notebook that drives it. This script contains none of that code. It imports FLuID.py from the
directory named by the environment variable FLUID_POC_DIR and calls its functions in the
notebook's order with the notebook's parameters (k=8, smooth_factor 0.05, validation_ratio 0.2,
transfer_size 50000, rf teachers and students, student_size 10000, mode 'balanced'); only
random_state is taken from --seed instead of 42.

Data, read in place from the cached wheels (never extracted):
- labelled: a MoleculeACE 3.0.0 set; ACTIVITY 'Active' when exp_mean [nM] <= 100, else 'Inactive';
  CLASS = 0 if 'Inactive' else 1 (FLuID's own mapping). The split=='train' rows play the role of
  the notebook's training file (FLuID's sample_data then holds out 20% as validation) and the
  split=='test' rows the role of its external test file.
- transfer: MOSES train (molsets 0.3.1); FLuID's sample_data draws the 50,000 molecules.

The only monkeypatches bypass display and file I/O and leave the method untouched: showPlot
(plotly rendering) is a no-op, the notebook progress bar (tqdm_notebook, which needs Jupyter
widgets) is the console tqdm on stderr, and DataFrame.to_pickle is a no-op while
annotate_transfer_data runs (it caches the label table to data/FLuID_labels.pkl). The SDF
loaders (load_training_data / load_test_data / load_transfer_data) are not called: the script
builds the same DataFrames (MOLECULE, INCHI, ACTIVITY, CLASS, FP, SOURCE, ROLE) from SMILES with
FLuID's own compute_fp_array, de-duplicates on INCHI as the loaders do, and drops test
molecules whose InChIKey is in the training file as load_test_data does. The transfer set gets
no INCHI column (the loader computes one but no step uses it).

Usage (venv with rdkit, scikit-learn 1.3.2, pandas 1.5.3, numpy<2, imbalanced-learn, tqdm,
plotly, matplotlib, ipython, xgboost, which FLuID.py imports):
    FLUID_POC_DIR=/tmp/fluid python fluid_poc.py CHEMBL204_Ki --seed 42 [--wheels DIR]
Prints one JSON object to stdout; FLuID's prints, tables, progress and warnings go to stderr.
"""
import argparse
import contextlib
import csv
import gzip
import io
import json
import os
import sys
import time
import warnings
import zipfile

MOLECULEACE_WHEEL = "MoleculeACE-3.0.0-py3-none-any.whl"
MOSES_WHEEL = "molsets-0.3.1-py3-none-any.whl"


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("dataset", help="MoleculeACE set, e.g. CHEMBL204_Ki")
    p.add_argument("--seed", type=int, default=42, help="FLuID's params['random_state'] (notebook: 42)")
    p.add_argument("--wheels", default=os.path.expanduser("~/.cache/concord/wheels"),
                   help="directory holding %s and %s" % (MOLECULEACE_WHEEL, MOSES_WHEEL))
    p.add_argument("--threshold-nm", type=float, default=100.0, help="Active when exp_mean [nM] <= this")
    return p.parse_args()


def import_fluid():
    d = os.environ.get("FLUID_POC_DIR")
    if not d:
        sys.exit("fluid_poc.py: FLUID_POC_DIR is not set. Point it at a directory holding FLuID.py from "
                 "LhasaLimited/FLuID_POC, e.g.\n  git --git-dir=BARE_REPO show HEAD:FLuID.py > /tmp/fluid/FLuID.py\n"
                 "  FLUID_POC_DIR=/tmp/fluid python fluid_poc.py CHEMBL204_Ki --seed 42")
    if not os.path.isfile(os.path.join(d, "FLuID.py")):
        sys.exit("fluid_poc.py: no FLuID.py in FLUID_POC_DIR=%s" % d)
    sys.path.insert(0, d)
    with contextlib.redirect_stdout(sys.stderr):
        import FLuID  # noqa: E402
    return FLuID


def notebook_params(seed):
    """The notebook's params dict (cell 7), random_state = seed; the figure entries only feed plots."""
    import matplotlib.pyplot as plt
    import plotly.express as px
    k = 8
    return {
        'details': 3,
        'training_data_file': 'hERG_lhasa_training', 'test_data_file': 'hERG_lhasa_test',
        'transfer_data_file': 'FLuID_full', 'fluid_label_file': 'FLuID_labels',
        'validation_ratio': 0.2, 'transfer_size': 50000, 'test_size': -1, 'training_size': -1,
        'k': k, 'smooth_factor': 0.05,
        'teacher_algorithm': 'rf',
        'federated_student': 'F' + str(k), 'student_size': 10000,
        'student_sizes': [100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000],
        'student_algorithm': 'rf', 'student_mode': 'balanced',
        'random_state': seed,
        'tsne_size': 500, 'tsne_iterations': 1000, 'replicate_count': 3,
        'figure_font': dict(family="Arial", size=14, color="black"),
        'small_figure_font': dict(family="Arial", size=10, color="black"),
        'figure_color_scale': [(0, "red"), (0.2, "orange"), (0.3, 'yellow'), (1, 'green')],
        'bar_colors': px.colors.qualitative.Prism,
        'green_map': plt.get_cmap('Greens'),
    }


def read_moleculeace(wheels, dataset):
    with zipfile.ZipFile(os.path.join(wheels, MOLECULEACE_WHEEL)) as z:
        text = z.read("MoleculeACE/Data/benchmark_data/%s.csv" % dataset).decode()
    return list(csv.DictReader(io.StringIO(text)))


def read_moses_train(wheels):
    import pandas as pd
    with zipfile.ZipFile(os.path.join(wheels, MOSES_WHEEL)) as z:
        raw = gzip.decompress(z.read("moses/dataset/data/train.csv.gz"))
    return pd.read_csv(io.BytesIO(raw))  # one column, SMILES; index 0..N-1 in file order


def labelled_frame(rows, source, role, threshold):
    """The DataFrame FLuID's SDF loaders produce, built from MoleculeACE rows (index = row order)."""
    import pandas as pd
    from rdkit import Chem
    mols = [Chem.MolFromSmiles(r["smiles"]) for r in rows]
    if any(m is None for m in mols):
        raise SystemExit("fluid_poc.py: unparsable SMILES in %s" % source)
    data = pd.DataFrame({'SMILES': [r["smiles"] for r in rows], 'MOLECULE': mols})
    data['INCHI'] = [Chem.inchi.InchiToInchiKey(Chem.inchi.MolToInchi(m)) for m in mols]
    data['ACTIVITY'] = ['Active' if float(r["exp_mean [nM]"]) <= threshold else 'Inactive' for r in rows]
    data['CLASS'] = [(0 if cls == 'Inactive' else 1) for cls in data.ACTIVITY]
    return data


def mcc_of(FLuID, model, test):
    import numpy as np
    X = np.asarray([fp for fp in test.FP])
    y = np.asarray([c for c in test.CLASS])
    return float(FLuID.metrics.matthews_corrcoef(y, model.predict(X)))


def main():
    args = parse_args()
    FLuID = import_fluid()
    import numpy as np
    import pandas as pd
    import rdkit
    import sklearn
    from rdkit import RDLogger
    from tqdm import tqdm as console_tqdm

    warnings.filterwarnings('ignore')  # as the notebook (cell 7)
    RDLogger.DisableLog("rdApp.*")

    # Display/file-I/O bypasses only (see the module docstring).
    FLuID.showPlot = lambda *a, **kw: None
    FLuID.tqdm = lambda *a, **kw: console_tqdm(*a, file=sys.stderr, **kw)

    params = notebook_params(args.seed)
    k = params['k']
    timings = {}
    t_total = time.perf_counter()

    with contextlib.redirect_stdout(sys.stderr):
        # --- load (the SDF loaders' work, minus fingerprints) ---
        t = time.perf_counter()
        rows = read_moleculeace(args.wheels, args.dataset)
        train_rows = [r for r in rows if r["split"] == "train"]
        test_rows = [r for r in rows if r["split"] == "test"]
        training_full = labelled_frame(train_rows, args.dataset + "_train", 'Training', args.threshold_nm)
        test_full = labelled_frame(test_rows, args.dataset + "_test", 'Test', args.threshold_nm)
        transfer_full = read_moses_train(args.wheels)
        timings['load_s'] = time.perf_counter() - t

        # --- fingerprints of the labelled data (FLuID.compute_fp_array) ---
        t = time.perf_counter()
        for frame, source, role in ((training_full, args.dataset + "_train", 'Training'),
                                    (test_full, args.dataset + "_test", 'Test')):
            frame['FP'] = frame['MOLECULE'].apply(FLuID.compute_fp_array)
            frame['SOURCE'] = source
            frame['ROLE'] = role
        t_fp_labelled = time.perf_counter() - t
        n_train_rows, n_test_rows = len(training_full), len(test_full)
        training_full.drop_duplicates(subset='INCHI', keep='first', inplace=True)   # load_training_data
        test_full.drop_duplicates(subset='INCHI', keep='first', inplace=True)       # load_test_data
        test_full = test_full[~test_full.INCHI.isin(training_full.INCHI)].dropna()  # load_test_data

        # --- sample_data: validation split, training, test, transfer sample ---
        t = time.perf_counter()
        training_data, test_data, transfer_data, validation_data = FLuID.sample_data(
            training_full, test_full, transfer_full, params)
        timings['sample_s'] = time.perf_counter() - t
        del transfer_full

        # --- fingerprints of the 50,000 transfer molecules ---
        t = time.perf_counter()
        from rdkit import Chem
        transfer_data['MOLECULE'] = [Chem.MolFromSmiles(s) for s in transfer_data.SMILES]
        bad = int(transfer_data.MOLECULE.isna().sum())
        if bad:
            raise SystemExit("fluid_poc.py: %d unparsable transfer SMILES" % bad)
        transfer_data['FP'] = transfer_data['MOLECULE'].apply(FLuID.compute_fp_array)
        transfer_data['SOURCE'] = 'MOSES_train'
        transfer_data['ROLE'] = 'Transfer'
        timings['fingerprints_s'] = t_fp_labelled + time.perf_counter() - t

        # --- virtual consortium ---
        t = time.perf_counter()
        teacher_space = training_data
        teacher_data = FLuID.cluster_data_space(teacher_space, 'Teacher', 'T', k, params['smooth_factor'], params)
        timings['clustering_s'] = time.perf_counter() - t

        # --- teachers ---
        t = time.perf_counter()
        teacher_models = FLuID.build_teacher_models(teacher_data, params)
        timings['teachers_s'] = time.perf_counter() - t

        # --- annotation (force=True as cell 44; its pickle cache write is skipped) ---
        t = time.perf_counter()
        to_pickle = pd.DataFrame.to_pickle
        pd.DataFrame.to_pickle = lambda *a, **kw: None
        try:
            label_table = FLuID.annotate_transfer_data(transfer_data, teacher_models, teacher_data, params, True)
        finally:
            pd.DataFrame.to_pickle = to_pickle
        timings['annotation_s'] = time.perf_counter() - t

        # --- federation ---
        t = time.perf_counter()
        label_table = FLuID.federate_teacher_annotations(label_table, params)
        timings['federation_s'] = time.perf_counter() - t

        # --- benchmark on the test set: teachers, S-T0..S-T8, S-F8, hybrids H0..H8 ---
        t = time.perf_counter()
        student_table, teacher_table, hybrid_data, hybrid_models = FLuID.benchmark(
            label_table, teacher_models, test_data, params)
        hybrid_mcc = [mcc_of(FLuID, m, test_data) for m in hybrid_models]  # benchmark only displays them
        timings['students_hybrids_s'] = time.perf_counter() - t
        timings['total_s'] = time.perf_counter() - t_total


    mcc = {}
    tmcc = dict(zip(teacher_table.Model, teacher_table.MCC))
    for i in range(k + 1):
        mcc["T%d" % i] = float(tmcc["T-%d" % i])
    mcc["T-mean"] = float(np.mean([mcc["T%d" % i] for i in range(1, k + 1)]))
    smcc = dict(zip(student_table.Model, student_table.MCC))
    mcc["S-F8"] = float(smcc["S-F8"])
    for i in range(k + 1):
        mcc["S-T%d" % i] = float(smcc["S-T%d" % i])
    mcc["S-mean"] = float(smcc["S-mean"])  # FLuID's S-mean: S-T1..S-T8 and S-F8
    for i in range(k + 1):
        mcc["H%d" % i] = hybrid_mcc[i]
    mcc["H-mean"] = float(np.mean(hybrid_mcc[1:]))

    active = label_table['C-F8'] == 'Active'
    p_active = np.where(active, label_table['P-F8'], 1.0 - label_table['P-F8'])
    hist, _ = np.histogram(p_active, bins=20, range=(0.0, 1.0))
    selection = FLuID.select_student_data(label_table, 'F8', params['student_size'], params['student_mode'], params)
    result = {
        "dataset": args.dataset,
        "seed": args.seed,
        "sklearn": sklearn.__version__,
        "rdkit": rdkit.__version__,
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "mcc": mcc,
        "consensus_actives": int(active.sum()),
        "partner_sizes": [int(len(teacher_data[i])) for i in range(1, k + 1)],
        "partner_actives": [int(teacher_data[i].CLASS.sum()) for i in range(1, k + 1)],
        "teacher_actives_on_transfer": [int((label_table['C-T%d' % i] == 'Active').sum()) for i in range(k + 1)],
        "consensus_p_active_hist20": [int(h) for h in hist],
        "consensus_p_active_mean": float(p_active.mean()),
        "consensus_p_active_median": float(np.median(p_active)),
        "student_selection": {"size": int(len(selection)), "actives": int(selection.CLASS.sum())},
        "sizes": {"train_rows": n_train_rows, "training_full": int(len(training_full)),
                  "training": int(len(training_data)), "validation": int(len(validation_data)),
                  "test_rows": n_test_rows, "test": int(len(test_data)), "transfer": int(len(transfer_data))},
        "timings_s": {key: round(v, 3) for key, v in timings.items()},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
