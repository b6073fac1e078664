import GRPCCore
import ConcordData
import ConcordFederation
import ConcordLinkage
import ConcordML
import ConcordPrivacy
import ConcordStorage
import ConcordVertical
import ConcordWire
import Foundation
import Logging
import SwiftProtobuf

/// The vertical job kind's work at a party: finds the rows of the patients its PSI job shared (kept
/// in its store by that job), splits them by the job's seed, standardises its columns on the
/// training rows, and plays its side of ``ConcordVertical/VerticalParty`` through the coordinator.
///
/// Its key pair, each message and each mask are kept in the node's store before anything that
/// depends on them leaves, so a node killed at any moment replays the iterations from what it kept
/// and what it received, and continues with the same weights.
struct VerticalPartner: PartnerJobKind {
    var name: String { VerticalJob.name }

    func check(_ config: NodeConfig) throws(NodeError) {
        guard let source = config.vertical else { return }
        if let path = source.path ?? config.identifiers?.path, !FileManager.default.fileExists(atPath: config.url(path).path) {
            throw NodeError("vertical.path: no file at \(config.url(path).path)", code: .configuration, context: .init(field: "vertical.path"))
        }
        guard !source.features.isEmpty else { throw NodeError("vertical.features: name the feature columns", code: .configuration, context: .init(field: "vertical.features")) }
    }

    /// A party's aligned rows: training and test blocks (standardised on the training rows), labels, and the standardisation.
    struct Rows {
        var train: FeatureBlock, test: FeatureBlock
        var trainLabels: [Double]?, testLabels: [UInt8]?
        var statistics: [(mean: Double, scale: Double)]
    }

    func run<Transport: ClientTransport>(_ session: NodeSession<Transport>, view found: Concord_V2_JobView) async throws -> NodeOutcome {
        let config = session.config, jobID = found.jobID
        guard let source = config.vertical else {
            throw NodeError("job \(jobID) is a vertical job; the node's configuration has no 'vertical' columns", code: .configuration, context: .init(job: jobID, field: "vertical"))
        }
        let details: Concord_V2_VerticalView
        do { details = try Concord_V2_VerticalView(serializedBytes: found.details) } catch {
            throw NodeError("job \(jobID)'s vertical details do not decode", code: .integrity, context: .init(job: jobID), cause: error)
        }
        guard let role = VerticalParty.Role(rawValue: details.role) else { throw NodeError("job \(jobID) gives this node no role", code: .integrity, context: .init(job: jobID)) }
        if role == .labelHolder, source.label == nil {
            throw NodeError("job \(jobID) makes this node the label holder; its configuration names no outcome (vertical.label); nothing was sent",
                            code: .configuration, context: .init(job: jobID, field: "vertical.label"))
        }
        let rows = try await Self.rows(session, details: details, source: source, role: role, jobID: jobID)
        let settings = VerticalSettings(iterations: Int(details.iterations), learningRate: details.learningRate, l2: details.l2,
                                        modulusBits: Int(details.modulusBits), gradientBound: details.gradientBound)
        session.logger.info("vertical: \(rows.train.rows) training and \(rows.test.rows) test rows of PSI job \(details.psiJob)'s shared patients; \(source.features.count) columns; the job's \(role.rawValue) (the other party: \(details.peer))")
        if session.dryRun {
            return session.outcome(jobID: jobID, state: "dry run", disclosure: [
                "dry run for job \(jobID): nothing below was sent",
                "  Upload vertical-key          a \(settings.modulusBits)-bit Paillier public key; \(rows.train.rows + rows.test.rows) aligned rows, \(rows.train.rows) for training, \(rows.train.columns + (role == .labelHolder ? 1 : 0)) columns",
                "  each of \(settings.iterations) steps: \(rows.train.rows) residual shares encrypted under our key; masked sums of our columns under the other's key; our decryptions of the other's masked sums",
                role == .featureHolder ? "  Upload vertical-scores       our partial scores of \(rows.test.rows) test rows, encrypted under the label holder's key" : "  Submit vertical-evaluation   the test ROC-AUC",
                "no feature, label, residual or weight is sent in the clear",
            ])
        }
        var run = Run(session: session, jobID: jobID, role: role, settings: settings)
        return try await run.play(rows: rows, source: source, details: details)
    }

