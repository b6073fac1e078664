/// Parameters of a Morgan (circular) fingerprint, mirroring RDKit's
/// `rdFingerprintGenerator.GetMorganGenerator` arguments.
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

    // Scratch, reused across molecules.
    @usableFromInline var codes: [UInt32] = []
    var current: [UInt32] = []
    var next: [UInt32] = []
    var bondInvariants: [Int32] = []
    var previousEnv: [UInt64] = []
    var roundEnv: [UInt64] = []
    var dead: [Bool] = []
    var pairs: [UInt64] = []
    var roundOrder: [UInt64] = []
    var seenTable: [Int32] = []
    var seenHashes: [UInt64] = []
    var seenStore: [UInt64] = []
    var folded: [UInt32] = []

    /// Creates a generator for `options`.
    public init(options: MorganOptions = .ecfp4) {
        self.options = options
    }

    /// The environment codes (one per emitted environment, unfolded, in no particular order)
    /// of `molecule`: RDKit's sparse "bit ids" before `% fpSize`.
    public mutating func environmentCodes(_ molecule: Molecule) -> [UInt32] {
        computeCodes(molecule)
        return codes
    }

    /// The folded bit fingerprint (`GetFingerprint`).
    public mutating func fingerprint(_ molecule: Molecule) -> BitFingerprint {
        computeCodes(molecule)
        let size = options.fpSize
        var result = BitFingerprint(bitCount: size)
        if !options.countSimulation {
            let fp = UInt32(truncatingIfNeeded: size)
            result.words.withUnsafeMutableBufferPointer { words in
                for code in codes {
                    let bit = Int(code % fp)
                    words[bit &>> 6] |= 1 &<< UInt64(bit & 63)
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
        folded.append(contentsOf: codes)
        folded.sort()
        return runLengths(length: 1 << 32)
    }

    mutating func foldAndCount(modulo: UInt32) {
        folded.removeAll(keepingCapacity: true)
        for code in codes { folded.append(code % modulo) }
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

    /// Fills ``codes`` with the environment codes of `molecule`.
    mutating func computeCodes(_ mol: Molecule) {
        let n = mol.atomCount
        let m = mol.bondCount
        codes.removeAll(keepingCapacity: true)
        guard n > 0 else { return }

        // Layer-0 invariants.
        current.removeAll(keepingCapacity: true)
        switch options.atomInvariants {
        case .connectivity(let ring):
            for i in 0..<n { current.append(mol.connectivityInvariant(of: i, includeRingMembership: ring)) }
        case .feature:
            for i in 0..<n { current.append(FeatureInvariants.mask(mol, i)) }
        }
        codes.append(contentsOf: current)
        let radius = options.radius
        guard radius > 0 else { return }

        bondInvariants.removeAll(keepingCapacity: true)
        if options.useBondTypes {
            for b in 0..<m { bondInvariants.append(mol.morganBondInvariant(of: b)) }
        } else {
            bondInvariants.append(contentsOf: repeatElement(1, count: m))
        }

        let words = max(1, (m + 63) >> 6)
        next.removeAll(keepingCapacity: true)
        next.append(contentsOf: repeatElement(0, count: n))
        dead.removeAll(keepingCapacity: true)
        dead.append(contentsOf: repeatElement(false, count: n))
        roundEnv.removeAll(keepingCapacity: true)
        roundEnv.append(contentsOf: repeatElement(0, count: n * words))
        previousEnv.removeAll(keepingCapacity: true)
        previousEnv.append(contentsOf: repeatElement(0, count: n * words))

        // Open-addressing table of emitted environments (indices into seenStore).
        let maxEntries = radius * n
        var tableSize = 16
        while tableSize < maxEntries * 2 { tableSize <<= 1 }
        seenTable.removeAll(keepingCapacity: true)
        seenTable.append(contentsOf: repeatElement(-1, count: tableSize))
        seenHashes.removeAll(keepingCapacity: true)
        seenStore.removeAll(keepingCapacity: true)
        let redundant = options.includeRedundantEnvironments

        mol.neighborOffsets.withUnsafeBufferPointer { offsets in
        mol.neighborAtoms.withUnsafeBufferPointer { nbrAtoms in
        mol.neighborBonds.withUnsafeBufferPointer { nbrBonds in
            for layer in 0..<radius {
                roundOrder.removeAll(keepingCapacity: true)
                for atom in 0..<n where !dead[atom] {
                    let lo = Int(offsets[atom]), hi = Int(offsets[atom + 1])
                    if lo == hi {
                        dead[atom] = true
                        continue
                    }
                    pairs.removeAll(keepingCapacity: true)
                    let envBase = atom * words
                    for k in lo..<hi {
                        let bond = Int(nbrBonds[k])
                        let other = Int(nbrAtoms[k])
                        roundEnv[envBase + (bond >> 6)] |= 1 &<< UInt64(bond & 63)
                        let otherBase = other * words
                        for w in 0..<words { roundEnv[envBase + w] |= previousEnv[otherBase + w] }
                        // Sort key ordering (signed bond invariant, unsigned code) like std::pair.
                        let bt = UInt64(UInt32(bitPattern: bondInvariants[bond]) ^ 0x8000_0000)
                        pairs.append(bt << 32 | UInt64(current[other]))
                    }
                    Self.insertionSort(&pairs)
                    var invariant = UInt32(truncatingIfNeeded: layer)
                    BoostHash.combine(&invariant, current[atom])
                    for p in pairs {
                        let bt = Int32(bitPattern: UInt32(truncatingIfNeeded: p >> 32) ^ 0x8000_0000)
                        BoostHash.combine(&invariant, BoostHash.pair(bt, UInt32(truncatingIfNeeded: p)))
                    }
                    next[atom] = invariant
                    roundOrder.append(UInt64(invariant) << 32 | UInt64(atom))
                }
                if redundant {
                    for entry in roundOrder { codes.append(UInt32(truncatingIfNeeded: entry >> 32)) }
                } else {
                    if roundOrder.count <= 32 { Self.insertionSort(&roundOrder) } else { roundOrder.sort() }
                    for entry in roundOrder {
                        let atom = Int(UInt32(truncatingIfNeeded: entry))
                        if insertIfNew(envAt: atom * words, words: words, tableSize: tableSize) {
                            codes.append(UInt32(truncatingIfNeeded: entry >> 32))
                        } else {
                            dead[atom] = true
                        }
                    }
                }
                swap(&current, &next)
                for i in 0..<n { next[i] = 0 }
                previousEnv.withUnsafeMutableBufferPointer { dst in
                    roundEnv.withUnsafeBufferPointer { src in
                        dst.baseAddress!.update(from: src.baseAddress!, count: src.count)
                    }
                }
            }
        }
        }
        }
    }

    /// Inserts the environment `roundEnv[base ..< base + words]` into the seen set; `false`
    /// when it was already there.
    mutating func insertIfNew(envAt base: Int, words: Int, tableSize: Int) -> Bool {
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15
        for w in 0..<words {
            h = (h ^ roundEnv[base + w]) &* 0xff51_afd7_ed55_8ccd
            h ^= h >> 33
        }
        let mask = tableSize - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = Int(seenTable[slot])
            if entry < 0 { break }
            if seenHashes[entry] == h {
                var equal = true
                let stored = entry * words
                for w in 0..<words where seenStore[stored + w] != roundEnv[base + w] {
                    equal = false
                    break
                }
                if equal { return false }
            }
            slot = (slot + 1) & mask
        }
        seenTable[slot] = Int32(seenHashes.count)
        seenHashes.append(h)
        for w in 0..<words { seenStore.append(roundEnv[base + w]) }
        return true
    }

    @inline(__always)
    static func insertionSort(_ a: inout [UInt64]) {
        let count = a.count
        guard count > 1 else { return }
        a.withUnsafeMutableBufferPointer { buf in
            for i in 1..<count {
                let x = buf[i]
                var j = i - 1
                while j >= 0 && buf[j] > x {
                    buf[j + 1] = buf[j]
                    j -= 1
                }
                buf[j + 1] = x
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
