public import ConcordChem
public import ConcordErrors

/// Why a record's structure could not become a molecule: where (``line``, ``position``), what a
/// chemist should fix (``reason``) and the chemistry error that caused it (``cause``).
public struct RecordError: ConcordError, Hashable {
    /// The record's 1-based line in its file.
    public var line: Int
    /// The 1-based character position in the SMILES, when the problem has one.
    public var position: Int?
    /// The reason.
    public var reason: String
    /// The parser's or sanitiser's error (a ``ChemError``), when there is one.
    public var cause: (any Error)?

    /// Creates an error.
    public init(line: Int, position: Int? = nil, reason: String, cause: (any Error)? = nil) {
        self.line = line
        self.position = position
        self.reason = reason
        self.cause = cause
    }

    /// The chemistry error's code (``ChemError/Code``), when a ``ChemError`` caused this one.
    public var chemCode: ChemError.Code? { (cause as? ChemError)?.code }

    /// `invalid record` (the chemistry error's code is ``chemCode``).
    public var codeName: String { "invalid record" }
    /// The reason (``reason``).
    public var message: String { reason }
    /// `line 12, position 7`.
    public var contextItems: [ErrorContextItem] { .labelled(["line": line, "position": position]) }
    /// `line 12, position 7: reason`; the cause's message is the reason, so it is not repeated.
    public static var layout: ErrorLayout { ErrorLayout(context: .beforeMessage, cause: .omitted) }
}

extension MoleculeRecord {
    /// Parses and sanitises the record's structure into a molecule.
    /// - Throws: ``RecordError`` naming the line (and SMILES position) and the reason.
    public func molecule() throws(RecordError) -> Molecule {
        switch structure {
        case .smiles(let smiles):
            do { return try SMILES.parse(smiles) } catch {
                throw RecordError(line: line, position: error.position, reason: error.message, cause: error)
            }
        case .molBlock(var molecule):
            do {
                try molecule.sanitize()
                return molecule
            } catch {
                let atom = error.atomIndex.map { "atom \($0 + 1): " } ?? ""
                throw RecordError(line: line, reason: atom + error.message, cause: error)
            }
        case .unreadable(let message):
            throw RecordError(line: line, reason: message)
        }
    }
}
