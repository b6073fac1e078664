import Foundation
import Testing
import ConcordML
import ConcordTesting
@testable import ConcordClinical

@Suite("Task columns of a user's table: binary and continuous heads, masks, refusals")
struct ClinicalTableTasksTests {
    static let sites: [SyntheticClinicalTable.SiteSpec] = [.init(name: "north", rows: 80), .init(name: "south", rows: 60), .init(name: "west", rows: 50)]
    static let csv = SyntheticClinicalTable.withTasks(SyntheticClinicalTable.csv(sites), noStay: "west")

    @Test("a two-valued column is a binary head ('yes' positive), a numeric one continuous; neither is a feature; a site without a task is noted")
    func kinds() throws {
        let t = try SyntheticClinicalTable.table(Self.csv, tasks: ["readmitted", "stay"])
        #expect(t.tasks.map(\.name) == ["readmitted", "stay"] && t.tasks.map(\.kind) == [.binary, .continuous])
        #expect(t.tasks[0].positive == "yes" && t.tasks[0].negative == "no")
        #expect(!t.featureNames.contains { $0.hasPrefix("readmitted") || $0 == "stay" }, "\(t.featureNames)")
        let west = try #require(t.sites.first { $0.name == "west" })
        #expect(west.outcomes.count == west.labels.count && west.outcomes.allSatisfy { $0[1].isNaN })
        #expect(t.notes.contains { $0.hasPrefix("site 'west' has no value in the task column 'stay'") }, "\(t.notes)")
        #expect(t.sites.flatMap(\.outcomes).contains { $0[0].isNaN } && t.sites.flatMap(\.outcomes).allSatisfy { $0[0].isNaN || $0[0] == 0 || $0[0] == 1 })
        let (split, _) = try t.split()
        #expect(split.allSatisfy { $0.trainOutcomes?.rowCount == $0.train.rowCount && $0.testOutcomes?.rowCount == $0.test.rowCount })
    }

    @Test("a masked outcome adds no target: the site without `stay` trains its other heads, and the federated scale comes from the other sites")
    func masks() throws {
        let t = try SyntheticClinicalTable.table(Self.csv, tasks: ["readmitted", "stay"])
        let (sites, _) = try t.split()
        let heads = [ClinicalHead(name: "outcome", kind: .binary, unit: nil, description: ""), ClinicalHead(name: "readmitted", kind: .binary, unit: nil, description: ""),
                     ClinicalHead(name: "stay", kind: .continuous, unit: nil, description: "")]
        let data = try MultiTaskData.prepare(sites, heads: heads)
        let west = try #require(data.sites.first { $0.name == "west" })
        #expect((0..<west.trainTargets.rowCount).allSatisfy { !west.trainTargets.isObserved(row: $0, task: 2) && west.trainTargets.isObserved(row: $0, task: 0) })
        let stays = sites.filter { $0.name != "west" }.flatMap { s in (0..<s.train.rowCount).map { s.trainOutcomes?.values[$0 * 2 + 1] ?? .nan } }
        #expect(abs(data.outcomeMeans[2] - stays.reduce(0, +) / Double(stays.count)) < 1e-9)
        #expect(data.outcomeMeans[1] == 0 && data.outcomeScales[1] == 1)
    }

    @Test("refusals name the column: a task that is also a feature, the label or missing, and a constant task")
    func refusals() throws {
        func message(_ features: [String]? = nil, tasks: [String], csv: String = Self.csv) -> String {
            do { _ = try SyntheticClinicalTable.table(csv, features: features, tasks: tasks); return "accepted" } catch { return "\(error)" }
        }
        #expect(message(["age", "stay"], tasks: ["stay"]).contains("'stay' is a task column"))
        #expect(message(tasks: ["outcome"]).contains("'outcome' is the label column"))
        #expect(message(tasks: ["los"]).contains("no task column named 'los'"))
        let constant = Self.csv.replacingOccurrences(of: ",yes,", with: ",no,")
        #expect(message(tasks: ["readmitted"], csv: constant).contains("'readmitted' has one value only"))
        #expect(message(tasks: ["smoker"]).contains("'smoker' is neither two-valued"))
    }
}
