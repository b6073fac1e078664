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

    static func load(_ source: NodeConfig.DataSource, _ url: URL, seed: UInt64 = 1,
                     task: ModelTask = .classification) async throws -> PrivateData {
        let spec = FeaturizerSpec(radius: 2, bits: 1024, features: true)
        return try await PrivateData.load(source, base: url.deletingLastPathComponent(), fingerprint: spec.morganOptions,
                                          seed: seed, task: task, parallelism: 2)
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

    @Test("regression keeps each row's measured value and skips a value that is not a number, naming its line")
    func regressionValues() async throws {
        let molecules = Fixtures.split().partners["alpha"] ?? []
        let values = molecules.indices.map { 4.5 + Double($0 % 9) * 0.25 }
        var rows = zip(molecules, values).map { m, v in "\(m.smiles),\(v)" }
        rows.insert("CCO,n/a", at: 3) // line 5: the header is line 1
        let url = Fixtures.temporaryDirectory().appendingPathComponent("alpha-values.csv")
        try (["smiles,pic50"] + rows).joined(separator: "\n").appending("\n").write(to: url, atomically: true, encoding: .utf8)
        let data = try await Self.load(NodeConfig.DataSource(path: url.path, labelColumn: "pic50"), url, task: .regression)
        #expect(data.skipped == ["line 5: value 'n/a' is not a number"])
        let read = (data.train.values ?? []) + (data.validation.values ?? [])
        #expect(read.sorted() == values.sorted())
        #expect(data.train.values?.count == data.train.count && data.validation.values?.count == data.validation.count)
        #expect(data.train.labels.allSatisfy { $0 == 0 }, "no threshold: every class is 0")
        #expect(data.validation.count == Int((0.2 * Double(molecules.count)).rounded(.up)) && data.test.count == 0)
        // A threshold gives each value its class; classification keeps no values.
        let above = try await Self.load(NodeConfig.DataSource(path: url.path, labelColumn: "pic50", activeAbove: 6), url, task: .regression)
        #expect(above.train.labels == (above.train.values ?? []).map { $0 >= 6 ? 1 : 0 })
        let classes = try await Self.load(NodeConfig.DataSource(path: url.path, labelColumn: "pic50", activeAbove: 6), url)
        #expect(classes.train.values == nil && classes.validation.values == nil)
    }

    @Test("regression's validation rows are drawn at random by the node's seed: the same seed, the same rows")
    func regressionSplit() async throws {
        let molecules = Fixtures.split().partners["alpha"] ?? []
        let rows = molecules.enumerated().map { i, m in "\(m.smiles),\(Double(i) * 0.1)" }
        let url = Fixtures.temporaryDirectory().appendingPathComponent("alpha-distinct.csv")
        try (["smiles,pic50"] + rows).joined(separator: "\n").appending("\n").write(to: url, atomically: true, encoding: .utf8)
        let source = NodeConfig.DataSource(path: url.path, labelColumn: "pic50")
        let first = try await Self.load(source, url, seed: 1, task: .regression)
        let again = try await Self.load(source, url, seed: 1, task: .regression)
        let other = try await Self.load(source, url, seed: 2, task: .regression)
        #expect(first.validation.count > 0)
        #expect(first.validation.values == again.validation.values && first.train.values == again.train.values)
        #expect(first.validation.values != other.validation.values)
        // File order within each part, every row in one of them.
        let validation = first.validation.values ?? [], train = first.train.values ?? []
        #expect(validation == validation.sorted() && train == train.sorted())
        #expect(Set(validation).isDisjoint(with: train) && validation.count + train.count == molecules.count)
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
        #expect(config.data?.activeAbove == 6.5 && config.data?.activeBelow == nil)
    }
}
