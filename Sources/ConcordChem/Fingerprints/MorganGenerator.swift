/// Parameters of a Morgan (circular) fingerprint, mirroring RDKit's
/// `rdFingerprintGenerator.GetMorganGenerator` arguments.
///
/// Not supported (RDKit defaults assumed): `includeChirality=False`,
/// `onlyNonzeroInvariants=False`, custom feature patterns, `fromAtoms`/`ignoreAtoms`.
public struct MorganOptions: Sendable, Hashable {
    /// Number of neighbourhood-growing iterations (ECFP4/FCFP4 use 2).
    public var radius: Int
    /// Number of bits the environment codes are folded into (`code % fpSize`).
    public var fpSize: Int
    /// The atom invariants seeding layer 0.
    public var atomInvariants: MorganAtomInvariants
    /// Hash bond types into the environments (RDKit `useBondTypes`, default `true`);
    /// when `false` every bond contributes 1.
    public var useBondTypes: Bool
    /// Keep environments whose bond sets duplicate earlier ones
    /// (RDKit `includeRedundantEnvironments`, default `false`).
    public var includeRedundantEnvironments: Bool
    /// Count simulation for bit fingerprints (RDKit `countSimulation`, default `false`):
    /// each folded code sets up to `countBounds.count` bits depending on its count.
    public var countSimulation: Bool
    /// Count thresholds for ``countSimulation`` (RDKit default `[1, 2, 4, 8]`).
    public var countBounds: [UInt32]

    /// Creates options; the defaults are RDKit's `GetMorganGenerator` defaults except the radius (2).
    public init(
        radius: Int = 2,
        fpSize: Int = 2048,
        atomInvariants: MorganAtomInvariants = .connectivity(),
        useBondTypes: Bool = true,
        includeRedundantEnvironments: Bool = false,
        countSimulation: Bool = false,
        countBounds: [UInt32] = [1, 2, 4, 8]
    ) {
        precondition(radius >= 0, "radius must be non-negative")
        precondition(fpSize > 0, "fpSize must be positive")
        self.radius = radius
        self.fpSize = fpSize
        self.atomInvariants = atomInvariants
        self.useBondTypes = useBondTypes
        self.includeRedundantEnvironments = includeRedundantEnvironments
        self.countSimulation = countSimulation
        self.countBounds = countBounds
    }

    /// ECFP4: `GetMorganGenerator(radius=2, fpSize=2048)`.
    public static let ecfp4 = MorganOptions()
    /// FCFP4: `GetMorganGenerator(radius=2, fpSize=2048, atomInvariantsGenerator=GetMorganFeatureAtomInvGen())`.
    public static let fcfp4 = MorganOptions(atomInvariants: .feature)
}

/// A sparse count fingerprint: sorted distinct keys (bit indices or unfolded environment
/// codes) with their occurrence counts.
public struct SparseCountFingerprint: Sendable, Hashable {
    /// The key space: `fpSize` for folded fingerprints, `2^32` for unfolded ones.
    public var length: Int
    /// Distinct keys in ascending order.
    public var keys: [UInt32]
    /// `counts[k]` is the number of environments with key `keys[k]`.
    public var counts: [UInt32]

    /// Creates a sparse count fingerprint from parallel sorted arrays.
    public init(length: Int, keys: [UInt32], counts: [UInt32]) {
        precondition(keys.count == counts.count)
        self.length = length
        self.keys = keys
        self.counts = counts
    }

    /// The count stored for `key` (0 when absent).
    public subscript(key: UInt32) -> UInt32 {
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if keys[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo < keys.count && keys[lo] == key ? counts[lo] : 0
    }

    /// Total of all counts (number of environments).
    public var totalCount: Int { counts.reduce(0) { $0 + Int($1) } }
}

/// Computes Morgan fingerprints bit-identical to RDKit's Morgan fingerprint generator.
///
/// The generator owns scratch buffers that are reused across molecules, so fingerprinting
/// allocates only the result. Make one generator per task (it is a value type; mutating
/// methods need exclusive access) and reuse it for many molecules.
///
/// The algorithm: layer 0 emits every atom's invariant. Each further layer gives every live
/// atom the code `hash(layer, own code, sorted (bondInvariant, neighbourCode) pairs)` and its
/// environment, the set of bonds within that radius. Unless redundant environments are
/// requested, an environment whose bond set equals one already emitted (earlier or in the
/// same layer, where the smallest code wins) is dropped and its atom stops growing; dead
/// atoms present code 0 to their neighbours two layers on, as in RDKit.
public struct MorganGenerator: Sendable {
    /// The options this generator computes.
    public let options: MorganOptions

