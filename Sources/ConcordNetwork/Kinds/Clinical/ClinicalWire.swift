import ConcordClinical
import ConcordML
import ConcordWire
import Foundation

/// The clinical kind's payload messages to and from ConcordClinical's values.
enum ClinicalWire {
    /// The grid every site evaluates the final model on (thresholds 0, 0.01, …, 1; 1,000 bins).
    static let grid = EvaluationGrid.standard

    /// A site's feature summaries as it sends them.
    static func summary(_ summaries: [FeatureSummary], rows: Int, positives: Int, harmonisation: HarmonisationSummary? = nil) -> Concord_V2_ClinicalSummary {
        var out = Concord_V2_ClinicalSummary()
        if let h = harmonisation {
            var m = Concord_V2_ClinicalHarmonisation()
            m.rowsRead = UInt64(max(0, h.rowsRead)); m.rowsKept = UInt64(max(0, h.rowsKept))
            m.problemsByColumn = h.problemsByColumn.mapValues { UInt64(max(0, $0)) }
            m.missingByVariable = h.missingByVariable.mapValues { UInt64(max(0, $0)) }
            m.unusedColumns = h.unusedColumns; m.absentOptionalVariables = h.absentOptionalVariables
            out.harmonisation = m
        }
        out.rows = UInt64(max(0, rows))
        out.positives = UInt64(max(0, positives))
        out.features = summaries.map { s in
            var f = Concord_V2_FeatureSummaryPayload()
            f.count = UInt64(max(0, s.count)); f.missing = UInt64(max(0, s.missing)); f.mean = s.mean; f.m2 = s.m2
            return f
        }
        return out
    }

    /// A received summary's harmonisation counts under the site's name (nil when it sent none).
    static func harmonisation(_ summary: Concord_V2_ClinicalSummary, site: String) -> HarmonisationSummary? {
        guard summary.hasHarmonisation else { return nil }
        let h = summary.harmonisation
        return HarmonisationSummary(site: site, rowsRead: Int(clamping: h.rowsRead), rowsKept: Int(clamping: h.rowsKept),
                                    problemsByColumn: h.problemsByColumn.mapValues { Int(clamping: $0) }, missingByVariable: h.missingByVariable.mapValues { Int(clamping: $0) },
                                    unusedColumns: h.unusedColumns, absentOptionalVariables: h.absentOptionalVariables)
    }

    /// A received summary's features (checked by the coordinator before it was stored).
    static func summaries(_ payload: Concord_V2_ClinicalSummary) -> [FeatureSummary] {
        payload.features.map { FeatureSummary(count: Int(clamping: $0.count), missing: Int(clamping: $0.missing), mean: $0.mean, m2: $0.m2) }
    }

    /// A site's update for `round`, with the global model's loss on its validation rows.
    static func update(_ u: ClientUpdate, round: Int, globalLoss: DenseLossSum) -> Concord_V2_ClinicalUpdate {
        var out = Concord_V2_ClinicalUpdate()
        out.round = UInt32(round)
        out.parameters = u.parameters
        out.sampleCount = UInt64(max(0, u.sampleCount))
        if let loss = u.validationLoss { out.validationLoss = loss }
        out.controlDelta = u.controlDelta ?? []
        out.globalLossSum = globalLoss.sum
        out.globalLossRows = UInt64(max(0, globalLoss.rows))
        return out
    }

    /// A received update as the strategy takes it (site `site`; checked before it was stored).
    static func clientUpdate(_ payload: Concord_V2_ClinicalUpdate, site: Int) -> ClientUpdate {
        ClientUpdate(site: site, parameters: payload.parameters, sampleCount: Int(clamping: payload.sampleCount),
                     validationLoss: payload.hasValidationLoss ? payload.validationLoss : nil,
                     controlDelta: payload.controlDelta.isEmpty ? nil : payload.controlDelta)
    }

    /// A site's evaluation counts as it sends them: on its test rows, and on its validation rows
    /// (whose loss sum is the last round's federated validation loss).
    static func evaluation(_ c: EvaluationCounts, validation v: EvaluationCounts) -> Concord_V2_ClinicalEvaluation {
        func wire(_ counts: [ConfusionCounts]) -> [Concord_V2_Confusion] {
            counts.map { k in
                var m = Concord_V2_Confusion()
                m.tp = UInt64(max(0, k.truePositives)); m.fp = UInt64(max(0, k.falsePositives))
                m.tn = UInt64(max(0, k.trueNegatives)); m.fn = UInt64(max(0, k.falseNegatives))
                return m
            }
        }
        var out = Concord_V2_ClinicalEvaluation()
        out.confusion = wire(c.confusion)
        out.positiveHistogram = c.positiveHistogram.map { UInt64(max(0, $0)) }
        out.negativeHistogram = c.negativeHistogram.map { UInt64(max(0, $0)) }
        out.lossSum = c.loss.sum
        out.lossRows = UInt64(max(0, c.loss.rows))
        out.validationConfusion = wire(v.confusion)
        out.validationPositiveHistogram = v.positiveHistogram.map { UInt64(max(0, $0)) }
        out.validationNegativeHistogram = v.negativeHistogram.map { UInt64(max(0, $0)) }
        out.validationLossSum = v.loss.sum
        out.validationLossRows = UInt64(max(0, v.loss.rows))
        return out
    }

