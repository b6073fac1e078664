import Foundation
import Testing

@Suite("concord privacy epsilon")
struct PrivacyCommandTests {
    @Test("--json prints ε, δ and the accountant for DP-SGD's reference setting; a negative noise multiplier is refused")
    func epsilonJSON() throws {
        let result = try CLI.run(["privacy", "epsilon", "--noise-multiplier", "1.1", "--sampling-rate", "\(256.0 / 60_000)", "--steps", "14062",
                                  "--delta", "1e-5", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let epsilon = try #require(object["epsilon"] as? Double)
        #expect(abs(epsilon - 2.5965558697943036) < 1e-6, "dp-accounting 0.6.0 gives 2.5966")
        #expect(object["delta"] as? Double == 1e-5)
        #expect(object["accountant"] as? String == "rdp")
        let refused = try CLI.run(["privacy", "epsilon", "--noise-multiplier", "-1", "--steps", "3"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("noise multiplier must be finite and non-negative"), "\(refused.stderr)")
        let unknown = try CLI.run(["privacy", "epsilon", "--noise-multiplier", "1", "--steps", "3", "--accountant", "moments"])
        #expect(unknown.status != 0 && unknown.stderr.contains("--accountant must be rdp or pld"), "\(unknown.stderr)")
    }

    @Test("--accountant pld prints the PLD figure for DP-SGD's reference setting (dp-accounting 0.6.0: 2.3817), below RDP's")
    func pldJSON() throws {
        let result = try CLI.run(["privacy", "epsilon", "--noise-multiplier", "1.1", "--sampling-rate", "\(256.0 / 60_000)", "--steps", "14062",
                                  "--delta", "1e-5", "--accountant", "pld", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let epsilon = try #require(object["epsilon"] as? Double)
        #expect(abs(epsilon - 2.381686002234784) <= 1e-6 * 2.382, "dp-accounting 0.6.0 gives 2.381686")
        #expect(epsilon < 2.5965558697943036, "RDP gives 2.5966")
        #expect(object["delta"] as? Double == 1e-5)
        #expect(object["accountant"] as? String == "pld")
        #expect(object["order"] == nil)
        let refused = try CLI.run(["privacy", "epsilon", "--noise-multiplier", "1", "--sampling-rate", "2", "--steps", "3", "--accountant", "pld"])
        #expect(refused.status != 0 && refused.stderr.contains("sampling rate must lie in [0, 1]"), "\(refused.stderr)")
    }
}
