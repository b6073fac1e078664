/// A 128-bit hash of a molecule's constitution, for de-duplicating data sets and keeping
/// test molecules out of training data.
///
/// The key is computed from the perceived graph (after ``Molecule/sanitize()``): atoms
/// labelled by element, formal charge, total hydrogen count, aromaticity, radical
/// electrons, smallest ring size and (optionally) isotope; bonds by their order and
/// aromatic flag. Labels are refined by iterated neighbourhood hashing
/// (Weisfeiler–Lehman / Morgan style) until the atom partition stops splitting, and the
/// sorted multiset of final labels is hashed into 128 bits.
///
/// Guarantees:
/// - **Invariance**: independent of atom order, ring-closure numbering and of whether the
///   input was written aromatic or Kekulé (given that perception assigns the same aromatic
///   system, as RDKit's does). Explicit hydrogen atoms without isotope labels count as
///   hydrogens on their neighbour. Stereochemistry is never included.
/// - **Discrimination** is strong in practice but not a proof of isomorphism: colour
///   refinement cannot tell apart certain highly symmetric non-isomorphic graphs (for
///   example some pairs of regular graphs with equal ring sizes), and any 128-bit hash can
///   collide. Equal keys therefore mean "almost certainly the same molecule"; different keys
///   always mean different graphs (up to the invariance above).
public struct MoleculeIdentityKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// High 64 bits.
    public var high: UInt64
    /// Low 64 bits.
    public var low: UInt64

    /// Creates a key from its two halves.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// 32 lower-case hex digits, high half first.
    public var hex: String {
        func pad(_ x: UInt64) -> String {
            let s = String(x, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return pad(high) + pad(low)
    }

    /// Parses ``hex``.
    public init?(hex: String) {
        guard hex.utf8.count == 32,
              let h = UInt64(hex.prefix(16), radix: 16),
              let l = UInt64(hex.suffix(16), radix: 16) else { return nil }
        self.init(high: h, low: l)
    }

    /// Same as ``hex``.
    public var description: String { hex }

    /// Orders keys by their 128-bit value.
    public static func < (a: Self, b: Self) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

extension Molecule {
    /// The identity key including isotope labels (`[13C]` differs from `C`).
    public var identityKey: MoleculeIdentityKey { identityKey(includeIsotopes: true) }

    /// The identity key ignoring isotope labels (`[13C]` and `[2H]` count as `C` and H).
    public var identityKeyIgnoringIsotopes: MoleculeIdentityKey { identityKey(includeIsotopes: false) }

    /// The identity key, with or without isotope labels. See ``MoleculeIdentityKey``.
    public func identityKey(includeIsotopes: Bool) -> MoleculeIdentityKey {
        IdentityHasher.key(self, includeIsotopes: includeIsotopes)
    }
}

enum IdentityHasher {
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    @inline(__always)
    static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 {
        mix(a ^ (mix(b) &* 0x2545_f491_4f6c_dd1d))
    }

    static func key(_ mol: Molecule, includeIsotopes: Bool) -> MoleculeIdentityKey {
        let n = mol.atomCount
        // Hydrogen atoms folded into their neighbour: degree-1 H on a non-H atom, unless the
        // isotope is kept and the H carries one.
        var folded = [Bool](repeating: false, count: n)
        var extraH = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let a = mol.atoms[i]
            guard a.atomicNumber == 1, a.formalCharge == 0, mol.degree(of: i) == 1 else { continue }
            if includeIsotopes && a.isotope != 0 { continue }
            let j = Int(mol.neighborAtoms[mol.neighborRange(of: i).lowerBound])
            if mol.atoms[j].atomicNumber == 1 { continue }
            folded[i] = true
            extraH[j] += 1 + a.totalHydrogens
        }
        let ringSize = smallestRingSizes(mol)

        var labels = [UInt64](repeating: 0, count: n)
        for i in 0..<n where !folded[i] {
            let a = mol.atoms[i]
            var h = mix(UInt64(a.atomicNumber))
            h = combine(h, UInt64(bitPattern: Int64(a.formalCharge)))
            h = combine(h, UInt64(a.totalHydrogens + extraH[i]))
            h = combine(h, a.isAromatic ? 1 : 0)
            h = combine(h, UInt64(a.radicalElectrons))
            h = combine(h, UInt64(ringSize[i]))
            if includeIsotopes { h = combine(h, UInt64(a.isotope)) }
            labels[i] = h
        }
        var nextLabels = labels
        var scratch: [UInt64] = []
        var classes = distinctCount(labels, folded, &scratch)
        var rounds = 0
        while rounds < n {
            for i in 0..<n where !folded[i] {
                var sum: UInt64 = 0
                for k in mol.neighborRange(of: i) {
                    let j = Int(mol.neighborAtoms[k])
                    if folded[j] { continue }
                    let bond = mol.bonds[Int(mol.neighborBonds[k])]
                    let bondLabel = UInt64(bond.order.rawValue) | (bond.isAromatic ? 0x100 : 0)
                    sum &+= combine(bondLabel &+ 0x51, labels[j])
                }
                nextLabels[i] = combine(labels[i], sum)
            }
            swap(&labels, &nextLabels)
            rounds += 1
            let newClasses = distinctCount(labels, folded, &scratch)
            if newClasses <= classes { break }
            classes = newClasses
        }
        scratch.removeAll(keepingCapacity: true)
        var bondCount = 0
        for bond in mol.bonds where !folded[Int(bond.begin)] && !folded[Int(bond.end)] {
            bondCount += 1
        }
        for i in 0..<n where !folded[i] { scratch.append(labels[i]) }
        scratch.sort()
        var high = mix(0x1d3a ^ UInt64(scratch.count) << 32 ^ UInt64(bondCount))
        var low = mix(0x7f4b ^ UInt64(bondCount) << 32 ^ UInt64(scratch.count))
        for x in scratch {
            high = combine(high, x)
            low = combine(low ^ 0x6a09_e667_f3bc_c908, x &* 0x9e37_79b9_7f4a_7c15)
        }
        return MoleculeIdentityKey(high: high, low: low)
    }

    static func distinctCount(_ labels: [UInt64], _ folded: [Bool], _ scratch: inout [UInt64]) -> Int {
        scratch.removeAll(keepingCapacity: true)
        for i in labels.indices where !folded[i] { scratch.append(labels[i]) }
        scratch.sort()
        var count = 0
        var previous: UInt64? = nil
        for x in scratch where x != previous {
            count += 1
            previous = x
        }
        return count
    }

    /// Size of the smallest cycle through each atom (0 for acyclic atoms), by breadth-first
    /// search across each ring bond (as flagged by perception) with that bond removed.
    static func smallestRingSizes(_ mol: Molecule) -> [Int] {
        let n = mol.atomCount
        var result = [Int](repeating: 0, count: n)
        var dist = [Int](repeating: -1, count: n)
        var queue = [Int](repeating: 0, count: n)
        for (b, bond) in mol.bonds.enumerated() where bond.isInRing {
            let u = Int(bond.begin), v = Int(bond.end)
            // Shortest u→v path avoiding bond b.
            for i in 0..<n { dist[i] = -1 }
            dist[u] = 0
            queue[0] = u
            var head = 0, tail = 1
            var found = -1
            search: while head < tail {
                let x = queue[head]
                head += 1
                for k in mol.neighborRange(of: x) where Int(mol.neighborBonds[k]) != b {
                    let y = Int(mol.neighborAtoms[k])
                    if dist[y] >= 0 { continue }
                    dist[y] = dist[x] + 1
                    if y == v {
                        found = dist[y] + 1
                        break search
                    }
                    queue[tail] = y
                    tail += 1
                }
            }
            if found > 0 {
                if result[u] == 0 || found < result[u] { result[u] = found }
                if result[v] == 0 || found < result[v] { result[v] = found }
            }
        }
        return result
    }
}
