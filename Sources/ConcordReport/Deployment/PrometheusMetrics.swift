/// The coordinator's jobs as Prometheus metrics, in the text exposition format 0.0.4.
///
/// Every metric family has one `# HELP` and one `# TYPE` line followed by its samples; label values are
/// escaped as the format requires (backslash, double quote and line feed). Job metrics carry a `job` label
/// (the job ID), partner metrics `job` and `partner` labels. Families:
///
/// - `concord_jobs{state}` — jobs per state (every state listed, zeros included);
/// - `concord_job_state{job}` — the job's state number, 1 (created) … 9 (complete), 10 cancelled, 11 failed;
/// - `concord_job_partners{job}`, `concord_job_late_partners{job}` — partners taking part, and missing at a deadline;
/// - `concord_job_last_update_seconds{job}` — Unix time of the job's last change;
/// - `concord_job_threshold{job}` — the student's decision threshold, once calibrated;
/// - `concord_partner_annotation_chunks_received{job,partner}`, `concord_partner_annotation_chunks_total{job,partner}`;
/// - `concord_partner_screening_chunks_received{job,partner}`, `concord_partner_screening_chunks_total{job,partner}` — a screened job only;
/// - `concord_partner_calibration_received{job,partner}`, `concord_partner_evaluation_received{job,partner}` — 0 or 1;
/// - `concord_partner_bytes_received_total{job,partner}` — counter of bytes received from the partner;
/// - `concord_partner_last_seen_seconds{job,partner}` — Unix time the partner was last seen (absent if never);
/// - `concord_partner_contribution{job,partner}` — summed domain weight in the consensus, once federated;
/// - `concord_partner_abstentions{job,partner}` — public molecules the partner declined to annotate, once known.
public enum PrometheusMetrics {
    /// The HTTP `Content-Type` of ``render(jobs:)``'s output.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The metrics of `jobs` (sorted by job ID, partners in job order), ending with a line feed.
    ///
    /// - Parameter jobs: every job the coordinator knows.
    /// - Returns: the exposition text.
    public static func render(jobs: [JobSnapshot]) -> String {
        let jobs = jobs.sorted { $0.jobID < $1.jobID }
        var families: [Family] = []

        var perState = Family("concord_jobs", .gauge, "Jobs known to the coordinator, by state.")
        var counts: [String: Int] = [:]
        var extraStates: [String] = []
        for job in jobs {
            let name = Deployment.stateName(job.stateIndex) ?? (job.state.isEmpty ? "unknown" : job.state)
            if counts[name] == nil, !(1...11).contains(job.stateIndex), !extraStates.contains(name) { extraStates.append(name) }
            counts[name, default: 0] += 1
        }
        for name in (1...11).compactMap(Deployment.stateName) + extraStates {
            perState.add([("state", name)], counts[name] ?? 0)
        }
        families.append(perState)

        var state = Family("concord_job_state", .gauge, "The job's state: 1 created ... 9 complete, 10 cancelled, 11 failed.")
        var partners = Family("concord_job_partners", .gauge, "Partners taking part in the job.")
        var late = Family("concord_job_late_partners", .gauge, "Partners missing at a deadline of the job.")
        var updated = Family("concord_job_last_update_seconds", .gauge, "Unix time of the job's last change.")
        var threshold = Family("concord_job_threshold", .gauge, "The student's decision threshold, once calibrated.")
        var received = Family("concord_partner_annotation_chunks_received", .gauge, "Annotation chunks received from the partner.")
        var total = Family("concord_partner_annotation_chunks_total", .gauge, "Annotation chunks expected from the partner.")
        var screeningReceived = Family("concord_partner_screening_chunks_received", .gauge, "Screening chunks (domain distances on the pool) received from the partner.")
        var screeningTotal = Family("concord_partner_screening_chunks_total", .gauge, "Screening chunks expected from the partner.")
        var calibration = Family("concord_partner_calibration_received", .gauge, "1 once the partner's calibration counts arrived, else 0.")
        var evaluation = Family("concord_partner_evaluation_received", .gauge, "1 once the partner's evaluation report arrived, else 0.")
        var bytes = Family("concord_partner_bytes_received_total", .counter, "Bytes the coordinator received from the partner.")
        var seen = Family("concord_partner_last_seen_seconds", .gauge, "Unix time the coordinator last heard from the partner.")
        var contribution = Family("concord_partner_contribution", .gauge, "The partner's summed domain weight in the consensus.")
        var abstentions = Family("concord_partner_abstentions", .gauge, "Public molecules the partner declined to annotate.")
        for job in jobs {
            let j = [("job", job.jobID)]
            state.add(j, job.stateIndex)
            partners.add(j, job.partners.count)
            late.add(j, job.latePartners.count)
            if job.updatedMs > 0 { updated.add(j, seconds(job.updatedMs)) }
            if let t = job.threshold { threshold.add(j, number(t)) }
            for p in job.partners {
                let jp = j + [("partner", p.name)]
                received.add(jp, p.annotationChunksReceived)
                total.add(jp, p.annotationChunksTotal)
                if p.screeningChunksTotal > 0 {
                    screeningReceived.add(jp, p.screeningChunksReceived)
                    screeningTotal.add(jp, p.screeningChunksTotal)
                }
                calibration.add(jp, p.calibrationReceived ? 1 : 0)
                evaluation.add(jp, p.evaluationReceived ? 1 : 0)
                bytes.add(jp, String(p.bytesReceived))
                if p.lastSeenMs > 0 { seen.add(jp, seconds(p.lastSeenMs)) }
                if let c = p.contribution { contribution.add(jp, number(c)) }
                if let a = p.abstentions { abstentions.add(jp, a) }
            }
        }
        families += [state, partners, late, updated, threshold, received, total, screeningReceived, screeningTotal, calibration, evaluation, bytes, seen, contribution, abstentions]
        return families.map(\.text).joined()
    }