    // Scratch, reused across molecules: `codes[0 ..< codeCount]` holds the environment codes
    // of the last molecule; `arena` is carved into the per-molecule work arrays.
    var codes: [UInt32] = []
    var codeCount = 0
    var arena: [UInt64] = []
    var folded: [UInt32] = []

    /// Creates a generator for `options`.
    public init(options: MorganOptions = .ecfp4) {
        self.options = options
    }

    /// The environment codes (one per emitted environment, unfolded, in no particular order)
    /// of `molecule`: RDKit's sparse "bit ids" before `% fpSize`.
    public mutating func environmentCodes(_ molecule: Molecule) -> [UInt32] {
        computeCodes(molecule)
        return Array(codes[0..<codeCount])
    }

    /// The folded bit fingerprint (`GetFingerprint`).
    public mutating func fingerprint(_ molecule: Molecule) -> BitFingerprint {
        computeCodes(molecule)
        let size = options.fpSize
        var result = BitFingerprint(bitCount: size)
        if !options.countSimulation {
            let fp = UInt32(truncatingIfNeeded: size)
            let count = codeCount
            result.words.withUnsafeMutableBufferPointer { words in
                codes.withUnsafeBufferPointer { codes in
                    for k in 0..<count {
                        let bit = Int(codes[k] % fp)
                        words[bit &>> 6] |= 1 &<< UInt64(bit & 63)
                    }
                }
            }
            return result
        }
        let bounds = options.countBounds
        precondition(!bounds.isEmpty && bounds.count < size, "bad count bounds")
        let effective = UInt32(size / bounds.count)
        foldAndCount(modulo: effective)
        var k = 0
        while k < folded.count {
            let key = folded[k]
            var end = k + 1
            while end < folded.count && folded[end] == key { end += 1 }
            let count = UInt32(end - k)
            for (i, bound) in bounds.enumerated() where count >= bound {
                result.set(Int(key) * bounds.count + i)
            }
            k = end
        }
        return result
    }

    /// The folded count fingerprint (`GetCountFingerprint`): counts per bit `code % fpSize`.
    public mutating func countFingerprint(_ molecule: Molecule) -> SparseCountFingerprint {
        computeCodes(molecule)
        foldAndCount(modulo: UInt32(truncatingIfNeeded: options.fpSize))
        return runLengths(length: options.fpSize)
    }

    /// The unfolded count fingerprint (`GetSparseCountFingerprint`): counts per raw 32-bit code.
    public mutating func sparseCountFingerprint(_ molecule: Molecule) -> SparseCountFingerprint {
        computeCodes(molecule)
        folded.removeAll(keepingCapacity: true)
        folded.append(contentsOf: codes[0..<codeCount])
        folded.sort()
        return runLengths(length: 1 << 32)
    }

    mutating func foldAndCount(modulo: UInt32) {
        folded.removeAll(keepingCapacity: true)
        for code in codes[0..<codeCount] { folded.append(code % modulo) }
        folded.sort()
    }

    func runLengths(length: Int) -> SparseCountFingerprint {
        var keys: [UInt32] = [], counts: [UInt32] = []
        keys.reserveCapacity(folded.count)
        counts.reserveCapacity(folded.count)
        var k = 0
        while k < folded.count {
            let key = folded[k]
            var end = k + 1
            while end < folded.count && folded[end] == key { end += 1 }
            keys.append(key)
            counts.append(UInt32(end - k))
            k = end
        }
        return SparseCountFingerprint(length: length, keys: keys, counts: counts)
    }

    // MARK: - Core

