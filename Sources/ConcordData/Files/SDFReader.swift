public import Foundation
import ConcordChem

/// Reads SD files (V2000 MOL blocks separated by `$$$$`, with `> <name>` data fields).
///
/// A record that cannot be read does not stop the file: it becomes a record with
/// ``MoleculeRecord/Structure/unreadable(_:)`` naming the record and line.
public enum SDFReader {
    /// Parses every record of an SD file.
    public static func read(_ data: Data, name: String) -> [MoleculeRecord] {
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for i in lines.indices where lines[i].hasSuffix("\r") { lines[i] = lines[i].dropLast() }
        var records: [MoleculeRecord] = []
        var start = 0
        var recordNumber = 0
        while start < lines.count {
            // Skip trailing blank lines at the end of the file.
            if lines[start...].allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { break }
            var end = start
            while end < lines.count && !lines[end].hasPrefix("$$$$") { end += 1 }
            recordNumber += 1
            records.append(parseRecord(Array(lines[start..<end]), firstLine: start + 1, number: recordNumber))
            start = end + 1
        }
        return records
    }

    static func parseRecord(_ lines: [Substring], firstLine: Int, number: Int) -> MoleculeRecord {
        let endIndex = lines.firstIndex { $0.hasPrefix("M  END") } ?? lines.count
        let blockLines = Array(lines[0..<min(endIndex + 1, lines.count)])
        var properties: [String: String] = [:]
        var i = endIndex + 1
        while i < lines.count {
            let line = lines[i]
            if line.hasPrefix(">"), let open = line.firstIndex(of: "<"), let close = line[open...].firstIndex(of: ">") {
                let key = String(line[line.index(after: open)..<close])
                var value: [Substring] = []
                i += 1
                while i < lines.count && !lines[i].isEmpty {
                    value.append(lines[i]); i += 1
                }
                properties[key] = value.joined(separator: "\n")
            }
            i += 1
        }
        let title = lines.first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? ""
        let id = title.isEmpty ? "record \(number)" : title
        do {
            let (molecule, _) = try MolBlock.parse(lines: blockLines, firstLine: firstLine)
            return MoleculeRecord(id: id, line: firstLine, structure: .molBlock(molecule), properties: properties)
        } catch {
            var located = error
            located.record = number
            return MoleculeRecord(id: id, line: firstLine, structure: .unreadable(located.description), properties: properties)
        }
    }
}
