public import ConcordChem

/// Why a record's structure could not become a molecule: where, and what a chemist should fix.
public struct RecordError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The record's 1-based line in its file.
    public var line: Int
    /// The 1-based character position in the SMILES, when the problem has one.
    public var position: Int?
    /// The reason.
    public var reason: String

    /// Creates an error.
    public init(line: Int, position: Int? = nil, reason: String) {
        self.line = line
        self.position = position
        self.reason = reason
    }

    /// `line 12, position 7: reason`.
    public var description: String {
        "line \(line)" + (position.map { ", position \($0)" } ?? "") + ": " + reason
    }
}

extension MoleculeRecord {
    /// Parses and sanitises the record's structure into a molecule.
    /// - Throws: ``RecordError`` naming the line (and SMILES position) and the reason.
    public func molecule() throws(RecordError) -> Molecule {
        switch structure {
        case .smiles(let smiles):
            do { return try SMILES.parse(smiles) } catch {
                throw RecordError(line: line, position: error.position, reason: error.message)
            }
        case .molBlock(var molecule):
            do {
                try molecule.sanitize()
                return molecule
            } catch {
                let atom = error.atomIndex.map { "atom \($0 + 1): " } ?? ""
                throw RecordError(line: line, reason: atom + error.message)
            }
        case .unreadable(let message):
            throw RecordError(line: line, reason: message)
        }
    }
}