    /// A received evaluation's validation counts, checked against the grid.
    /// - Throws: ``FederatedLearningError`` when they do not fit the grid or are not possible.
    static func validationCounts(_ payload: Concord_V2_ClinicalEvaluation, grid: EvaluationGrid) throws(FederatedLearningError) -> EvaluationCounts {
        var view = Concord_V2_ClinicalEvaluation()
        view.confusion = payload.validationConfusion
        view.positiveHistogram = payload.validationPositiveHistogram
        view.negativeHistogram = payload.validationNegativeHistogram
        view.lossSum = payload.validationLossSum
        view.lossRows = payload.validationLossRows
        return try counts(view, grid: grid)
    }

    /// A received evaluation's counts, checked against the grid.
    /// - Throws: ``FederatedLearningError`` when the counts do not fit the grid or are not possible.
    static func counts(_ payload: Concord_V2_ClinicalEvaluation, grid: EvaluationGrid) throws(FederatedLearningError) -> EvaluationCounts {
        func int(_ x: UInt64) throws(FederatedLearningError) -> Int {
            guard x <= ClinicalLimits.maximumRows else { throw FederatedLearningError(.invalidOption, "a count of more than \(ClinicalLimits.maximumRows) rows") }
            return Int(x)
        }
        var confusion: [ConfusionCounts] = []
        for m in payload.confusion {
            confusion.append(ConfusionCounts(truePositives: try int(m.tp), falsePositives: try int(m.fp), trueNegatives: try int(m.tn), falseNegatives: try int(m.fn)))
        }
        var positive: [Int] = [], negative: [Int] = []
        for x in payload.positiveHistogram { positive.append(try int(x)) }
        for x in payload.negativeHistogram { negative.append(try int(x)) }
        let counts = try EvaluationCounts(grid: grid, confusion: confusion, positiveHistogram: positive, negativeHistogram: negative,
                                          loss: DenseLossSum(sum: payload.lossSum, rows: try int(payload.lossRows)))
        // Every threshold counts the same rows, and the histograms count them once more.
        let rows = positive.reduce(0, +) + negative.reduce(0, +)
        guard counts.loss.rows == rows, confusion.allSatisfy({ $0.total == rows }), counts.loss.sum >= 0 else {
            throw FederatedLearningError(.lengthMismatch, "the counts disagree on the number of test rows", context: .init(expected: rows, found: counts.loss.rows))
        }
        return counts
    }

    /// A global model as a round's artifact.
    static func roundModel(round: Int, state: StrategyState, participants: [Int], controls: Bool) -> Concord_V2_ClinicalRoundModel {
        var out = Concord_V2_ClinicalRoundModel()
        out.round = UInt32(round)
        out.parameters = state.parameters
        if controls { out.control = state.control }
        out.participants = participants.map { UInt32($0) }
        return out
    }
}

/// The coordinator's whole state of a clinical job between rounds, stored as one artifact: the
/// ``FederatedServer`` and the open round's sites and opening time.
struct ClinicalServerRecord: Codable, Sendable {
    /// The rounds so far and the strategy's state.
    var server: FederatedServer
    /// The sites asked to train in the open round.
    var participants: [Int]
    /// When the open round opened (Unix ms; its deadline is measured from here).
    var roundOpenedMs: Int64
    /// Each site's training rows, from its summary (nil for a site that sent none).
    var trainingRows: [Int?]
    /// Each site's positive training rows, from its summary.
    var trainingPositives: [Int?] = []

    /// The round open for updates (``FederatedServer/openRound``; the last round's validation loss
    /// comes with its updates).
    var openRound: Int? { server.openRound }

    /// The record as stored.
    func encoded() throws -> Data { try StoredJSON.encode(self) }

    init(server: FederatedServer, participants: [Int], roundOpenedMs: Int64, trainingRows: [Int?]) {
        self.server = server; self.participants = participants; self.roundOpenedMs = roundOpenedMs; self.trainingRows = trainingRows
    }

    init(decoding data: Data) throws { self = try StoredJSON.decode(Self.self, from: data) }
}

/// How the clinical kind stores its records as artifacts: JSON with sorted keys, a double in its
/// shortest form that reads back exactly, and NaN and infinities (a round without a loss) as strings.
enum StoredJSON {
    static func encode(_ value: some Encodable) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try e.encode(value)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws -> Value {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try d.decode(type, from: data)
    }
}
