import ConcordData
import Foundation
import Testing

@Suite("concord vertical simulate")
struct VerticalCommandTests {
    @Test("one encrypted step on ACTG175 writes its figures as JSON", .enabled(if: FileManager.default.fileExists(atPath: DataCache.standard().path(of: .lifelines).path)
                                                                         || ProcessInfo.processInfo.environment["CONCORD_REQUIRE_DATA"] == "1"))
    func oneStep() throws {
        let json = try CLI.temporaryFile("figures.json", "").path
        let run = try CLI.run(["vertical", "simulate", "--iterations", "1", "--json", json])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("shared (PSI on pidnum): 1283"), "\(run.stdout)")
        #expect(run.stdout.contains("Test ROC-AUC: vertical"), "\(run.stdout)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        #expect(object["shared"] as? Int == 1283)
        let vertical = try #require(object["vertical_auc"] as? Double), taylor = try #require(object["joined_taylor_auc"] as? Double)
        #expect(abs(vertical - taylor) < 1e-6)
    }

    @Test("--protocol secret-sharing trains the 30 steps and says which protocol ran", .enabled(if: FileManager.default.fileExists(atPath: DataCache.standard().path(of: .lifelines).path)
                                                                         || ProcessInfo.processInfo.environment["CONCORD_REQUIRE_DATA"] == "1"))
    func secretSharing() throws {
        let json = try CLI.temporaryFile("shared.json", "").path
        let run = try CLI.run(["vertical", "simulate", "--protocol", "secret-sharing", "--json", json])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Vertical training (secret-sharing): 30 steps"), "\(run.stdout)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        #expect(object["protocol"] as? String == "secret-sharing")
        let vertical = try #require(object["vertical_auc"] as? Double), alone = try #require(object["centre_alone_auc"] as? Double)
        #expect(vertical > alone)
    }

    @Test("refuses an unknown benchmark, protocol and a non-positive learning rate")
    func refusals() throws {
        let unknown = try CLI.run(["vertical", "simulate", "--benchmark", "heart-disease"])
        #expect(unknown.status != 0 && unknown.stderr.contains("--benchmark must be actg175"), "\(unknown.stderr)")
        let rate = try CLI.run(["vertical", "simulate", "--learning-rate", "0"])
        #expect(rate.status != 0 && rate.stderr.contains("--learning-rate must be positive"), "\(rate.stderr)")
        let method = try CLI.run(["vertical", "simulate", "--protocol", "garbled"])
        #expect(method.status != 0 && method.stderr.contains("--protocol must be paillier or secret-sharing"), "\(method.stderr)")
    }
}
