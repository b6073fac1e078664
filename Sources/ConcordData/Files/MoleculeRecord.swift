public import ConcordChem

/// One molecule read from a user's file, before or after structure parsing.
public struct MoleculeRecord: Sendable {
    /// How the structure was given.
    public enum Structure: Sendable {
        /// A SMILES string to be parsed.
        case smiles(String)
        /// A molecule read from a MOL block (unsanitised).
        case molBlock(Molecule)
        /// The record could not be read; the message says why.
        case unreadable(String)
    }

    /// The record's identifier (an id column, SDF title, `.smi` name, or the row number).
    public var id: String
    /// The 1-based line of the file where the record starts.
    public var line: Int
    /// The structure.
    public var structure: Structure
    /// Other columns, or SDF data fields, by name.
    public var properties: [String: String]

    /// Creates a record.
    public init(id: String, line: Int, structure: Structure, properties: [String: String] = [:]) {
        self.id = id
        self.line = line
        self.structure = structure
        self.properties = properties
    }
}
