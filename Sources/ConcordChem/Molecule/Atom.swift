/// One heavy atom of a ``Molecule`` with the properties parsing and perception give it.
public struct Atom: Sendable, Hashable {
    /// Atomic number (0 for the wildcard `*`).
    public var atomicNumber: UInt8
    /// Mass number from the input (`[13C]` → 13); 0 when unspecified.
    public var isotope: UInt16
    /// Formal charge.
    public var formalCharge: Int8
    /// Hydrogens written explicitly on the atom (bracket `H` count, or set by perception,
    /// e.g. the H on an aromatic `[nH]`).
    public var explicitHydrogens: UInt8
    /// Hydrogens added from default valences during perception.
    public var implicitHydrogens: UInt8
    /// `true` for bracket atoms and others that must not receive implicit hydrogens.
    public var noImplicit: Bool
    /// Aromatic flag after perception (or as written, before perception).
    public var isAromatic: Bool
    /// Number of radical (unpaired) electrons.
    public var radicalElectrons: UInt8
    /// Atom-map / atom-class number (`[CH4:7]` → 7); 0 when absent.
    public var atomClass: UInt32
    /// Tetrahedral chirality as written. Parsed but not used by fingerprints.
    public var chirality: Chirality
    /// `true` when perception found the atom in at least one ring.
    public var isInRing: Bool

    /// Creates an atom; every property not given takes its neutral default.
    public init(
        atomicNumber: UInt8,
        isotope: UInt16 = 0,
        formalCharge: Int8 = 0,
        explicitHydrogens: UInt8 = 0,
        implicitHydrogens: UInt8 = 0,
        noImplicit: Bool = false,
        isAromatic: Bool = false,
        radicalElectrons: UInt8 = 0,
        atomClass: UInt32 = 0,
        chirality: Chirality = .unspecified,
        isInRing: Bool = false
    ) {
        self.atomicNumber = atomicNumber
        self.isotope = isotope
        self.formalCharge = formalCharge
        self.explicitHydrogens = explicitHydrogens
        self.implicitHydrogens = implicitHydrogens
        self.noImplicit = noImplicit
        self.isAromatic = isAromatic
        self.radicalElectrons = radicalElectrons
        self.atomClass = atomClass
        self.chirality = chirality
        self.isInRing = isInRing
    }

    /// All hydrogens attached to the atom (explicit plus implicit).
    @inlinable public var totalHydrogens: Int { Int(explicitHydrogens) + Int(implicitHydrogens) }
}

/// Tetrahedral (and other) chirality tags as written in SMILES.
public enum Chirality: UInt8, Sendable, Hashable {
    /// No chirality written.
    case unspecified
    /// `@`: anticlockwise.
    case anticlockwise
    /// `@@`: clockwise.
    case clockwise
    /// `@TH`, `@AL`, `@SP`, `@TB`, `@OH` classes: parsed, kept only as "other".
    case other
}
