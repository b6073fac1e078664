/// Escaping of text before it enters HTML or inline SVG.
///
/// Every string that comes from data (dataset, partner and model names, settings, study labels)
/// goes through ``HTML/escape(_:)``: the result is safe both as element content and inside a
/// double- or single-quoted attribute value.
enum HTML {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and newline have no business in a report.
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" { out += " " } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// A table cell; `numeric` right-aligns it with tabular figures. `content` must already be HTML.
    static func cell(_ content: String, numeric: Bool = false, header: Bool = false) -> String {
        let tag = header ? "th" : "td"
        return numeric ? "<\(tag) class=\"num\">\(content)</\(tag)>" : "<\(tag)>\(content)</\(tag)>"
    }

    /// A legend entry: a colour swatch (`shape` is a CSS class: "box", "dot", "ring", "line") and an escaped label.
    static func legendKey(_ label: String, colour: String, shape: String = "box", note: String? = nil) -> String {
        let extra = note.map { " <span class=\"muted\">\(escape($0))</span>" } ?? ""
        return "<span class=\"key\"><i class=\"\(shape)\" style=\"--c:\(colour)\"></i>\(escape(label))\(extra)</span>"
    }

    /// A legend row from pre-rendered keys.
    static func legend(_ keys: [String]) -> String {
        keys.isEmpty ? "" : "<div class=\"legend\">\(keys.joined())</div>"
    }

    /// A figure: an optional title (plain text), an optional legend, the chart and a one-sentence caption
    /// (`legend`, `chart` and `caption` must already be HTML).
    static func figure(_ chart: String, title: String? = nil, legend: String = "", caption: String) -> String {
        let heading = title.map { "<div class=\"fig-title\">\(escape($0))</div>" } ?? ""
        return "<figure>\(heading)\(legend)\(chart)<figcaption>\(caption)</figcaption></figure>"
    }

    /// The placeholder shown where data is absent (escaped `message`).
    static func empty(_ message: String) -> String {
        "<p class=\"empty\">\(escape(message))</p>"
    }
}
