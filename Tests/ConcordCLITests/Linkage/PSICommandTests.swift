import Foundation
import Testing

@Suite("concord psi simulate")
struct PSICommandTests {
    @Test("writes the shared identifiers as the left file spells them, matching across case, spacing and date formats")
    func writesTheIntersection() throws {
        let left = try CLI.temporaryFile("left.csv", """
            surname,born,arm
            Müller,03/04/1985,1
            Smith,1970-01-02,0
            O'Brien,12.11.1960,1
            Dubois,,0
            "Le Gall, Jr",1/1/2001,1
            """)
        let right = try CLI.temporaryFile("right.csv", """
            SURNAME,BORN,cd4
            MÜLLER ,1985-04-03,410
            smith,02/01/1970,380
            Nguyen,1990-05-05,500
            "le  gall, jr",01.01.2001,220
            """)
        let output = left.deletingLastPathComponent().appendingPathComponent("shared.csv")
        let run = try CLI.run(["psi", "simulate", "--left", left.path, "--right", right.path, "--id-column", "surname",
                               "--id-column", "born", "--dates", "dmy", "--output", output.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Shared: 3"), "\(run.stdout)")
        #expect(run.stdout.contains("1 row without an identifier skipped (first on line 5)"), "\(run.stdout)")
        #expect(run.stdout.contains("bytes sent"), "\(run.stdout)")
        let written = try String(contentsOf: output, encoding: .utf8)
        let lines = written.split(separator: "\n").map(String.init)
        #expect(lines.first == "surname,born")
        #expect(Set(lines.dropFirst()) == ["Müller,03/04/1985", "Smith,1970-01-02", "\"Le Gall, Jr\",1/1/2001"])

        let count = try CLI.run(["psi", "simulate", "--left", left.path, "--right", right.path, "--id-column", "surname",
                                 "--id-column", "born", "--dates", "dmy", "--cardinality-only"])
        #expect(count.status == 0 && count.stdout.contains("Shared: 3"), "\(count.stdout)\(count.stderr)")
    }

    @Test("refuses a missing column, --output with --cardinality-only and an unknown date order, with reasons")
    func refusals() throws {
        let left = try CLI.temporaryFile("left.csv", "pidnum\n1\n2\n")
        let missing = try CLI.run(["psi", "simulate", "--left", left.path, "--right", left.path, "--id-column", "id", "--output", "/tmp/never.csv"])
        #expect(missing.status != 0 && missing.stderr.contains("the identifier column 'id' is not in the table"), "\(missing.stderr)")
        let both = try CLI.run(["psi", "simulate", "--left", left.path, "--right", left.path, "--id-column", "pidnum",
                                "--cardinality-only", "--output", "/tmp/never.csv"])
        #expect(both.status != 0 && both.stderr.contains("--cardinality-only"), "\(both.stderr)")
        let dates = try CLI.run(["psi", "simulate", "--left", left.path, "--right", left.path, "--id-column", "pidnum",
                                 "--dates", "ddmmyy", "--output", "/tmp/never.csv"])
        #expect(dates.status != 0 && dates.stderr.contains("--dates must be dmy, mdy or ymd"), "\(dates.stderr)")
    }
}
