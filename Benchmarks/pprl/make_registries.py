"""Two synthetic registries for the PPRL benchmark: LEFT people, the right registry holding SHARED
of them (copied with typos: a name edit for half, a wrong date-of-birth digit for 10%, a wrong
postcode digit for 5%) plus as many others as the left has. Names are drawn with Zipf frequencies
from pools of 400 first names and 1,500 surnames, so common names repeat as in real registries.
Columns: first,surname,born,sex,postcode,who (who: the true person, for precision and recall).
Usage: make_registries.py LEFT SHARED OUT_DIR [--seed 1]
"""
import argparse, bisect, csv, itertools, os, random

p = argparse.ArgumentParser()
p.add_argument("left", type=int)
p.add_argument("shared", type=int)
p.add_argument("out")
p.add_argument("--seed", type=int, default=1)
a = p.parse_args()
rng = random.Random(a.seed)
onsets = "b br c ch d f g h j k l m n p r s sh t th v w z".split()
vowels = "a e i o u ai ea ie ou".split()
codas = ["", "", "n", "r", "s", "l", "nd", "rt", "ck", "m"]


def pool(count, syllables):
    names = set()
    while len(names) < count:
        names.add("".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas) for _ in range(rng.randint(*syllables))))
    return sorted(names)


def sampler(names):
    cumulative = list(itertools.accumulate(1 / (r + 1) for r in range(len(names))))
    return lambda: names[bisect.bisect_left(cumulative, rng.random() * cumulative[-1])]


first, surname = sampler(pool(400, (1, 2))), sampler(pool(1500, (2, 3)))


def person(who):
    return {"first": first(), "surname": surname(),
            "born": f"{rng.randint(1930, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "sex": rng.choice("fm"), "postcode": str(rng.randint(10000, 99999)), "who": str(who)}


def typo(text):
    c = list(text)
    if len(c) < 2:
        return text + "e"
    i, letter = rng.randrange(len(c) - 1), rng.choice("abcdefghijklmnopqrstuvwxyz")
    k = rng.randrange(4)
    if k == 0: c.insert(i, letter)
    elif k == 1: del c[i]
    elif k == 2: c[i] = letter
    else: c[i], c[i + 1] = c[i + 1], c[i]
    return "".join(c)


def recorded(p):
    q = dict(p)
    if rng.random() < 0.5:
        key = rng.choice(["first", "surname"]); q[key] = typo(q[key])
    if rng.random() < 0.1:
        d = list(q["born"]); d[rng.choice([2, 3, 6, 9])] = str(rng.randint(0, 9)); q["born"] = "".join(d)
    if rng.random() < 0.05:
        d = list(q["postcode"]); d[rng.randrange(5)] = str(rng.randint(0, 9)); q["postcode"] = "".join(d)
    return q


left = [person(i) for i in range(a.left)]
right = [recorded(p) for p in left[:a.shared]] + [person(a.left + i) for i in range(a.left - a.shared)]
rng.shuffle(right)
os.makedirs(a.out, exist_ok=True)
for name, rows in (("left.csv", left), ("right.csv", right)):
    with open(os.path.join(a.out, name), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["first", "surname", "born", "sex", "postcode", "who"])
        w.writeheader(); w.writerows(rows)
