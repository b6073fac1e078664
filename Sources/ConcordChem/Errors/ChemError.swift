@_exported public import ConcordErrors

/// An error raised while parsing or sanitising a molecule.
///
/// Errors carry a machine-readable ``Code``, a message a chemist can act on and,
/// where it is known, the 1-based character column in the SMILES string
/// (``position``) or the index of the offending atom (``atomIndex``).
public struct ChemError: ConcordError, Hashable {
    /// The category of a ``ChemError``.
    public enum Code: String, Sendable, Hashable {
        /// The input contained no atoms.
        case empty
        /// The SMILES text is not well formed.
        case syntax
        /// A ring-closure digit was opened but never closed.
        case unclosedRing
        /// A branch `(` was never closed.
        case unclosedBranch
        /// An element symbol is not known.
        case unknownElement
        /// A ring closure duplicates an existing bond or bonds an atom to itself.
        case invalidRingClosure
        /// An atom exceeds every valence RDKit allows for it.
        case valence
        /// Aromatic input could not be assigned a Kekulé structure.
        case kekulization
        /// An atom is marked aromatic where aromaticity is impossible (e.g. outside rings).
        case aromaticity
        /// A number or the input itself is too large to represent.
        case tooLarge
        /// A valid construct that this parser does not support (e.g. query bonds).
        case unsupported
    }

    /// What went wrong.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// 1-based character column in the SMILES string, when the error is positional.
    public var position: Int?
    /// 0-based index of the offending atom, when the error concerns one atom.
    public var atomIndex: Int?

    /// Creates an error.
    public init(_ code: Code, _ message: String, position: Int? = nil, atomIndex: Int? = nil) {
        self.code = code
        self.message = message
        self.position = position
        self.atomIndex = atomIndex
    }

    /// The code's name, e.g. `unclosedRing`.
    public var codeName: String { code.rawValue }

    /// The SMILES position, else the atom: the description reads
    /// `SMILES position 7: ring closure 1 is never closed`.
    public var contextItems: [ErrorContextItem] {
        guard let position else { return .labelled(["atom": atomIndex]) }
        let atom = atomIndex.map { [ErrorContextItem.unprinted("atom", "\($0)")] } ?? []
        return [ErrorContextItem("position", "\(position)", text: "SMILES position \(position)")] + atom
    }

    /// `SMILES position 7: message` (or `atom 3: message`).
    public static var layout: ErrorLayout { .placeFirst }
}
