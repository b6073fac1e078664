#!/usr/bin/env python3
"""RDKit perception oracle for ConcordChem tests (dev/test only; never ships).

Samples SMILES from the MOSES training set and all MoleculeACE benchmark sets, adds
Kekulé rewrites and deliberately corrupted strings, runs `Chem.MolFromSmiles` on each
and writes a TSV the Swift test `RDKitAgreementTests` compares against:

    smiles <TAB> accepted(yes/no) <TAB> atoms <TAB> bonds

atoms: `;`-separated `atomicNum,charge,totalHs,explicitHs,isAromatic,isInRing,totalDegree`
bonds: `;`-separated `begin,end,bondType,isAromatic,isInRing`  (booleans as 0/1)

Usage: rdkit_atoms_oracle.py [--cache DIR] (OUT.tsv | --out OUT.tsv) [--moses N] [--ace N] [--kekule N] [--corrupt N] [--seed S]
"""
import argparse, csv, glob, gzip, io, os, random, sys, zipfile

from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")
WHEELS = os.path.expanduser("~/.cache/concord/wheels")


def moses_smiles():
    with zipfile.ZipFile(os.path.join(WHEELS, "molsets-0.3.1-py3-none-any.whl")) as z:
        with z.open("moses/dataset/data/train.csv.gz") as f:
            text = gzip.decompress(f.read()).decode()
    lines = text.splitlines()
    return [l.split(",")[0] for l in lines[1:] if l]


def ace_smiles():
    out = []
    with zipfile.ZipFile(os.path.join(WHEELS, "MoleculeACE-3.0.0-py3-none-any.whl")) as z:
        for name in sorted(z.namelist()):
            if "benchmark_data/CHEMBL" in name and name.endswith(".csv"):
                with z.open(name) as f:
                    r = csv.reader(io.TextIOWrapper(f, "utf-8"))
                    header = next(r)
                    col = header.index("smiles") if "smiles" in header else 0
                    out.extend(row[col] for row in r if row)
    return out


def describe(m):
    atoms = []
    for a in m.GetAtoms():
        atoms.append("%d,%d,%d,%d,%d,%d,%d" % (a.GetAtomicNum(), a.GetFormalCharge(), a.GetTotalNumHs(),
                                               a.GetNumExplicitHs(), int(a.GetIsAromatic()),
                                               int(a.IsInRing()), a.GetTotalDegree()))
    bonds = []
    for b in m.GetBonds():
        bonds.append("%d,%d,%d,%d,%d" % (b.GetBeginAtomIdx(), b.GetEndAtomIdx(), int(b.GetBondType()),
                                         int(b.GetIsAromatic()), int(b.IsInRing())))
    return ";".join(atoms), ";".join(bonds)


ALPHABET = list("CNOcnos()=#123[]+-@H%.Sl/\\") + ["Cl", "Br", "[nH]", "[N+]", "[O-]"]


def corrupt(s, rng):
    s = list(s)
    for _ in range(rng.randint(1, 3)):
        op = rng.random()
        if op < 0.4 and len(s) > 1:
            del s[rng.randrange(len(s))]
        elif op < 0.7:
            s.insert(rng.randrange(len(s) + 1), rng.choice(ALPHABET))
        elif s:
            s[rng.randrange(len(s))] = rng.choice(ALPHABET)
    return "".join(s)


def main():
    global WHEELS
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?")
    ap.add_argument("--out", dest="out_option", help="output TSV (same as the positional argument)")
    ap.add_argument("--cache", help="Concord data cache holding wheels/ (default ~/.cache/concord)")
    ap.add_argument("--moses", type=int, default=6000)
    ap.add_argument("--ace", type=int, default=6000)
    ap.add_argument("--kekule", type=int, default=1500)
    ap.add_argument("--corrupt", type=int, default=600)
    ap.add_argument("--seed", type=int, default=20261122)
    a = ap.parse_args()
    a.out = a.out_option or a.out
    if not a.out:
        ap.error("an output file is required")
    if a.cache:
        WHEELS = os.path.join(a.cache, "wheels")
    rng = random.Random(a.seed)
    moses = moses_smiles()
    ace = sorted(set(ace_smiles()))
    sample = rng.sample(moses, min(a.moses, len(moses))) + rng.sample(ace, min(a.ace, len(ace)))
    kek = []
    for s in rng.sample(sample, min(a.kekule, len(sample))):
        m = Chem.MolFromSmiles(s)
        if m is None:
            continue
        try:
            Chem.Kekulize(m, clearAromaticFlags=True)
            kek.append(Chem.MolToSmiles(m, kekuleSmiles=True))
        except Exception:
            pass
    bad = [corrupt(s, rng) for s in rng.sample(sample, min(a.corrupt, len(sample)))]
    n_ok = 0
    with open(a.out, "w") as f:
        for s in sample + kek + bad:
            if "\t" in s or "\n" in s:
                continue
            m = Chem.MolFromSmiles(s)
            if m is None:
                f.write("%s\tno\t\t\n" % s)
            else:
                n_ok += 1
                at, bd = describe(m)
                f.write("%s\tyes\t%s\t%s\n" % (s, at, bd))
    print("wrote %d rows (%d accepted) to %s" % (len(sample) + len(kek) + len(bad), n_ok, a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