    /// The party's rows of the PSI job's shared patients, split and standardised.
    static func rows<Transport: ClientTransport>(_ session: NodeSession<Transport>, details: Concord_V2_VerticalView, source: NodeConfig.VerticalSource,
                                                 role: VerticalParty.Role, jobID: String) async throws -> Rows {
        let config = session.config
        func failure(_ message: String, _ field: String, cause: (any Error)? = nil) -> NodeError {
            NodeError("job \(jobID): \(message); nothing was sent", code: .configuration, context: .init(job: jobID, field: field), cause: cause)
        }
        guard let data = try await session.store.get(PSIPartner.Kept.shared, job: details.psiJob),
              let shared = try? JSONDecoder().decode(PSIPartner.Shared.self, from: data) else {
            throw failure("this node holds no shared identifiers of PSI job \(details.psiJob) (run it with --reveal-to-sender, with this node's state file)", "psi_job")
        }
        guard let path = source.path ?? config.identifiers?.path else { throw failure("vertical.path names no table (nor does identifiers.path)", "vertical.path") }
        let table: DelimitedTable
        do { table = try DelimitedTable.parse(try Data(contentsOf: config.url(path)), name: path) } catch { throw failure("cannot read \(path)", "vertical.path", cause: error) }
        let normaliser = IdentifierNormaliser(caseInsensitive: shared.caseInsensitive, dateOrder: shared.dateOrder.flatMap(DateOrder.init(rawValue:)))
        func column(_ name: String, _ field: String) throws -> Int {
            do { return try table.column(name) } catch { throw failure("no column '\(name)' in \(path)", field, cause: error) }
        }
        let ids = try (source.idColumns ?? shared.columns).map { try column($0, "vertical.id_columns") }
        let features = try source.features.map { try column($0, "vertical.features") }
        let label = try role == .labelHolder ? source.label.map { try column($0, "vertical.label") } : nil
        var rowOf: [String: Int] = [:]
        for (r, row) in table.rows.enumerated() {
            if let key = normaliser.normalise(fields: ids.map { row[$0] }), rowOf[key] == nil { rowOf[key] = r }
        }
        // The split both parties draw alike (and `concord vertical simulate --split-seed` too).
        let (train, test) = VerticalSplit.trainTest(shared: Array(shared.keys), seed: details.seed, testFraction: details.testFraction)
        func values(_ keys: [String]) throws -> (features: [Double], labels: [Double]) {
            var x: [Double] = [], y: [Double] = []
            x.reserveCapacity(keys.count * features.count)
            for key in keys {
                guard let r = rowOf[key] else { throw failure("a shared identifier of PSI job \(details.psiJob) has no row in \(path) (was the table changed?)", "vertical.path") }
                let line = table.lines[r]
                for (k, c) in features.enumerated() {
                    guard let v = Double(table.rows[r][c].trimmingCharacters(in: .whitespaces)), v.isFinite else {
                        throw failure("\(path) line \(line), column \(source.features[k]): '\(table.rows[r][c])' is not a number", "vertical.features")
                    }
                    x.append(v)
                }
                if let label {
                    let text = table.rows[r][label].trimmingCharacters(in: .whitespaces)
                    y.append(source.positive.map { text == $0 } ?? (Double(text) == 1) ? 1 : 0)
                }
            }
            return (x, y)
        }
        let (trainX, trainY) = try values(train), (testX, testY) = try values(test)
        let trainBlock = try FeatureBlock(rows: train.count, columns: features.count, values: trainX)
        let testBlock = try FeatureBlock(rows: test.count, columns: features.count, values: testX)
        let statistics = trainBlock.standardisation()
        return Rows(train: trainBlock.standardised(statistics), test: testBlock.standardised(statistics),
                    trainLabels: label == nil ? nil : trainY, testLabels: label == nil ? nil : testY.map { UInt8($0) }, statistics: statistics)
    }

    /// One party's run of the protocol.
    struct Run<Transport: ClientTransport> {
        let session: NodeSession<Transport>
        let jobID: String
        let role: VerticalParty.Role
        let settings: VerticalSettings
        var source = SecretSource.system

