import ArgumentParser
import ConcordFederation
import ConcordML
import ConcordReport
import Foundation

extension StudySetCommand {
    /// Refuses the privacy study's options where they mean nothing.
    func validatePrivacy() throws {
        if epsilons != nil {
            guard study == .privacy else { throw ValidationError("--epsilons is for concord study privacy") }
            _ = try epsilonList()
        }
        guard study == .privacy else { return }
        guard shadows >= 2 else { throw ValidationError("--shadows must be at least 2 (the likelihood-ratio attack fits a variance)") }
        guard dataset.task == .classification else {
            throw ValidationError("concord study privacy audits classification federations; --task regression is not audited yet")
        }
    }

    /// The budgets of `--epsilons`, each a positive number.
    func epsilonList() throws -> [Double] {
        guard let epsilons else { return [] }
        return try epsilons.split(separator: ",").map { part in
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let value = Double(text), value > 0, value.isFinite else {
                throw ValidationError("--epsilons takes positive numbers separated by commas, e.g. 1,4,8,16; '\(text)' is not one")
            }
            return value
        }
    }

    /// `concord study privacy`: runs and audits each preset (both poc and default unless `--preset` names one) and writes results.json.
    func privacyStudy() async throws {
        let log = Log(quiet: quiet)
        let modes: [PresetChoice] = federation.presetGiven.map { [$0] } ?? [.poc, .default]
        var first = federation
        first.preset = modes[0]
        let fingerprint = try first.settings().fingerprint
        log("Loading \(dataset.name)\(dataset.ruleNote) …")
        let loaded = try await FederationInput.load(dataset, fingerprint: fingerprint)
        if let skipped = FederationInput.skippedSummary(loaded.skipped) { Log(quiet: false)(skipped) }
        // One pool for both presets: the given one, or ChEMBL + MOSES with poc drawing from MOSES alone (as each preset does alone).
        let source = modes.count == 1 ? first.transferSource : (federation.transfer ?? "chembl+moses")
        log("Loading the public pool (\(source)) …")
        let (pool, preferred) = try FederationInput.pool(transfer: source, smilesColumn: federation.transferSmilesColumn,
                                                         cache: dataset.cache, excludingSet: dataset.moleculeACESet)
        var variants: [PrivacyStudy.Variant] = []
        for mode in modes {
            var options = federation
            options.preset = mode
            var settings = try options.settings()
            settings.singleTeacherStudents = false
            settings.hybrids = false  // the audit attacks what leaves the partners and what the coordinator publishes
            let mosesOnly = mode == .poc && modes.count > 1 && federation.transfer == nil
            variants.append(PrivacyStudy.Variant(mode: mode.rawValue, settings: settings,
                                                 pool: mosesOnly ? Array(pool[min(preferred, pool.count)...]) : pool,
                                                 preferred: mosesOnly ? 0 : preferred))
        }
        for epsilon in try epsilonList() {
            var settings = try federation.settings()  // the preset given, else the default
            settings.singleTeacherStudents = false
            settings.hybrids = false
            settings.transferSelection = .random
            settings.teacherHeads = false
            settings.calibrate = false
            if settings.soft.weighting == .domain { settings.soft.weighting = .none }
            let votes = NoisyVoteSettings(epsilon: epsilon, shardsPerPartner: voteShards, queries: voteQueries)
            settings.transferSize = votes.queries
            settings.noisyVotes = votes
            do { try settings.validate() } catch { throw ValidationError("noisy votes at ε = \(epsilon): \(error)") }
            variants.append(PrivacyStudy.Variant(mode: "noisy-votes", epsilon: epsilon, settings: settings, pool: pool, preferred: preferred))
        }
        let audit = MembershipAudit.Options(shadows: shadows)
        let bar = ProgressBar(quiet: quiet)
        let clock = ContinuousClock(), start = clock.now
        let results = try await PrivacyStudy.run(variants, data: loaded.molecules, seeds: federation.seedList, options: audit, progress: bar.handler)
        let study = PrivacyStudyResults(concordVersion: Concord.configuration.version, dataset: dataset.name, seeds: federation.seedList,
                                        options: audit, variants: results, seconds: (clock.now - start).seconds + loaded.seconds)
        let directory = URL(fileURLWithPath: out, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("results.json")
        try ResultsJSON.encoder().encode(study).write(to: file)
        let report = directory.appendingPathComponent("report.html")
        try HTMLReport.render(study).write(to: report, atomically: true, encoding: .utf8)
        print("privacy on \(dataset.name), seeds \(federation.seedList.map(String.init).joined(separator: ","))")
        for line in Self.privacyTable(study) { print(line) }
        print(String(format: "Total %.1f s. Results: ", study.seconds) + file.path + ", report: " + report.path)
    }

    /// The printed summary: one line per variant, then each partner's AUC / TPR at 1% FPR per artefact and attack (means over seeds).
    static func privacyTable(_ study: PrivacyStudyResults) -> [String] {
        func f(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "–" }
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count + 1), withPad: " ", startingAt: 0) }
        var lines = [pad("mode", 12) + pad("epsilon", 9) + pad("answered", 10) + pad("closure", 9) + pad("student MCC", 13) + pad("worst AUC", 11) + pad("worst TPR@1%FPR", 17)
                     + "chance: worst AUC / TPR@1%FPR"]
        for v in study.variants {
            lines.append(pad(v.mode, 12) + pad(f(v.epsilon), 9) + pad(v.answered.map { String(format: "%.0f", $0) } ?? "–", 10) + pad(f(v.closure), 9) + pad(f(v.studentMCC), 13)
                         + pad(f(v.attack?.auc), 11) + pad(f(v.attack?.tprAt1pctFPR), 17) + "\(f(v.attackChance?.auc)) / \(f(v.attackChance?.tprAt1pctFPR))")
        }
        lines.append("(chance: the same worst case with membership labels permuted, i.e. with no leak at all)")
        let columns: [(AuditedArtefact, MembershipAttack, String)] = [
            (.annotations, .domainDistance, "annot. distance"), (.annotations, .confidence, "annot. confidence"),
            (.consensus, .confidence, "cons. confidence"), (.consensus, .certainty, "cons. certainty"),
            (.student, .loss, "student loss"), (.student, .likelihoodRatio, "student LiRA"),
        ]
        lines.append("")
        lines.append("AUC / TPR@1%FPR per partner (mean over seeds); annotations: domain distance, confidence; consensus: confidence, certainty; student: loss, LiRA")
        lines.append(pad("mode", 10) + pad("partner", 9) + pad("members", 9) + columns.map { pad($0.2, 20) }.joined())
        for v in study.variants {
            let rows = v.meanByPartner
            for partner in rows.map(\.partner).reduce(into: [String](), { if !$0.contains($1) { $0.append($1) } }) {
                let cells = columns.map { c in
                    rows.first { $0.partner == partner && $0.artefact == c.0 && $0.attack == c.1 }.map { String(format: "%.3f / %.3f", $0.auc, $0.tpr) } ?? "–"
                }
                let members = v.breakdown.first { $0.partner == partner }.map { String($0.members) } ?? "–"
                lines.append(pad(v.mode, 10) + pad(partner, 9) + pad(members, 9) + cells.map { pad($0, 20) }.joined())
            }
            for note in v.notes { lines.append("  \(v.mode): \(note)") }
        }
        return lines
    }
}
