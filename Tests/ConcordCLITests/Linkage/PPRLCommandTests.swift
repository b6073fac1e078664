import Foundation
import Testing

@Suite("concord pprl simulate")
struct PPRLCommandTests {
    @Test("links people across typos and date formats, writes the links and reports precision and recall against --truth")
    func linksAcrossTypos() throws {
        let left = try CLI.temporaryFile("left.csv", """
            first,surname,born,sex,postcode,who
            Margaret,Thornton,1948-03-12,f,40213,1
            Jonathan,Whitfield,1962-11-30,m,40227,2
            Aisha,Rahman,1985-07-04,f,50667,3
            Pieter,van Dijk,1971-01-19,m,10115,4
            Sophie,Marchand,1990-09-09,f,20095,5
            Lukas,Brenner,1955-05-25,m,80331,6
            """)
        let right = try CLI.temporaryFile("right.csv", """
            FIRST,SURNAME,BORN,SEX,POSTCODE,who
            Margaret,Thorton,12/03/1948,F,40213,1
            Jonathon,Whitfield,30.11.1962,M,40227,2
            Aisha,Rahman,04/07/1985,F,50667,3
            Pieter,Van  Dijk,19/01/1971,M,10115,4
            Gregor,Hofstetter,02/02/1966,M,70173,7
            Ingrid,Sandvik,15/08/1979,F,30159,8
            """)
        let output = left.deletingLastPathComponent().appendingPathComponent("links.csv")
        let run = try CLI.run(["pprl", "simulate", "--left", left.path, "--right", right.path, "--fields", "first,surname,born,sex,postcode",
                               "--dates", "dmy", "--truth", "who", "--output", output.path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Linked: 4 pairs"), "\(run.stdout)")
        #expect(run.stdout.contains("precision 1.0000, recall 1.0000"), "\(run.stdout)")
        #expect(run.stdout.contains("Compared: 36 pairs of 36 (every pair)"), "\(run.stdout)")
        // With LSH blocking the same four links, from fewer comparisons.
        let blocked = try CLI.run(["pprl", "simulate", "--left", left.path, "--right", right.path, "--fields", "first,surname,born,sex,postcode",
                                   "--dates", "dmy", "--truth", "who", "--blocking", "lsh", "--output", output.path])
        #expect(blocked.status == 0 && blocked.stdout.contains("Linked: 4 pairs") && blocked.stdout.contains("LSH blocking, "), "\(blocked.stdout)\(blocked.stderr)")
        let compared = blocked.stdout.split(separator: "\n").first { $0.hasPrefix("Compared: ") }.flatMap { Int($0.split(separator: " ")[1]) }
        #expect(compared.map { $0 >= 4 && $0 < 36 } == true, "\(blocked.stdout)")
        let bad = try CLI.run(["pprl", "simulate", "--left", left.path, "--right", right.path, "--fields", "first", "--blocking", "sorted", "--output", output.path])
        #expect(bad.status != 0 && bad.stderr.contains("--blocking must be auto, lsh or none"), "\(bad.stderr)")
        let recall = try CLI.run(["pprl", "simulate", "--left", left.path, "--right", right.path, "--fields", "first", "--recall", "1", "--output", output.path])
        #expect(recall.status != 0 && recall.stderr.contains("--recall must lie in (0, 1)"), "\(recall.stderr)")
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.first == "left_line,right_line,similarity")
        #expect(lines.dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") } == ["2,2", "3,3", "4,4", "5,5"])
        let missing = try CLI.run(["pprl", "simulate", "--left", left.path, "--right", right.path, "--fields", "first,nickname",
                                   "--output", output.path])
        #expect(missing.status != 0 && missing.stderr.contains("no column named 'nickname'"), "\(missing.stderr)")
    }
}
