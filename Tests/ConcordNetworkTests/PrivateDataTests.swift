import ConcordChem
import ConcordML
import Foundation
import Testing
@testable import ConcordNetwork

@Suite("A node's private data")
struct PrivateDataTests {
    /// A partner file with a measured value (pIC50-like, higher is more potent) instead of a class.
    static func file() throws -> URL {
        let (partners, _) = Fixtures.split()
        let rows = (partners["alpha"] ?? []).enumerated().map { i, m in
            // Actives get 6.5 + a little, inactives 4.5 + a little, so the class is recoverable by a threshold of 6.
            "\(m.smiles),\(m.label == 1 ? 6.5 + Double(i % 5) * 0.1 : 4.5 + Double(i % 5) * 0.1)"
        }
        let url = Fixtures.temporaryDirectory().appendingPathComponent("alpha-pic50.csv")
        try (["smiles,pic50"] + rows).joined(separator: "\n").appending("\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    static func load(_ source: NodeConfig.DataSource, _ url: URL) async throws -> PrivateData {
        let spec = FeaturizerSpec(radius: 2, bits: 1024, features: true)
        return try await PrivateData.load(source, base: url.deletingLastPathComponent(), fingerprint: spec.morganOptions,
                                          seed: 1, parallelism: 2)
    }

    @Test("active_above makes the high values active; active_below the low ones")
    func directions() async throws {
        let url = try Self.file()
        let actives = (Fixtures.split().partners["alpha"] ?? []).filter { $0.label == 1 }.count
        let total = (Fixtures.split().partners["alpha"] ?? []).count
        let above = try await Self.load(NodeConfig.DataSource(path: url.path, labelColumn: "pic50", activeAbove: 6, validationFraction: 0), url)
        #expect(above.train.actives == actives)
        let below = try await Self.load(NodeConfig.DataSource(path: url.path, labelColumn: "pic50", activeBelow: 6, validationFraction: 0), url)
        #expect(below.train.actives == total - actives)
    }

    @Test("measured values without a threshold are refused once, naming both settings; both thresholds are refused")
    func refusals() async throws {
        let url = try Self.file()
        await #expect {
            _ = try await Self.load(NodeConfig.DataSource(path: url.path, labelColumn: "pic50"), url)
        } throws: { error in
            let text = "\(error)"
            return text.contains("measured values") && text.contains("active_above") && text.contains("active_below")
        }
        await #expect {
            _ = try await Self.load(NodeConfig.DataSource(path: url.path, labelColumn: "pic50", activeBelow: 5, activeAbove: 6), url)
        } throws: { error in "\(error)".contains("not both") }
    }

    @Test("active_above is read from node.yaml")
    func yaml() throws {
        let dir = Fixtures.temporaryDirectory()
        let path = dir.appendingPathComponent("node.yaml")
        try """
            partner: alpha
            coordinator: {host: 127.0.0.1, port: 7443}
            tls: {directory: kit/alpha}
            data: {path: alpha.csv, label_column: pic50, active_above: 6.5}
            state: state/alpha.sqlite
            audit: state/alpha.jsonl
            """.write(to: path, atomically: true, encoding: .utf8)
        let config = try NodeConfig.load(path.path)
        #expect(config.data.activeAbove == 6.5 && config.data.activeBelow == nil)
    }
}
