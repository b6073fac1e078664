"""Two identifier files of N rows each sharing a given fraction, seeded: `pidnum` values like a
trial's patient numbers, the right file in upper case with stray spaces (normalisation must undo it)."""
import argparse, random

parser = argparse.ArgumentParser()
parser.add_argument("--size", type=int, required=True)
parser.add_argument("--shared", type=float, default=0.25)
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--left", required=True)
parser.add_argument("--right", required=True)
args = parser.parse_args()
rng = random.Random(args.seed)
common = int(args.size * args.shared)
pool = rng.sample(range(10 ** 10), 2 * args.size - common)
left = pool[:args.size]
right = pool[:common] + pool[args.size:]
rng.shuffle(right)
with open(args.left, "w") as out:
    out.write("pidnum\n")
    out.writelines(f"p{n:010d}\n" for n in left)
with open(args.right, "w") as out:
    out.write("pidnum\n")
    out.writelines(f" P{n:010d}\n" for n in right)
