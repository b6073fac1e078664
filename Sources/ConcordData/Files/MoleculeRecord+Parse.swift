public import ConcordChem

/// Why a record's structure could not become a molecule: where (``line``, ``position``), what a
/// chemist should fix (``reason``) and the chemistry error that caused it (``cause``).
public struct RecordError: Error, Sendable, Hashable, CustomStringConvertible {
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

    /// `line 12, position 7: reason` (the cause's message is the reason, so it is not repeated).
    public var description: String {
        "line \(line)" + (position.map { ", position \($0)" } ?? "") + ": " + reason
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(line)
        hasher.combine(position)
        hasher.combine(reason)
    }

    /// Equal when line, position and reason are (the cause is not compared).
    public static func == (lhs: RecordError, rhs: RecordError) -> Bool {
        lhs.line == rhs.line && lhs.position == rhs.position && lhs.reason == rhs.reason
    }
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
