import ConcordData
import Foundation
import Testing
@testable import ConcordClinical

/// Tests on the real lifelines wheel (ACTG175) run when it is cached (`concord data fetch
/// lifelines`); `CONCORD_REQUIRE_DATA=1` turns its absence into a failure.
enum LifelinesGate {
    static let cache = DataCache.standard()
    static let required = ProcessInfo.processInfo.environment["CONCORD_REQUIRE_DATA"] == "1"
    static var enabled: Bool { FileManager.default.fileExists(atPath: cache.path(of: .lifelines).path) || required }
    static let note: Comment = "lifelines is not cached; run 'concord data fetch lifelines' (or set CONCORD_REQUIRE_DATA=1)"

    /// ACTG175's three sites, read in place from the cached wheel.
    static func sites() throws -> [ACTG175.Site] {
        let url = try WheelFetcher(cache: cache).fetch(.lifelines).url
        return try ACTG175.sites(wheelAt: url)
    }
}