    /// A label value escaped for the exposition format: `\` → `\\`, `"` → `\"`, line feed → `\n`.
    static func escapeLabel(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A `# HELP` text escaped for the exposition format: `\` → `\\`, line feed → `\n`.
    static func escapeHelp(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A float sample value: Swift's shortest round-trip form, or `NaN`, `+Inf`, `-Inf`.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        return "\(value)"
    }

    /// Unix milliseconds as seconds, exactly (e.g. 1710408413123 → "1710408413.123").
    static func seconds(_ ms: Int64) -> String {
        let whole = ms / 1000, rest = Int((ms % 1000).magnitude)
        if rest == 0 { return String(whole) }
        var fraction = String(rest)
        fraction = String(repeating: "0", count: 3 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return (ms < 0 && whole == 0 ? "-0" : String(whole)) + "." + fraction
    }

    /// One metric family: its name, type, help text and samples.
    struct Family {
        enum Kind: String { case gauge, counter }
        let name: String
        let kind: Kind
        let help: String
        var samples: [String] = []

        init(_ name: String, _ kind: Kind, _ help: String) { self.name = name; self.kind = kind; self.help = help }

        mutating func add(_ labels: [(String, String)], _ value: String) {
            let pairs = labels.map { "\($0.0)=\"\(PrometheusMetrics.escapeLabel($0.1))\"" }.joined(separator: ",")
            samples.append(pairs.isEmpty ? "\(name) \(value)" : "\(name){\(pairs)} \(value)")
        }

        mutating func add(_ labels: [(String, String)], _ value: Int) { add(labels, String(value)) }

        var text: String {
            "# HELP \(name) \(PrometheusMetrics.escapeHelp(help))\n# TYPE \(name) \(kind.rawValue)\n"
                + samples.map { $0 + "\n" }.joined()
        }
    }
}
