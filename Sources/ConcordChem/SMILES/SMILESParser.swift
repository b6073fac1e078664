// SMILES → unsanitised Molecule. Works on UTF-8 bytes; follows the grammar RDKit accepts
// (OpenSMILES plus RDKit's `%(nnn)` ring numbers and `->`/`<-` dative bonds) and builds
// atoms and bonds in the same order RDKit does (chain bonds as parsed, ring-closure bonds
// afterwards sorted by ring number), so atom and bond indices match `Chem.MolFromSmiles`.

/// A bond symbol waiting for the atom or ring-closure digit that follows it.
enum PendingBond: UInt8 {
    case none, single, double, triple, quadruple, aromatic, up, down, dativeRight, dativeLeft

    /// `true` when the symbol fixes the bond order (`/`, `\` and nothing do not).
    var isSpecified: Bool { self != .none && self != .up && self != .down }
}

/// One half of a ring closure as written.
struct RingOpen {
    var atom: Int32
    var bond: PendingBond
    var position: Int
}

/// A completed ring closure, materialised into a bond after the whole string was read.
struct RingClosure {
    var ringNumber: Int32
    var open: RingOpen
    var close: RingOpen
}

struct SMILESParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    /// Offset of `bytes[0]` in the caller's full string (for error columns).
    private let baseOffset: Int
    private let original: UnsafeBufferPointer<UInt8>
    var atoms: [Atom] = []
    var bonds: [Bond] = []
    private var branchStack: [Int32] = []
    /// Ring numbers 0...99 indexed directly; larger `%(nnnnn)` numbers in `bigOpen`.
    private var smallOpen: [RingOpen] = []          // atom == -1: not open; allocated lazily
    private var bigNumbers: [Int32] = []
    private var bigOpen: [RingOpen] = []
    private var closures: [RingClosure] = []
    private var openCount = 0

    init(bytes: UnsafeBufferPointer<UInt8>, baseOffset: Int, original: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.baseOffset = baseOffset
        self.original = original
    }

    /// 1-based character column of byte offset `i` (of `bytes`) in the original string.
    private func column(_ i: Int) -> Int {
        let end = min(baseOffset + i, original.count)
        var col = 1
        var k = 0
        while k < end {
            if original[k] & 0xC0 != 0x80 { col += 1 }
            k += 1
        }
        // `col` counts characters before `end` plus one.
        return col
    }

    private func fail(_ code: ChemError.Code, _ message: String, at i: Int) -> ChemError {
        ChemError(code, message, position: column(i))
    }

    // MARK: - Main loop

    mutating func parse() throws(ChemError) {
        let n = bytes.count
        if n == 0 { throw ChemError(.empty, "empty SMILES") }
        atoms.reserveCapacity(min(n, 1 << 16))
        bonds.reserveCapacity(min(n, 1 << 16))
        var prev: Int32 = -1          // atom new atoms bond to
        var pending = PendingBond.none
        var pendingPos = 0
        var expectAtom = true         // at start, after '(' , '.', or a bond symbol
        var branchStart = false
        var i = 0
        while i < n {
            let c = bytes[i], at = i
            switch c {
            case UInt8(ascii: "("):
                if expectAtom || pending != .none || prev < 0 {
                    throw fail(.syntax, "branch '(' must follow an atom", at: i)
                }
                branchStack.append(prev)
                expectAtom = true
                branchStart = true
                i += 1
            case UInt8(ascii: ")"):
                if pending != .none { throw fail(.syntax, "bond symbol before ')' has no atom", at: i) }
                if expectAtom { throw fail(.syntax, "empty branch or missing atom before ')'", at: i) }
                guard let top = branchStack.popLast() else {
                    throw fail(.syntax, "')' closes a branch that was never opened", at: i)
                }
                prev = top
                i += 1
            case UInt8(ascii: "."):
                if expectAtom || pending != .none {
                    throw fail(.syntax, "'.' must separate two atoms", at: i)
                }
                expectAtom = true
                prev = -1
                i += 1
            case UInt8(ascii: "-"), UInt8(ascii: "="), UInt8(ascii: "#"), UInt8(ascii: "$"),
                 UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "<"):
                if pending != .none { throw fail(.syntax, "two bond symbols in a row", at: i) }
                if prev < 0 { throw fail(.syntax, "bond symbol without a preceding atom", at: i) }
                pendingPos = i
                switch c {
                case UInt8(ascii: "-"):
                    if i + 1 < n && bytes[i + 1] == UInt8(ascii: ">") {
                        pending = .dativeRight; i += 1
                    } else {
                        pending = .single
                    }
                case UInt8(ascii: "="): pending = .double
                case UInt8(ascii: "#"): pending = .triple
                case UInt8(ascii: "$"): pending = .quadruple
                case UInt8(ascii: ":"): pending = .aromatic
                case UInt8(ascii: "/"): pending = .up
                case UInt8(ascii: "\\"):
                    pending = .down
                    if i + 1 < n && bytes[i + 1] == UInt8(ascii: "\\") { i += 1 }
                default: // '<'
                    guard i + 1 < n && bytes[i + 1] == UInt8(ascii: "-") else {
                        throw fail(.syntax, "unexpected character '<'", at: i)
                    }
                    pending = .dativeLeft; i += 1
                }
                expectAtom = true
                i += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "%"):
                if prev < 0 || branchStart || (expectAtom && pending == .none) {
                    throw fail(.syntax, "ring-closure digit must follow an atom", at: i)
                }
                let start = i
                var number: Int32
                if c == UInt8(ascii: "%") {
                    if i + 1 < n && bytes[i + 1] == UInt8(ascii: "(") {
                        var j = i + 2
                        number = 0
                        var digits = 0
                        while j < n, bytes[j] >= UInt8(ascii: "0"), bytes[j] <= UInt8(ascii: "9") {
                            number = number * 10 + Int32(bytes[j] - UInt8(ascii: "0"))
                            digits += 1
                            j += 1
                            if digits > 5 { throw fail(.syntax, "ring number in '%(...)' has more than 5 digits", at: start) }
                        }
                        guard digits > 0, j < n, bytes[j] == UInt8(ascii: ")") else {
                            throw fail(.syntax, "malformed '%(...)' ring number", at: start)
                        }
                        i = j + 1
                    } else {
                        guard i + 2 < n, bytes[i + 1] >= UInt8(ascii: "1"), bytes[i + 1] <= UInt8(ascii: "9"),
                              bytes[i + 2] >= UInt8(ascii: "0"), bytes[i + 2] <= UInt8(ascii: "9") else {
                            throw fail(.syntax, "'%' must be followed by two digits (10-99) or '(n)'", at: start)
                        }
                        number = Int32(bytes[i + 1] - 48) * 10 + Int32(bytes[i + 2] - 48)
                        i += 3
                    }
                } else {
                    number = Int32(c - 48)
                    i += 1
                }
                try ringBond(number, atom: prev, bond: pending, position: start)
                pending = .none
                expectAtom = false
            case UInt8(ascii: "["):
                let atom = try parseBracketAtom(&i)
                try addAtom(atom, prev: &prev, pending: &pending, pendingPos: pendingPos, at: at)
                expectAtom = false; branchStart = false
            default:
                var atom: Atom
                let next: UInt8 = i + 1 < n ? bytes[i + 1] : 0
                switch c {
                case UInt8(ascii: "C"):
                    if next == UInt8(ascii: "l") { atom = Atom(atomicNumber: 17); i += 1 } else { atom = Atom(atomicNumber: 6) }
                case UInt8(ascii: "B"):
                    if next == UInt8(ascii: "r") { atom = Atom(atomicNumber: 35); i += 1 } else { atom = Atom(atomicNumber: 5) }
                case UInt8(ascii: "N"): atom = Atom(atomicNumber: 7)
                case UInt8(ascii: "O"): atom = Atom(atomicNumber: 8)
                case UInt8(ascii: "P"): atom = Atom(atomicNumber: 15)
                case UInt8(ascii: "S"): atom = Atom(atomicNumber: 16)
                case UInt8(ascii: "F"): atom = Atom(atomicNumber: 9)
                case UInt8(ascii: "I"): atom = Atom(atomicNumber: 53)
                case UInt8(ascii: "b"): atom = Atom(atomicNumber: 5, isAromatic: true)
                case UInt8(ascii: "c"): atom = Atom(atomicNumber: 6, isAromatic: true)
                case UInt8(ascii: "n"): atom = Atom(atomicNumber: 7, isAromatic: true)
                case UInt8(ascii: "o"): atom = Atom(atomicNumber: 8, isAromatic: true)
                case UInt8(ascii: "p"): atom = Atom(atomicNumber: 15, isAromatic: true)
                case UInt8(ascii: "s"): atom = Atom(atomicNumber: 16, isAromatic: true)
                case UInt8(ascii: "*"): atom = Atom(atomicNumber: 0)
                case UInt8(ascii: "]"):
                    throw fail(.syntax, "']' without a matching '['", at: i)
                default:
                    if (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) {
                        throw fail(.unknownElement, "'\(Character(Unicode.Scalar(c)))' is not an organic-subset atom; write other elements in brackets, e.g. [Na]", at: i)
                    }
                    throw fail(.syntax, "unexpected character", at: i)
                }
                i += 1
                try addAtom(atom, prev: &prev, pending: &pending, pendingPos: pendingPos, at: at)
                expectAtom = false; branchStart = false
            }
        }
        if pending != .none { throw fail(.syntax, "bond symbol at the end of the SMILES", at: pendingPos) }
        if expectAtom { throw fail(.syntax, "SMILES ends where an atom is expected", at: n) }
        if !branchStack.isEmpty { throw fail(.unclosedBranch, "branch '(' is never closed", at: n) }
        if openCount > 0 {
            // report the first still-open ring
            var first: (Int32, RingOpen)? = nil
            for k in 0..<smallOpen.count where smallOpen[k].atom >= 0 {
                let o = smallOpen[k]
                if first == nil || o.position < first!.1.position { first = (Int32(k), o) }
            }
            for q in 0..<bigOpen.count { let o = bigOpen[q]; if first == nil || o.position < first!.1.position { first = (bigNumbers[q], o) } }
            if let (num, o) = first {
                throw fail(.unclosedRing, "ring closure \(num) is never closed", at: o.position)
            }
        }
        try materialiseRingBonds()
    }

    // MARK: - Atoms and bonds

    private mutating func addAtom(_ atom: Atom, prev: inout Int32, pending: inout PendingBond, pendingPos: Int, at position: Int) throws(ChemError) {
        if atoms.count >= SMILES.maxAtoms {
            throw fail(.tooLarge, "atom \(SMILES.maxAtoms + 1): Concord reads molecules of at most \(SMILES.maxAtoms) atoms", at: position)
        }
        let idx = Int32(atoms.count)
        atoms.append(atom)
        if prev >= 0 {
            bonds.append(makeBond(from: prev, to: idx, pending))
        }
        pending = .none
        prev = idx
    }

    private func makeBond(from a: Int32, to b: Int32, _ kind: PendingBond) -> Bond {
        switch kind {
        case .none, .up, .down:
            let arom = atoms[Int(a)].isAromatic && atoms[Int(b)].isAromatic
            return Bond(begin: a, end: b, order: arom ? .aromatic : .single, isAromatic: arom,
                        direction: kind == .up ? .up : (kind == .down ? .down : .none))
        case .single: return Bond(begin: a, end: b, order: .single)
        case .double: return Bond(begin: a, end: b, order: .double)
        case .triple: return Bond(begin: a, end: b, order: .triple)
        case .quadruple: return Bond(begin: a, end: b, order: .quadruple)
        case .aromatic: return Bond(begin: a, end: b, order: .aromatic, isAromatic: true)
        case .dativeRight: return Bond(begin: a, end: b, order: .dative)
        case .dativeLeft: return Bond(begin: b, end: a, order: .dative)
        }
    }

    private mutating func ringBond(_ number: Int32, atom: Int32, bond: PendingBond, position: Int) throws(ChemError) {
        let here = RingOpen(atom: atom, bond: bond, position: position)
        if number < 100 {
            if smallOpen.isEmpty { smallOpen = [RingOpen](repeating: RingOpen(atom: -1, bond: .none, position: 0), count: 100) }
            let o = smallOpen[Int(number)]
            if o.atom >= 0 {
                closures.append(RingClosure(ringNumber: number, open: o, close: here))
                smallOpen[Int(number)].atom = -1
                openCount -= 1
            } else {
                smallOpen[Int(number)] = here
                openCount += 1
            }
        } else {
            if let k = bigNumbers.firstIndex(of: number) {
                closures.append(RingClosure(ringNumber: number, open: bigOpen[k], close: here))
                bigOpen.remove(at: k)
                bigNumbers.remove(at: k)
                openCount -= 1
            } else {
                if bigOpen.count > 10_000 { throw fail(.tooLarge, "too many simultaneously open ring closures", at: position) }
                bigOpen.append(here)
                bigNumbers.append(number)
                openCount += 1
            }
        }
    }

    /// Adds ring-closure bonds in RDKit's order (ascending ring number, then order of
    /// closure) and applies RDKit's checks.
    private mutating func materialiseRingBonds() throws(ChemError) {
        if closures.isEmpty { return }
        // stable sort by ring number
        if closures.count > 1 {
            var inOrder = true
            for k in 1..<closures.count where closures[k].ringNumber < closures[k - 1].ringNumber { inOrder = false; break }
            if !inOrder {
                var idx = [Int32](0..<Int32(closures.count))
                let cl = closures
                idx.sort { cl[Int($0)].ringNumber != cl[Int($1)].ringNumber ? cl[Int($0)].ringNumber < cl[Int($1)].ringNumber : $0 < $1 }
                var out = [RingClosure]()
                out.reserveCapacity(cl.count)
                for k in idx { out.append(cl[Int(k)]) }
                closures = out
            }
        }
        let chainBondCount = bonds.count
        for rc in closures {
            let a1 = rc.open.atom, a2 = rc.close.atom
            if a1 == a2 {
                throw fail(.invalidRingClosure, "ring closure \(rc.ringNumber) bonds an atom to itself", at: rc.close.position)
            }
            var bond: Bond
            if rc.open.bond.isSpecified {
                bond = makeBond(from: a1, to: a2, rc.open.bond)
            } else {
                bond = makeBond(from: a2, to: a1, rc.close.bond)
                if rc.close.bond == .none || rc.close.bond == .up || rc.close.bond == .down {
                    if rc.open.bond == .up || rc.open.bond == .down {
                        bond.direction = rc.open.bond == .up ? .up : .down
                    }
                }
            }
            bonds.append(bond)
        }
        // duplicate bonds: any duplicate must involve a ring-closure bond
        var keys = [UInt64]()
        keys.reserveCapacity(bonds.count)
        for b in bonds {
            let lo = UInt64(UInt32(min(b.begin, b.end))), hi = UInt64(UInt32(max(b.begin, b.end)))
            keys.append(lo << 32 | hi)
        }
        keys.sort()
        var k = 1
        while k < keys.count {
            if keys[k] == keys[k - 1] {
                let a = Int32(truncatingIfNeeded: keys[k] >> 32), b = Int32(truncatingIfNeeded: keys[k] & 0xFFFF_FFFF)
                var pos: Int? = nil
                for rc in closures where (rc.open.atom == a && rc.close.atom == b) || (rc.open.atom == b && rc.close.atom == a) {
                    pos = rc.close.position
                }
                throw ChemError(.invalidRingClosure, "ring closure duplicates the bond between atoms \(a + 1) and \(b + 1)",
                                position: pos.map { column($0) })
            }
            k += 1
        }
        _ = chainBondCount
    }

    // MARK: - Bracket atoms

    @inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    /// Reads an unsigned decimal number as RDKit's grammar does (no leading zero unless it
    /// is the single digit 0). Returns nil if there is no digit at `i`.
    private func readNumber(_ i: inout Int, limit: Int64) throws(ChemError) -> Int64? {
        let n = bytes.count
        guard i < n, isDigit(bytes[i]) else { return nil }
        let start = i
        if bytes[i] == 48 {
            i += 1
            if i < n && isDigit(bytes[i]) { throw fail(.syntax, "number with a leading zero", at: start) }
            return 0
        }
        var v: Int64 = 0
        while i < n, isDigit(bytes[i]) {
            v = v * 10 + Int64(bytes[i] - 48)
            if v > limit { throw fail(.tooLarge, "number too large", at: start) }
            i += 1
        }
        return v
    }

    private mutating func parseBracketAtom(_ i: inout Int) throws(ChemError) -> Atom {
        let n = bytes.count
        let open = i
        i += 1
        var atom = Atom(atomicNumber: 0, noImplicit: true)
        if let iso = try readNumber(&i, limit: Int64(Int32.max)) {
            if iso > Int64(UInt16.max) { throw fail(.tooLarge, "isotope \(iso) is too large", at: open + 1) }
            atom.isotope = UInt16(iso)
        }
        guard i < n else { throw fail(.syntax, "unterminated bracket atom", at: open) }
        var isHydrogenElement = false
        let c = bytes[i]
        let c1: UInt8 = i + 1 < n ? bytes[i + 1] : 0
        let c2: UInt8 = i + 2 < n ? bytes[i + 2] : 0
        if c == UInt8(ascii: "#") {
            i += 1
            guard let z = try readNumber(&i, limit: 1000) else { throw fail(.syntax, "'#' must be followed by an atomic number", at: i) }
            if z > 118 { throw fail(.unknownElement, "atomic number \(z) is unknown", at: open + 1) }
            atom.atomicNumber = UInt8(z)
        } else if c == UInt8(ascii: "*") {
            atom.atomicNumber = 0; i += 1
        } else if c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z") {
            atom.isAromatic = true
            switch (c, c1) {
            case (UInt8(ascii: "s"), UInt8(ascii: "e")): atom.atomicNumber = 34; i += 2
            case (UInt8(ascii: "a"), UInt8(ascii: "s")): atom.atomicNumber = 33; i += 2
            case (UInt8(ascii: "t"), UInt8(ascii: "e")): atom.atomicNumber = 52; i += 2
            case (UInt8(ascii: "s"), UInt8(ascii: "i")): atom.atomicNumber = 14; i += 2
            case (UInt8(ascii: "b"), _): atom.atomicNumber = 5; i += 1
            case (UInt8(ascii: "c"), _): atom.atomicNumber = 6; i += 1
            case (UInt8(ascii: "n"), _): atom.atomicNumber = 7; i += 1
            case (UInt8(ascii: "o"), _): atom.atomicNumber = 8; i += 1
            case (UInt8(ascii: "p"), _): atom.atomicNumber = 15; i += 1
            case (UInt8(ascii: "s"), _): atom.atomicNumber = 16; i += 1
            default: throw fail(.unknownElement, "unknown aromatic element symbol", at: i)
            }
        } else if c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") {
            // longest match: 3-letter IUPAC placeholders, then 2-letter, then 1-letter
            var matched = false
            if c == UInt8(ascii: "U") && c1 == UInt8(ascii: "u") && c2 >= UInt8(ascii: "a") && c2 <= UInt8(ascii: "z") {
                let table: [(UInt8, UInt8)] = [(UInt8(ascii: "n"), 110), (UInt8(ascii: "u"), 111), (UInt8(ascii: "b"), 112),
                                               (UInt8(ascii: "t"), 113), (UInt8(ascii: "q"), 114), (UInt8(ascii: "p"), 115),
                                               (UInt8(ascii: "h"), 116), (UInt8(ascii: "s"), 117), (UInt8(ascii: "o"), 118)]
                for (ch, z) in table where ch == c2 { atom.atomicNumber = z; i += 3; matched = true }
            }
            if !matched && c1 >= UInt8(ascii: "a") && c1 <= UInt8(ascii: "z") {
                if let z = Self.elementNumber(c, c1) { atom.atomicNumber = z; i += 2; matched = true }
            }
            if !matched {
                if c == UInt8(ascii: "H") {
                    atom.atomicNumber = 1; isHydrogenElement = true; i += 1; matched = true
                } else if let z = Self.elementNumber(c, 0) {
                    atom.atomicNumber = z; i += 1; matched = true
                }
            }
            if !matched { throw fail(.unknownElement, "unknown element symbol in brackets", at: i) }
        } else {
            throw fail(.syntax, "bracket atom must start with an element symbol", at: i)
        }
        // chirality (not for the hydrogen element)
        if !isHydrogenElement, i < n, bytes[i] == UInt8(ascii: "@") {
            i += 1
            var j = i
            while j < n && bytes[j] == UInt8(ascii: " ") { j += 1 }
            let a: UInt8 = j < n ? bytes[j] : 0, b: UInt8 = j + 1 < n ? bytes[j + 1] : 0
            let classes: [(UInt8, UInt8)] = [(84, 72), (65, 76), (83, 80), (84, 66), (79, 72)] // TH AL SP TB OH
            if classes.contains(where: { $0.0 == a && $0.1 == b }) {
                i = j + 2
                atom.chirality = .other
                if let perm = try readNumber(&i, limit: Int64(Int32.max)) {
                    if perm == 0 { throw fail(.syntax, "chiral permutation cannot be zero", at: i) }
                    if a == 84 && b == 72 && perm <= 2 { atom.chirality = perm == 1 ? .anticlockwise : .clockwise }
                }
            } else if i < n && bytes[i] == UInt8(ascii: "@") {
                atom.chirality = .clockwise; i += 1
            } else {
                atom.chirality = .anticlockwise
            }
        }
        // hydrogen count
        if i < n && bytes[i] == UInt8(ascii: "H") {
            i += 1
            var h: Int64 = 1
            if let v = try readNumber(&i, limit: Int64(Int32.max)) { h = v }
            if h > 255 { throw fail(.tooLarge, "hydrogen count \(h) is too large", at: i) }
            atom.explicitHydrogens = UInt8(h)
        }
        // charge
        if i < n && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) {
            let sign: Int64 = bytes[i] == UInt8(ascii: "+") ? 1 : -1
            let sc = bytes[i]
            i += 1
            var mag: Int64 = 1
            if i < n && bytes[i] == sc {
                mag = 2; i += 1
            } else if let v = try readNumber(&i, limit: Int64(Int32.max)) {
                mag = v
            }
            if mag > 127 { throw fail(.tooLarge, "charge \(sign * mag) is too large", at: i) }
            atom.formalCharge = Int8(sign * mag)
        }
        // atom class
        if i < n && bytes[i] == UInt8(ascii: ":") {
            i += 1
            guard let v = try readNumber(&i, limit: Int64(Int32.max)) else {
                throw fail(.syntax, "':' in a bracket atom must be followed by an atom-class number", at: i)
            }
            atom.atomClass = UInt32(v)
        }
        guard i < n, bytes[i] == UInt8(ascii: "]") else {
            if i >= n { throw fail(.syntax, "bracket atom '[' is never closed", at: open) }
            throw fail(.syntax, "unexpected character in bracket atom", at: i)
        }
        i += 1
        return atom
    }

    /// Atomic number for a capitalised symbol (second letter 0 for one-letter symbols).
    @inline(__always) static func elementNumber(_ a: UInt8, _ b: UInt8) -> UInt8? {
        guard a >= 65, a <= 90 else { return nil }
        let col: Int
        if b == 0 { col = 0 } else if b >= 97 && b <= 122 { col = Int(b - 96) } else { return nil }
        let z = symbolLookup[Int(a - 65) * 27 + col]
        return z == 0 ? nil : z
    }
}

/// `symbolLookup[(first - 'A') * 27 + (second == none ? 0 : second - 'a' + 1)]` = atomic number.
let symbolLookup: [UInt8] = {
    var t = [UInt8](repeating: 0, count: 26 * 27)
    for z in 1...118 {
        let u = Array(elementSymbols[z].utf8)
        guard let f = u.first, f >= 65, f <= 90 else { continue }
        let col = u.count > 1 ? Int(u[1]) - 96 : 0
        guard col >= 0, col < 27 else { continue }
        t[Int(f - 65) * 27 + col] = UInt8(z)
    }
    return t
}()
