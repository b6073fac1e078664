/// A bond between two atoms of a ``Molecule``.
public struct Bond: Sendable, Hashable {
    /// Index of the first atom.
    public var begin: Int32
    /// Index of the second atom.
    public var end: Int32
    /// Bond order. After kekulisation, never ``BondOrder/aromatic`` in the Kekulé form;
    /// after aromaticity perception, aromatic bonds are ``BondOrder/aromatic``.
    public var order: BondOrder
    /// Aromatic flag after perception.
    public var isAromatic: Bool
    /// `true` when perception found the bond in at least one ring.
    public var isInRing: Bool
    /// Directional mark (`/` or `\`) as written; ignored by fingerprints.
    public var direction: BondDirection

    /// Creates a bond.
    public init(
        begin: Int32, end: Int32, order: BondOrder,
        isAromatic: Bool = false, isInRing: Bool = false,
        direction: BondDirection = .none
    ) {
        self.begin = begin
        self.end = end
        self.order = order
        self.isAromatic = isAromatic
        self.isInRing = isInRing
        self.direction = direction
    }

    /// The atom at the other end of the bond from `atom`.
    @inlinable public func other(_ atom: Int32) -> Int32 { atom == begin ? end : begin }
}

/// Bond orders. Raw values follow RDKit's `Bond::BondType` numbering, which the
/// Morgan fingerprint hashes, so they must not change.
public enum BondOrder: UInt8, Sendable, Hashable {
    /// Unspecified / zero-order.
    case zero = 0
    /// Single bond.
    case single = 1
    /// Double bond.
    case double = 2
    /// Triple bond.
    case triple = 3
    /// Quadruple bond (`$`).
    case quadruple = 4
    /// Aromatic bond.
    case aromatic = 12
    /// Dative bond (`->`).
    case dative = 17

    /// The bond's contribution to atom valence (aromatic counts as 1.5).
    @inlinable public var valenceContribution: Double {
        switch self {
        case .zero: 0
        case .single: 1
        case .double: 2
        case .triple: 3
        case .quadruple: 4
        case .aromatic: 1.5
        case .dative: 0
        }
    }
}

/// Directional bond marks in SMILES (`/`, `\`), used only for double-bond stereo.
public enum BondDirection: UInt8, Sendable, Hashable {
    /// No direction.
    case none
    /// `/`
    case up
    /// `\`
    case down
}
