import ConcordData
import Foundation

/// The SHA-256 of a wheel member read in place, to check it against its pinned digest.
enum MemberDigest {
    /// Lower-case hex SHA-256 of `data`, through ConcordData's file digest.
    /// - Throws: ``ClinicalDataError`` `.io` when the temporary file cannot be written; `DataError`
    ///   when it cannot be read back.
    static func sha256(_ data: Data) throws -> String {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("concord-digest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        do { try data.write(to: file) } catch {
            throw ClinicalDataError(.io, "cannot write a temporary file to check a digest", context: .init(file: file.path), cause: error)
        }
        return try DataCache.sha256(of: file)
    }
}
