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

    @Test("--model mlp trains the split MLP on secret shares, scores on shares and writes its figures", .enabled(if: FileManager.default.fileExists(atPath: DataCache.standard().path(of: .lifelines).path)
                                                                         || ProcessInfo.processInfo.environment["CONCORD_REQUIRE_DATA"] == "1"))
    func splitMLP() throws {
        let json = try CLI.temporaryFile("mlp.json", "").path
        let split = try CLI.temporaryFile("split.csv", "").path
        let run = try CLI.run(["vertical", "simulate", "--model", "mlp", "--hidden", "4", "--iterations", "3", "--json", json, "--write-split", split])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Split MLP on secret shares (4 hidden units): 3 steps"), "\(run.stdout)")
        #expect(run.stdout.contains("Scoring 385 test rows on shares"), "\(run.stdout)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        #expect(object["model"] as? String == "mlp" && object["protocol"] as? String == "secret-sharing" && object["hidden"] as? Int == 4)
        let vertical = try #require(object["vertical_auc"] as? Double), clear = try #require(object["joined_same_descent_auc"] as? Double)
        #expect(abs(vertical - clear) < 1e-3)
        let bytes = try #require(object["training_bytes"] as? Int), dealer = try #require(object["dealer_bytes"] as? Int)
        #expect(dealer > 0 && bytes > dealer)
        // The split: the 1,283 shared patients, 898 to train and 385 to test, each once.
        let lines = try String(contentsOfFile: split, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "pidnum,set" && lines.count == 1 + 1283)
        #expect(lines.filter { $0.hasSuffix(",train") }.count == 898 && lines.filter { $0.hasSuffix(",test") }.count == 385)
        #expect(Set(lines.dropFirst().map { $0.split(separator: ",")[0] }).count == 1283)
        // A split that cannot be written is an error naming the file.
        let unwritable = try CLI.run(["vertical", "simulate", "--model", "mlp", "--hidden", "2", "--iterations", "1", "--write-split", "/nonexistent-dir/split.csv"])
        #expect(unwritable.status != 0 && unwritable.stderr.contains("cannot write the split"), "\(unwritable.stderr)")
    }

    @Test("refuses an unknown benchmark, protocol and a non-positive learning rate")
    func refusals() throws {
        let unknown = try CLI.run(["vertical", "simulate", "--benchmark", "heart-disease"])
        #expect(unknown.status != 0 && unknown.stderr.contains("--benchmark must be actg175"), "\(unknown.stderr)")
        let rate = try CLI.run(["vertical", "simulate", "--learning-rate", "0"])
        #expect(rate.status != 0 && rate.stderr.contains("--learning-rate must be positive"), "\(rate.stderr)")
        let method = try CLI.run(["vertical", "simulate", "--protocol", "garbled"])
        #expect(method.status != 0 && method.stderr.contains("--protocol must be paillier or secret-sharing"), "\(method.stderr)")
        let model = try CLI.run(["vertical", "simulate", "--model", "forest"])
        #expect(model.status != 0 && model.stderr.contains("--model must be logistic or mlp"), "\(model.stderr)")
        let paillier = try CLI.run(["vertical", "simulate", "--model", "mlp", "--protocol", "paillier"])
        #expect(paillier.status != 0 && paillier.stderr.contains("--model mlp trains on secret shares only"), "\(paillier.stderr)")
        let hidden = try CLI.run(["vertical", "simulate", "--model", "mlp", "--hidden", "0"])
        #expect(hidden.status != 0 && hidden.stderr.contains("--hidden must be 1 to 256"), "\(hidden.stderr)")
    }
}
