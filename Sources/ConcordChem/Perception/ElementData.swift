// Element data derived from the values of RDKit's periodic table (symbols, outer-shell
// electrons, allowed valence lists where -1 means "any"). Index = atomic number.
let elementSymbols: [String] = ["*", "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og"]
let outerElectrons: [Int8] = [0, 1, 2, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 4, 5, 6, 7, 8, 9, 10, 11, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]
let valenceOffsets: [Int16] = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16, 17, 18, 20, 23, 24, 25, 27, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 43, 46, 47, 48, 50, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 65, 67, 70, 73, 77, 78, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 107, 109, 112, 115, 116, 117, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149]
let valenceData: [Int8] = [-1, 1, 0, 1, -1, 2, 3, 4, 3, 2, 1, 0, 1, -1, 2, -1, 3, 4, 3, 5, 2, 4, 6, 1, 0, 1, -1, 2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 3, 4, 3, 5, 2, 4, 6, 1, 0, 1, -1, 2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 3, 2, 4, 3, 5, 2, 4, 6, 1, 3, 5, 0, 2, 4, 6, 1, 2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 2, 4, 3, 5, 2, 4, 6, 1, 3, 5, 0, 1, 2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1]

/// Small accessors over the element tables; atomic numbers outside 0...118 are clamped.
enum Elements {
    static let maxAtomicNumber = 118

    @inline(__always) static func clamp(_ z: Int) -> Int { z < 0 ? 0 : (z > maxAtomicNumber ? maxAtomicNumber : z) }

    /// Allowed valences of element `z` (RDKit order; -1 means "any").
    @inline(__always) static func valences(_ z: Int) -> ArraySlice<Int8> {
        let c = clamp(z)
        return valenceData[Int(valenceOffsets[c])..<Int(valenceOffsets[c + 1])]
    }

    /// First allowed valence (RDKit's default valence).
    @inline(__always) static func defaultValence(_ z: Int) -> Int {
        Int(valenceData[Int(valenceOffsets[clamp(z)])])
    }

    /// Last entry of the valence list.
    @inline(__always) static func lastValence(_ z: Int) -> Int {
        Int(valenceData[Int(valenceOffsets[clamp(z) + 1]) - 1])
    }

    /// `true` when the element's list is exactly `[-1]` (no valence constraint at all).
    @inline(__always) static func unconstrained(_ z: Int) -> Bool {
        let c = clamp(z)
        return valenceOffsets[c + 1] - valenceOffsets[c] == 1 && valenceData[Int(valenceOffsets[c])] == -1
    }

    @inline(__always) static func outer(_ z: Int) -> Int { Int(outerElectrons[clamp(z)]) }

    /// RDKit's crude electronegativity order: more outer electrons, then lower atomic number.
    @inline(__always) static func moreElectronegative(_ a: Int, than b: Int) -> Bool {
        let ea = outer(a), eb = outer(b)
        if ea != eb { return ea > eb }
        return a < b
    }

    /// Elements left of carbon in their period (RDKit's `isEarlyAtom`).
    static func isEarly(_ z: Int) -> Bool {
        switch z {
        case 3, 4, 5, 11, 12, 13, 19, 20, 21, 22, 30, 31, 32, 37, 38, 39, 40, 41, 48, 49, 50, 51,
             55, 56, 57, 58, 59, 60, 61, 72, 73, 80, 81, 82, 83, 87, 88, 89, 90, 91, 92, 93:
            return true
        case 104...118: return true
        default: return false
        }
    }
}