    /// Fills `codes[0 ..< codeCount]` with the environment codes of `molecule`.
    mutating func computeCodes(_ mol: Molecule) {
        let n = mol.atomCount
        let m = mol.bondCount
        let radius = options.radius
        codeCount = 0
        guard n > 0 else { return }
        if codes.count < n * (radius + 1) { codes = [UInt32](repeating: 0, count: n * (radius + 1) * 2) }

        // Layer-0 invariants go straight into `codes[0 ..< n]`.
        switch options.atomInvariants {
        case .connectivity(let ring):
            codes.withUnsafeMutableBufferPointer { out in
                Self.connectivityInvariants(mol, includeRing: ring, into: out)
            }
        case .feature:
            for i in 0..<n { codes[i] = FeatureInvariants.mask(mol, i) }
        }
        codeCount = n
        guard radius > 0 else { return }

        // Arena layout (64-bit slots).
        let words = max(1, (m + 63) >> 6)
        var tableSize = 16
        while tableSize < radius * n * 2 { tableSize <<= 1 }
        let oCur = 0, oNext = n, oDead = 2 * n, oOrder = 3 * n, oPairs = 5 * n
        let oBondInv = 6 * n
        let oPrevEnv = oBondInv + m
        let oRoundEnv = oPrevEnv + n * words
        let oTable = oRoundEnv + n * words
        let oSeenHash = oTable + tableSize
        let oSeenStore = oSeenHash + radius * n
        let needed = oSeenStore + radius * n * words
        if arena.count < needed { arena = [UInt64](repeating: 0, count: needed + needed / 2) }
        let useBondTypes = options.useBondTypes
        let redundant = options.includeRedundantEnvironments

        var emitted = n
        codes.withUnsafeMutableBufferPointer { codesBuf in
        arena.withUnsafeMutableBufferPointer { arenaBuf in
        mol.neighborOffsets.withUnsafeBufferPointer { offsets in
        mol.neighborAtoms.withUnsafeBufferPointer { nbrAtoms in
        mol.neighborBonds.withUnsafeBufferPointer { nbrBonds in
        mol.bonds.withUnsafeBufferPointer { bonds in
            let a = arenaBuf.baseAddress!
            let out = codesBuf.baseAddress!
            var cur = a + oCur, nxt = a + oNext
            let dead = a + oDead, order = a + oOrder, pairs = a + oPairs, bondInv = a + oBondInv
            let prevEnv = a + oPrevEnv, roundEnv = a + oRoundEnv
            let table = a + oTable, seenHash = a + oSeenHash, seenStore = a + oSeenStore
            for i in 0..<n {
                cur[i] = UInt64(out[i])
                nxt[i] = 0
                dead[i] = 0
            }
            for b in 0..<m {
                bondInv[b] = useBondTypes ? UInt64(UInt32(bitPattern: Int32(bonds[b].order.rawValue))) : 1
            }
            (prevEnv).update(repeating: 0, count: 2 * n * words)
            table.update(repeating: UInt64.max, count: tableSize)
            var seenCount = 0

            for layer in 0..<radius {
                var orderCount = 0
                for atom in 0..<n where dead[atom] == 0 {
                    let lo = Int(offsets[atom]), hi = Int(offsets[atom + 1])
                    if lo == hi {
                        dead[atom] = 1
                        continue
                    }
                    let env = roundEnv + atom * words
                    var pairCount = 0
                    for k in lo..<hi {
                        let bond = Int(nbrBonds[k])
                        let other = Int(nbrAtoms[k])
                        env[bond >> 6] |= 1 &<< UInt64(bond & 63)
                        let otherEnv = prevEnv + other * words
                        for w in 0..<words { env[w] |= otherEnv[w] }
                        // Sort key ordering (signed bond invariant, unsigned code) like std::pair.
                        let key = (bondInv[bond] ^ 0x8000_0000) << 32 | cur[other]
                        // Insertion into the sorted prefix.
                        var j = pairCount
                        while j > 0 && pairs[j - 1] > key {
                            pairs[j] = pairs[j - 1]
                            j -= 1
                        }
                        pairs[j] = key
                        pairCount += 1
                    }
                    var invariant = UInt32(truncatingIfNeeded: layer)
                    BoostHash.combine(&invariant, UInt32(truncatingIfNeeded: cur[atom]))
                    for k in 0..<pairCount {
                        let p = pairs[k]
                        let bt = Int32(bitPattern: UInt32(truncatingIfNeeded: p >> 32) ^ 0x8000_0000)
                        BoostHash.combine(&invariant, BoostHash.pair(bt, UInt32(truncatingIfNeeded: p)))
                    }
                    nxt[atom] = UInt64(invariant)
                    order[orderCount] = UInt64(invariant) << 32 | UInt64(atom)
                    orderCount += 1
                }
                if redundant {
                    for k in 0..<orderCount {
                        out[emitted] = UInt32(truncatingIfNeeded: order[k] >> 32)
                        emitted += 1
                    }
                } else {
                    // RDKit sorts the round's (environment, code, atom) triples and keeps, for
                    // each environment not emitted before, the smallest (code, atom). Same
                    // result without sorting: the first atom with a new environment claims it;
                    // a later atom with the same environment in this round and a smaller
                    // (code, atom) takes over the emitted slot.
                    let roundStart = seenCount
                    for k in 0..<orderCount {
                        let entryKey = order[k]
                        let atom = Int(UInt32(truncatingIfNeeded: entryKey))
                        let env = roundEnv + atom * words
                        var h: UInt64 = 0x9e37_79b9_7f4a_7c15
                        for w in 0..<words {
                            h = (h ^ env[w]) &* 0xff51_afd7_ed55_8ccd
                            h ^= h >> 33
                        }
                        var slot = Int(truncatingIfNeeded: h) & (tableSize - 1)
                        var found = -1
                        while table[slot] != UInt64.max {
                            let entry = Int(table[slot])
                            if seenHash[entry] == h {
                                let stored = seenStore + entry * words
                                var equal = true
                                for w in 0..<words where stored[w] != env[w] {
                                    equal = false
                                    break
                                }
                                if equal {
                                    found = entry
                                    break
                                }
                            }
                            slot = (slot + 1) & (tableSize - 1)
                        }
                        if found < 0 {
                            table[slot] = UInt64(seenCount)
                            seenHash[seenCount] = h
                            (seenStore + seenCount * words).update(from: env, count: words)
                            // Remember the owner (code << 32 | atom) and its output slot.
                            order[n + seenCount - roundStart] = entryKey
                            pairs[seenCount - roundStart] = UInt64(emitted)
                            seenCount += 1
                            out[emitted] = UInt32(truncatingIfNeeded: entryKey >> 32)
                            emitted += 1
                        } else if found >= roundStart && entryKey < order[n + found - roundStart] {
                            let previous = order[n + found - roundStart]
                            dead[Int(UInt32(truncatingIfNeeded: previous))] = 1
                            order[n + found - roundStart] = entryKey
                            out[Int(pairs[found - roundStart])] = UInt32(truncatingIfNeeded: entryKey >> 32)
                        } else {
                            dead[atom] = 1
                        }
                    }
                }
                swap(&cur, &nxt)
                nxt.update(repeating: 0, count: n)
                prevEnv.update(from: roundEnv, count: n * words)
            }
        }
        }
        }
        }
        }
        }
        codeCount = emitted
    }

