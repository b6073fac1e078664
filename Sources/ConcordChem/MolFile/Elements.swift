/// Element look-ups the MOL reader needs, over the shared ``elementSymbols`` table.
enum MolFileElements {
    /// Atomic number by MOL-file symbol, including `D`/`T` (hydrogen isotopes) and the
    /// generic `A`, `Q`, `R#` (read as the wildcard, atomic number 0).
    static let numberBySymbol: [String: UInt8] = {
        var table: [String: UInt8] = [:]
        for (z, symbol) in elementSymbols.enumerated() { table[symbol] = UInt8(z) }
        for alias in ["D", "T"] { table[alias] = 1 }
        for generic in ["A", "Q", "R#"] { table[generic] = 0 }
        return table
    }()

    /// Rounded average masses (Z ≤ 54), used to turn a MOL-file mass difference into an isotope.
    static func nominalMass(_ z: UInt8) -> Int {
        let table: [Int] = [0, 1, 4, 7, 9, 11, 12, 14, 16, 19, 20, 23, 24, 27, 28, 31, 32, 35, 40,
                            39, 40, 45, 48, 51, 52, 55, 56, 59, 59, 64, 65, 70, 73, 75, 79, 80, 84,
                            85, 88, 89, 91, 93, 96, 98, 101, 103, 106, 108, 112, 115, 119, 122, 128, 127, 131]
        return Int(z) < table.count ? table[Int(z)] : 0
    }
}