        var store: any NodeStoring { session.store }
        var peerRole: VerticalParty.Role { role == .labelHolder ? .featureHolder : .labelHolder }

        func kept(_ name: String) async throws -> Data? { try await store.get("vertical/" + name, job: jobID) }
        func keep(_ name: String, _ data: Data) async throws { try await store.put("vertical/" + name, job: jobID, data: data) }

        /// The artifact `name`, once the coordinator publishes it.
        func await(_ name: String, view: inout Concord_V2_JobView) async throws -> Data {
            while !view.artifacts.contains(where: { $0.name == name }) {
                if view.phase == JobPhase.failed.rawValue || view.phase == JobPhase.cancelled.rawValue {
                    _ = try await session.wait(for: .complete, of: VerticalJob.descriptor, job: jobID, view: view)
                }
                view = try await session.next(after: view)
            }
            return try await session.artifact(name, view: view)
        }

        /// Sends `message` as chunk `index` of `upload` unless the coordinator holds it.
        func send(_ upload: String, index: Int, of total: Int, _ message: Data, view: Concord_V2_JobView, summary: String) async throws {
            guard !(view.uploads.first { $0.name == upload }?.held ?? []).contains(UInt32(index)) else { return }
            try await session.upload(upload, [(index, message, summary)], of: total, job: jobID, requireComplete: false)
        }

        /// Sends a message of one ciphertext per row in the job's parts (shares: chunk
        /// `(t − 1)·P + p + 1` of `iterations · P`; scores, `t` = 0: chunk `p` of `P`), skipping
        /// parts the coordinator holds.
        func sendInParts(_ upload: String, iteration t: Int, of iterations: Int, _ whole: Data, parts: VerticalParts,
                         view: Concord_V2_JobView, summary: String) async throws {
            let all = try elements(whole, "own kept message")
            let count = parts.count(all.count)
            let held = Set(view.uploads.first { $0.name == upload }?.held ?? [])
            var chunks: [(Int, Data, String)] = []
            for p in 0..<count {
                let index = VerticalParts.chunk(message: t, part: p, parts: count)
                guard !held.contains(UInt32(index)) else { continue }
                var m = Concord_V2_VerticalMessage()
                m.iteration = UInt32(t)
                m.part = UInt32(p)
                m.elements = Array(all[parts.range(p, of: all.count)])
                chunks.append((index, try m.serializedBytes(), count == 1 ? summary : "\(summary) (part \(p + 1) of \(count))"))
            }
            guard !chunks.isEmpty else { return }
            try await session.upload(upload, chunks, of: t == 0 ? count : iterations * count, job: jobID, requireComplete: false)
        }

        func message(_ iteration: Int, _ elements: [[UInt8]]) throws -> Data {
            var m = Concord_V2_VerticalMessage()
            m.iteration = UInt32(iteration)
            m.elements = elements.map { Data($0) }
            return try m.serializedBytes()
        }

        func elements(_ data: Data, _ what: String) throws -> [Data] {
            do { return try Concord_V2_VerticalMessage(serializedBytes: data).elements } catch {
                throw NodeError("job \(jobID): the other party's \(what) does not decode", code: .integrity, context: .init(job: jobID), cause: error)
            }
        }

        func protocolFailure(_ what: String, _ error: any Error) -> NodeError {
            NodeError("job \(jobID): \(what): \(error)", code: .integrity, context: .init(job: jobID), cause: error)
        }