    /// Writes RDKit's connectivity invariants of all atoms to `out[0 ..< atomCount]`.
    static func connectivityInvariants(_ mol: Molecule, includeRing: Bool, into out: UnsafeMutableBufferPointer<UInt32>) {
        mol.atoms.withUnsafeBufferPointer { atoms in
        mol.neighborOffsets.withUnsafeBufferPointer { offsets in
        mol.neighborAtoms.withUnsafeBufferPointer { nbrAtoms in
            for i in 0..<atoms.count {
                let atom = atoms[i]
                let lo = Int(offsets[i]), hi = Int(offsets[i + 1])
                var hs = Int(atom.explicitHydrogens) + Int(atom.implicitHydrogens)
                let totalDegree = hi - lo + hs
                for k in lo..<hi where atoms[Int(nbrAtoms[k])].atomicNumber == 1 { hs += 1 }
                var seed: UInt32 = 0
                BoostHash.combine(&seed, UInt32(atom.atomicNumber))
                BoostHash.combine(&seed, UInt32(totalDegree))
                BoostHash.combine(&seed, UInt32(hs))
                BoostHash.combine(&seed, UInt32(bitPattern: Int32(atom.formalCharge)))
                let delta = atom.isotope == 0 ? 0
                    : IsotopeMassDelta.delta(atomicNumber: Int(atom.atomicNumber), isotope: Int(atom.isotope))
                BoostHash.combine(&seed, UInt32(bitPattern: Int32(delta)))
                if includeRing && atom.isInRing { BoostHash.combine(&seed, 1) }
                out[i] = seed
            }
        }
        }
        }
    }
}

extension Molecule {
    /// The Morgan bit fingerprint of this molecule (ECFP4 by default).
    ///
    /// Convenience wrapper creating a fresh ``MorganGenerator``; for many molecules reuse
    /// one generator instead.
    public func morganFingerprint(_ options: MorganOptions = .ecfp4) -> BitFingerprint {
        var generator = MorganGenerator(options: options)
        return generator.fingerprint(self)
    }
}
