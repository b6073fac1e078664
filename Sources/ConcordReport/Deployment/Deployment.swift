import ConcordFederation

/// What the deployment pages share: the job's states, the reported models, colours and link paths.
enum Deployment {
    /// The states of a job's normal life, 1 (created) … 9 (complete), as the coordinator numbers them.
    static let stateNames = ["created", "transfer set distributed", "annotations collected", "federated", "student trained",
                             "threshold calibrated", "student published", "evaluations collected", "complete"]
    static let complete = 9
    static let cancelled = 10
    static let failed = 11

    /// The name of the state at `index` (1 … 11), or `nil` for a number outside the protocol.
    static func stateName(_ index: Int) -> String? {
        switch index {
        case 1...9: stateNames[index - 1]
        case cancelled: "cancelled"
        case failed: "failed"
        default: nil
        }
    }

    /// Whether the job ended without completing.
    static func stopped(_ job: JobSnapshot) -> Bool { job.stateIndex == cancelled || job.stateIndex == failed }

    /// The CSS class of the job's state chip: "ok" (complete), "bad" (cancelled, failed) or "run".
    static func stateClass(_ job: JobSnapshot) -> String {
        job.stateIndex == complete ? "ok" : stopped(job) ? "bad" : "run"
    }

    /// The job's state in words: the snapshot's own words, else the protocol's name of its number.
    static func stateLabel(_ job: JobSnapshot) -> String {
        job.state.isEmpty ? stateName(job.stateIndex) ?? "state \(job.stateIndex)" : job.state
    }

    /// The models partners report on, in report order: student, teacher, hybrid, then any other model
    /// in order of first appearance.
    static func models(_ job: JobSnapshot) -> [String] {
        var names = ["student", "teacher", "hybrid"]
        for p in job.partners { for m in p.metrics where !names.contains(m.model) { names.append(m.model) } }
        return names
    }

    /// The colour of a reported model: the role colours of the simulation report for student, teacher and hybrid.
    static func colour(model: String, in models: [String]) -> String {
        switch model {
        case "student": Palette.role(.student)
        case "teacher": Palette.role(.teacher)
        case "hybrid": Palette.role(.hybrid)
        case "deployed": Palette.role(.deployed)
        default: Palette.series(4 + (models.firstIndex(of: model) ?? 0))
        }
    }

    /// What a partner reported for `model` (the first report when there are several).
    static func reported(_ partner: PartnerSnapshot, _ model: String) -> PartnerSnapshot.ReportedMetrics? {
        partner.metrics.first { $0.model == model }
    }

    /// `text` as one URL path segment: unreserved characters kept, every other UTF-8 byte percent-encoded.
    static func pathSegment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
            }
        }
        return out
    }

    /// A progress meter (0 … 1) in the shared `.meter` style, in `colour`.
    static func meter(_ fraction: Double, colour: String, wide: Bool = false) -> String {
        let f = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        return "<span class=\"meter\(wide ? " wide" : "")\"><span style=\"width:\(Format.fixed(f * 100, 1))%;--c:\(colour)\"></span></span>"
    }

    /// Extra CSS of the deployment pages: state chips, the state stepper, job cards and the privacy note.
    static let style = """
    .chip{display:inline-block;padding:1px 10px;border-radius:999px;font-size:12px;font-weight:650;vertical-align:middle;letter-spacing:.02em;background:#e6f0f8;color:#0b5c91;border:1px solid #bcd6ea}
    .chip.ok{background:#e3f4ec;color:#0b6b47;border-color:#b5e0cb}
    .chip.bad{background:#fde8e8;color:#b42318;border-color:#f6c2c0}
    h1 .chip,h2 .chip{margin-left:10px}
    .privacy{margin:0 0 16px;padding:10px 14px;border-left:4px solid #009E73;background:#effaf5;border-radius:8px;max-width:72em}
    .callout.bad{background:#fde8e8;border-left-color:#b42318}
    .meter.wide{width:110px;margin:0 8px 0 0}
    .sha{font-family:ui-monospace,"SF Mono",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12px;font-weight:500;overflow-wrap:anywhere}
    ol.stepper{list-style:none;display:flex;flex-wrap:wrap;gap:4px;padding:0;margin:14px 0 16px;counter-reset:step}
    ol.stepper li{flex:1 1 0;min-width:92px;padding:6px 8px 7px;border-radius:6px;background:#eef1f4;color:var(--subtle);font-size:11.5px;line-height:1.3;border-top:4px solid #d5dbe2;counter-increment:step}
    ol.stepper li::before{content:counter(step);display:block;font-weight:700;font-size:11px;opacity:.75}
    ol.stepper li.done{background:#e3f4ec;color:#0b6b47;border-top-color:#009E73}
    ol.stepper li.current{background:#0072B2;color:#fff;border-top-color:#004b76;font-weight:650}
    ol.stepper li.stop{background:#b42318;color:#fff;border-top-color:#7a1710;font-weight:650}
    ol.stepper li.stop::before{content:"✕"}
    .ok-mark{color:#0b6b47;font-weight:700}
    .wait-mark{color:var(--subtle)}
    .report-link{display:inline-block;margin-top:12px;padding:6px 14px;border-radius:6px;background:#0072B2;color:#fff;text-decoration:none;font-weight:600}
    .report-link:hover{background:#005a8c}
    .job-meta{color:var(--subtle);font-size:12.5px;margin:2px 0 0}
    ul.late{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:6px 22px;font-weight:600}
    table.events td{white-space:normal;overflow-wrap:anywhere}
    table.events td.num{white-space:nowrap;width:12em}
    @media print{ol.stepper li{border:1px solid #cdd3da}.report-link{display:none}}
    """
}
