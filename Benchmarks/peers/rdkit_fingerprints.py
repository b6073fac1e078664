"""Benchmark peer: RDKit parsing + Morgan fingerprints on the same SMILES Concord uses.

Usage: rdkit_fingerprints.py SMILES_FILE
Prints one JSON object: {"rdkit": version, "n": N, "ecfp4_per_s": ..., "fcfp4_per_s": ...}
Single-threaded, parsing included (Chem.MolFromSmiles + generator.GetFingerprint).
"""
import json
import sys
import time

from rdkit import Chem, RDLogger, rdBase
from rdkit.Chem import rdFingerprintGenerator

RDLogger.DisableLog("rdApp.*")


def run(smiles, generator):
    start = time.perf_counter()
    on_bits = 0
    for s in smiles:
        mol = Chem.MolFromSmiles(s)
        if mol is None:
            continue
        on_bits += generator.GetFingerprint(mol).GetNumOnBits()
    return time.perf_counter() - start, on_bits


def main():
    with open(sys.argv[1]) as handle:
        smiles = [line.rstrip("\n") for line in handle if line.strip()]
    ecfp = rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048)
    fcfp = rdFingerprintGenerator.GetMorganGenerator(
        radius=2, fpSize=2048, atomInvariantsGenerator=rdFingerprintGenerator.GetMorganFeatureAtomInvGen())
    run(smiles[:1000], ecfp)  # warm-up
    t_e, bits_e = run(smiles, ecfp)
    t_f, bits_f = run(smiles, fcfp)
    print(json.dumps({
        "rdkit": rdBase.rdkitVersion, "n": len(smiles),
        "ecfp4_seconds": t_e, "fcfp4_seconds": t_f,
        "ecfp4_per_s": len(smiles) / t_e, "fcfp4_per_s": len(smiles) / t_f,
        "ecfp4_on_bits": bits_e, "fcfp4_on_bits": bits_f,
    }))


if __name__ == "__main__":
    main()
