public import Foundation

/// One point of a study curve: a setting (`x`, with a label) and a metric's mean and 95% interval over seeds and repeats.
public struct StudyPoint: Sendable, Hashable, Codable {
    public var series: String
    public var x: Double
    public var label: String
    public var mean: Double
    public var lower: Double
    public var upper: Double
    public var samples: Int
    public init(series: String, x: Double, label: String, mean: Double, lower: Double, upper: Double, samples: Int) {
        self.series = series; self.x = x; self.label = label; self.mean = mean; self.lower = lower; self.upper = upper; self.samples = samples
    }
}

/// Everything `concord study …` writes to `results.json`.
public struct StudyResults: Sendable, Hashable, Codable {
    public var concordVersion: String
    /// "teacher-count", "student-size", "selection" or "domain".
    public var study: String
    public var dataset: String
    public var preset: String
    public var seeds: [UInt64]
    /// The metric on the y axis, e.g. "mcc".
    public var metric: String
    /// What the x axis is, in words.
    public var xLabel: String
    public var points: [StudyPoint]
    /// Extra rows the study reports (for the domain study: per partner counts), as column → value text.
    public var table: [[String: String]]
    public var timingsS: StageTimings

    enum CodingKeys: String, CodingKey {
        case study, dataset, preset, seeds, metric, points, table
        case concordVersion = "concord_version", xLabel = "x_label", timingsS = "timings_s"
    }

    public init(concordVersion: String, study: String, dataset: String, preset: String, seeds: [UInt64], metric: String,
                xLabel: String, points: [StudyPoint], table: [[String: String]], timingsS: StageTimings) {
        self.concordVersion = concordVersion; self.study = study; self.dataset = dataset; self.preset = preset
        self.seeds = seeds; self.metric = metric; self.xLabel = xLabel; self.points = points; self.table = table; self.timingsS = timingsS
    }
}

/// The JSON coding of results: sorted keys, pretty-printed (every type declares its snake-case keys).
public enum ResultsJSON {
    /// A pretty-printing encoder with sorted keys; non-finite numbers are not allowed (undefined metrics are `nil`).
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }

    /// The matching decoder.
    public static func decoder() -> JSONDecoder { JSONDecoder() }
}
