"""anonlink peer for the PPRL benchmark: clkhash 0.18 encodes both registries' quasi-identifiers
(first, surname, born, sex, postcode: bigrams, 20 bits per bigram, 1,024-bit CLKs, BLAKE2
hashing, under a shared secret) on every core, anonlink 0.15 compares every pair with its
accelerated (C++) Dice similarity at the threshold and links them one to one with its greedy
solver. Prints one JSON line: times, links, precision and recall against the `who` column.
Usage: anonlink_peer.py LEFT.csv RIGHT.csv [--threshold 0.85]
"""
import argparse, csv, io, json, time

import anonlink
from clkhash import clk
from clkhash.field_formats import StringSpec, FieldHashingProperties, BitsPerFeatureStrategy
from clkhash.comparators import NgramComparison
from clkhash.schema import Schema

p = argparse.ArgumentParser()
p.add_argument("left")
p.add_argument("right")
p.add_argument("--threshold", type=float, default=0.85)
a = p.parse_args()
fields = ["first", "surname", "born", "sex", "postcode"]
hashing = FieldHashingProperties(comparator=NgramComparison(2), strategy=BitsPerFeatureStrategy(20))
schema = Schema([StringSpec(identifier=f, hashing_properties=hashing) for f in fields] +
                [StringSpec(identifier="who", hashing_properties=None)], 1024)


def read(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return rows


def encode(rows):
    text = io.StringIO()
    w = csv.writer(text)
    w.writerow(fields + ["who"])
    for r in rows:
        w.writerow([r[f] for f in fields] + [r["who"]])
    text.seek(0)
    return clk.generate_clk_from_csv(text, "a shared secret of the data holders", schema, progress_bar=False)


left, right = read(a.left), read(a.right)
start = time.perf_counter()
clks_left, clks_right = encode(left), encode(right)
encoded = time.perf_counter()
candidates = anonlink.candidate_generation.find_candidate_pairs(
    [clks_left, clks_right], anonlink.similarities.dice_coefficient_accelerated, a.threshold)
groups = anonlink.solving.greedy_solve(candidates)
linked = time.perf_counter()
links = []
for g in groups:
    ends = sorted(g)
    if len(ends) == 2:
        links.append((ends[0][1], ends[1][1]))
right_of = {r["who"]: j for j, r in enumerate(right)}
truth = {(i, right_of[r["who"]]) for i, r in enumerate(left) if r["who"] in right_of}
correct = len(truth.intersection(links))
print(json.dumps({"encoding_seconds": encoded - start, "linking_seconds": linked - encoded, "links": len(links),
                  "comparisons": len(clks_left) * len(clks_right), "candidates": len(candidates[0]),
                  "precision": correct / len(links) if links else 1.0, "recall": correct / len(truth) if truth else 1.0}))