        mutating func play(rows: Rows, source columns: NodeConfig.VerticalSource, details: Concord_V2_VerticalView) async throws -> NodeOutcome {
            // The key pair, kept before its public half leaves.
            let key: PaillierPrivateKey
            if let data = try await kept("key"), let primes = try? JSONDecoder().decode([Data].self, from: data), primes.count == 2 {
                key = try PaillierPrivateKey(p: primes[0], q: primes[1])
            } else {
                key = try PaillierPrivateKey.generate(modulusBits: settings.modulusBits, using: &source)
                try await keep("key", try JSONEncoder().encode([Data(key.primes.p), Data(key.primes.q)]))
            }
            var view = try await session.wait(for: VerticalJob.keys, of: VerticalJob.descriptor, job: jobID, view: try await session.refreshed(jobID))
            var mine = Concord_V2_VerticalKey()
            mine.modulus = Data(key.publicKey.modulusBytes)
            mine.rows = UInt64(rows.train.rows + rows.test.rows)
            mine.trainRows = UInt64(rows.train.rows)
            mine.columns = UInt32(rows.train.columns + (role == .labelHolder ? 1 : 0))
            if view.phase == VerticalJob.keys.rawValue {
                try await send(VerticalJob.Upload.key, index: 0, of: 1, try mine.serializedBytes(), view: view, summary: "our Paillier public key; \(mine.rows) aligned rows, \(mine.trainRows) for training, \(mine.columns) columns")
            }
            let peerKeyMessage = try Concord_V2_VerticalKey(serializedBytes: try await self.await(VerticalJob.artifact(VerticalJob.Upload.key, role: peerRole.rawValue), view: &view))
            let peerKey = try PaillierPublicKey(modulus: peerKeyMessage.modulus)
            var party = try VerticalParty(role: role, features: rows.train, labels: rows.trainLabels, key: key, peerKey: peerKey,
                                          peerColumns: Int(peerKeyMessage.columns), settings: settings)
            let iterations = settings.iterations
            let parts = VerticalParts(messageBytes: details.maxMessageBytes == 0 ? VerticalJobSpec.defaultMessageBytes : Int(details.maxMessageBytes),
                                      elementBytes: 2 * settings.modulusBits / 8)
            for t in 1...max(1, iterations) where iterations > 0 {
                // 1. Our residual shares, under our key.
                var shares = try await kept("shares/\(t)")
                if shares == nil {
                    let encrypted = try await party.encryptedShares(using: &source)
                    shares = try message(t, encrypted.map(\.bytes))
                    try await keep("shares/\(t)", shares ?? Data())
                }
                view = try await session.refreshed(jobID)
                try await sendInParts(VerticalJob.Upload.shares, iteration: t, of: iterations, shares ?? Data(), parts: parts, view: view,
                                      summary: "step \(t): \(party.rows) residual shares encrypted under our key")
                // 2. Masked sums of our columns on the other's shares, under its key; the masks kept first.
                let peerShares = try elements(try await self.await(VerticalJob.artifact(VerticalJob.Upload.shares, role: peerRole.rawValue, iteration: t), view: &view), "shares")
                    .map { try peerKey.ciphertext($0, fractionalBits: PaillierPublicKey.defaultFractionalBits) }
                var masks: [PaillierMask]
                var masked = try await kept("masked/\(t)")
                if let data = try await kept("masks/\(t)"), masked != nil, let saved = try? JSONDecoder().decode([Data].self, from: data), let bits = saved.first {
                    let fractional = Int(bits.first ?? 0)
                    masks = try saved.dropFirst().map { try PaillierMask(keptBytes: Array($0), fractionalBits: fractional) }
                } else {
                    let products: [(ciphertext: PaillierCiphertext, mask: PaillierMask)]
                    do { products = try await party.maskedProducts(peerShares: peerShares, using: &source) } catch { throw protocolFailure("the other party's shares", error) }
                    masks = products.map(\.mask)
                    let fractional = UInt8(clamping: masks.first?.fractionalBits ?? 0)
                    try await keep("masks/\(t)", try JSONEncoder().encode([Data([fractional])] + masks.map { Data($0.keptBytes) }))
                    masked = try message(t, products.map(\.ciphertext.bytes))
                    try await keep("masked/\(t)", masked ?? Data())
                }
                try await send(VerticalJob.Upload.masked, index: t, of: iterations, masked ?? Data(), view: view, summary: "step \(t): \(masks.count) masked sums of our columns, under the other party's key")
                // 3. Our decryptions of the other's masked sums.
                var plain = try await kept("plain/\(t)")
                if plain == nil {
                    let theirs = try elements(try await self.await(VerticalJob.artifact(VerticalJob.Upload.masked, role: peerRole.rawValue, iteration: t), view: &view), "masked sums")
                        .map { try key.publicKey.ciphertext($0) }
                    let decrypted: [PaillierMaskedPlaintext]
                    do { decrypted = try party.decrypt(theirs) } catch { throw protocolFailure("the other party's masked sums", error) }
                    plain = try message(t, decrypted.map(\.bytes))
                    try await keep("plain/\(t)", plain ?? Data())
                }
                try await send(VerticalJob.Upload.plain, index: t, of: iterations, plain ?? Data(), view: view, summary: "step \(t): our decryptions of the other party's masked sums (still masked)")
                // 4. The other's decryptions of our masked sums: unmask, step.
                let returned = try elements(try await self.await(VerticalJob.artifact(VerticalJob.Upload.plain, role: peerRole.rawValue, iteration: t), view: &view), "decryptions")
                    .map { try PaillierMaskedPlaintext(bytes: Array($0)) }
                do { try party.step(masks: masks, plaintexts: returned) } catch { throw protocolFailure("the other party's decryptions", error) }
                if t % 5 == 0 || t == iterations { session.logger.info("vertical: step \(t) of \(iterations)") }
            }
            view = try await session.wait(for: VerticalJob.scoring, of: VerticalJob.descriptor, job: jobID, view: try await session.refreshed(jobID))
            var lines = ["\(role.rawValue): \(party.weights.count) weights trained over \(rows.train.rows) rows in \(iterations) steps"]
            switch role {
            case .featureHolder:
                let scores = rows.test.times(party.weights)
                var data = try await kept("scores")
                if data == nil {
                    data = try message(0, try await peerKey.encrypt(scores, using: &source).map(\.bytes))
                    try await keep("scores", data ?? Data())
                }
                try await sendInParts(VerticalJob.Upload.scores, iteration: 0, of: 1, data ?? Data(), parts: parts, view: view,
                                      summary: "our partial scores of \(rows.test.rows) test rows, encrypted under the label holder's key")
                view = try await session.wait(for: .complete, of: VerticalJob.descriptor, job: jobID, view: try await session.refreshed(jobID))
            case .labelHolder:
                let theirs = try elements(try await self.await(VerticalJob.artifact(VerticalJob.Upload.scores, role: peerRole.rawValue), view: &view), "test scores")
                    .map { try key.publicKey.ciphertext($0, fractionalBits: PaillierPublicKey.defaultFractionalBits) }
                let partial = try await key.decrypt(theirs)
                let own = rows.test.withIntercept().times(party.weights)
                guard partial.count == own.count, let truth = rows.testLabels else { throw protocolFailure("the test scores", NodeError("\(partial.count) scores for \(own.count) test rows")) }
                let auc = try Metrics.rocAUC(truth: truth, scores: zip(own, partial).map { $0 + $1 })
                var evaluation = Concord_V2_VerticalEvaluation()
                evaluation.testAuc = auc
                evaluation.testRows = UInt64(truth.count)
                evaluation.testPositives = UInt64(truth.filter { $0 == 1 }.count)
                if !view.submissions.contains(VerticalJob.evaluation) {
                    _ = try await session.submit(VerticalJob.evaluation, job: jobID, payload: evaluation, summary: String(format: "the test ROC-AUC %.4f over %d rows", auc, truth.count))
                }
                lines.append(String(format: "test ROC-AUC %.4f on %d rows (%d positive)", auc, truth.count, evaluation.testPositives))
                view = try await session.wait(for: .complete, of: VerticalJob.descriptor, job: jobID, view: try await session.refreshed(jobID))
            }
            if let output = columns.output {
                let names = (role == .labelHolder ? ["(intercept)"] : []) + columns.features
                let model: [String: Any] = [
                    "job": jobID, "role": role.rawValue, "columns": names, "weights": party.weights,
                    "means": (role == .labelHolder ? [0] : []) + rows.statistics.map(\.mean),
                    "scales": (role == .labelHolder ? [1] : []) + rows.statistics.map(\.scale),
                ]
                let url = session.config.url(output)
                try JSONSerialization.data(withJSONObject: model, options: [.prettyPrinted, .sortedKeys]).write(to: url, options: .atomic)
                lines.append("our part of the model is in \(url.path)")
            }
            for line in lines { session.logger.info("\(line)") }
            var outcome = session.outcome(jobID: jobID, state: "complete")
            outcome.summary = lines
            return outcome
        }
    }
}
