"""RDKit Bemis-Murcko scaffold reference for Concord's MurckoScaffold (ConcordChem/Scaffolds).

Usage: rdkit_scaffold_oracle.py --cache DIR --out FILE [--n 4000] [--seed 0]

Reads the MoleculeACE wheel from DIR/wheels, takes up to N distinct SMILES over all its
sets (a seeded sample), and writes TSV rows "smiles<TAB>scaffold" with scaffold =
MurckoScaffold.MurckoScaffoldSmiles(mol=Chem.MolFromSmiles(smiles)) ("" for acyclic
molecules), or "!" where RDKit rejects the SMILES or the scaffold.
"""
import argparse
import csv
import glob
import io
import os
import random
import zipfile

from rdkit import Chem, RDLogger
from rdkit.Chem.Scaffolds import MurckoScaffold

RDLogger.DisableLog("rdApp.*")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/concord"))
    ap.add_argument("--out", required=True)
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    wheels = glob.glob(os.path.join(args.cache, "wheels", "MoleculeACE-*.whl"))
    if not wheels:
        raise SystemExit("MoleculeACE wheel not found; run 'concord data fetch all'")
    smiles = set()
    with zipfile.ZipFile(wheels[0]) as z:
        for name in sorted(z.namelist()):
            if name.startswith("MoleculeACE/Data/benchmark_data/") and name.endswith(".csv") and name.count("/") == 3:
                for row in csv.DictReader(io.TextIOWrapper(z.open(name), encoding="utf-8")):
                    smiles.add(row["smiles"])
    chosen = sorted(smiles)
    random.Random(args.seed).shuffle(chosen)
    with open(args.out, "w") as out:
        for s in chosen[: args.n]:
            mol = Chem.MolFromSmiles(s)
            try:
                scaffold = "!" if mol is None else MurckoScaffold.MurckoScaffoldSmiles(mol=mol)
            except Exception:
                scaffold = "!"
            out.write(f"{s}\t{scaffold}\n")


if __name__ == "__main__":
    main()
