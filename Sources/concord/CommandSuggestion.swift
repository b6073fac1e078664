import ArgumentParser

/// "Did you mean 'train'?" for a mistyped subcommand, which ArgumentParser would otherwise report as
/// an unknown option further along the line (`concord trian --input …` → "Unknown option '--input'").
enum CommandSuggestion {
    /// The message for `arguments` (without the program name) when a word where a subcommand is
    /// expected is not one but is close to one; `nil` when the arguments name commands correctly,
    /// or when the word is not close to any command (ArgumentParser's own message then stands).
    static func message(for arguments: [String], root: any ParsableCommand.Type) -> String? {
        var children = subcommands(of: root)
        var path = [root._commandName]
        for word in arguments {
            if word.hasPrefix("-") || children.isEmpty { return nil }
            if let child = children.first(where: { $0.name == word || $0.aliases.contains(word) }) {
                children = subcommands(of: child.type)
                path.append(word)
                continue
            }
            if word == "help" { return nil }
            var names: [String] = ["help"]
            for child in children { names.append(child.name) }
            var best: (name: String, distance: Int)? = nil
            for name in names {
                let d = editDistance(word.lowercased(), name)
                if best == nil || d < (best?.distance ?? .max) { best = (name, d) }
            }
            guard let best, best.distance <= max(1, min(2, best.name.count / 3)) else { return nil }
            return "unknown command '\(word)'. Did you mean '\(best.name)'? (see '\(path.joined(separator: " ")) --help')"
        }
        return nil
    }

    /// The subcommands of `command` with their names and aliases.
    static func subcommands(of command: any ParsableCommand.Type) -> [(name: String, aliases: [String], type: any ParsableCommand.Type)] {
        var result: [(name: String, aliases: [String], type: any ParsableCommand.Type)] = []
        for child in command.configuration.subcommands {
            result.append((child._commandName, child.configuration.aliases, child))
        }
        return result
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and transpositions of
    /// neighbouring characters each cost 1 (so "trian" is 1 from "train").
    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }
}
