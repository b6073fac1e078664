import ConcordFederation
import ConcordChem
import ConcordML
import ConcordReport
import ConcordStorage
import ConcordWire
import SwiftProtobuf
import Foundation
import Logging

extension DistillationCoordinator {
    /// Moves a distillation job on from its phase, as far as its inputs allow.
    public func advance(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        let spec = try Self.spec(context.job.spec)
        let settings = try DistillationJobSettings(spec)
        switch JobPhase(context.job.phase) {
        case .created: return try await drawTransfer(spec, settings, context)
        case DistillationJob.screening: return try await chooseTransfer(spec, settings, context)
        case DistillationJob.transferReady: return try await collectAnnotations(spec, context)
        case DistillationJob.annotationsCollected: return try await federate(spec, settings, context)
        case DistillationJob.federated: return try await trainStudent(spec, settings, context)
        case DistillationJob.studentTrained: return try await calibrate(spec, context)
        case DistillationJob.thresholdCalibrated: return [JobTransition(DistillationJob.studentPublished, "student published; waiting for evaluations")]
        case DistillationJob.studentPublished: return try await collectEvaluations(spec, context)
        case DistillationJob.evaluationsCollected: return try await writeReport(context)
        default: return []
        }
    }

    /// Draws the transfer set, or the pool partners screen when the job screens one.
    private func drawTransfer(_ spec: DistillationJobSpec, _ settings: DistillationJobSettings, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        let pool: (smiles: [String], preferred: Int)
        do { pool = try await transferSource(spec.transferSource) }
        catch { throw CoordinatorRefusal(.failedPrecondition, "transfer source '\(spec.transferSource)'", context: .init(job: context.job.id, field: "transfer_source"), cause: error) }
        let screened = spec.screenPool > 0
        let drawn = await TransferSet.sample(pool: pool.smiles, size: Int(screened ? spec.screenPool : spec.transferSize), excluding: [],
                                             options: settings.fingerprint, seed: SeedTree(spec.seed).stage(.transfer).seed,
                                             preferred: pool.preferred, parallelism: context.parallelism)
        guard drawn.count >= 2 else {
            throw CoordinatorRefusal(.failedPrecondition, "the transfer source yielded \(drawn.count) usable molecules", context: .init(job: context.job.id))
        }
        let skipped = "\(drawn.unparsable) unparsable and \(drawn.duplicates) duplicates skipped"
        if screened && drawn.count > Int(spec.transferSize) {
            try await store(drawn, as: Artifact.screening, context)
            return [JobTransition(DistillationJob.screening, "waiting for screenings of \(drawn.count) public molecules (\(skipped))")]
        }
        return try await publish(drawn, context, note: screened ? "; the pool held no more than the transfer size, so nothing was screened" : "", skipped: skipped)
    }

    /// Chooses the transfer set from the pool once enough partners screened it.
    private func chooseTransfer(_ spec: DistillationJobSpec, _ settings: DistillationJobSettings, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        guard let poolSize = try await screeningCount(context.job.id, store: context.store) else {
            throw CoordinatorRefusal(.internalError, "the screening pool is missing", context: .init(job: context.job.id))
        }
        let (complete, waiting) = try await completeUploaders(DistillationJob.Upload.screening, size: poolSize, context)
        guard context.mayProceed(done: complete.count, of: complete.count + waiting.count, quorum: spec.quorum, deadlineS: spec.collectionDeadlineS) else {
            let text = "waiting for screenings from \(waiting.joined(separator: ", "))"
            return text == context.job.message ? [] : [JobTransition(DistillationJob.screening, text)]
        }
        var screenings: [Screening] = []
        for partner in complete.sorted() {
            let chunks = try await context.uploads(DistillationJob.Upload.screening, partner: partner)
                .compactMap { try? Concord_V2_ScreeningPayload(serializedBytes: $0.payload) }
            do { screenings.append(try Chunking.assemble(partner: partner, screeningChunks: chunks, poolSize: poolSize)) }
            catch { throw CoordinatorRefusal(.failedPrecondition, "assembling screenings", context: .init(job: context.job.id, partner: partner), cause: error) }
        }
        let pool = try await molecules(Artifact.screening, context, settings: settings)
        let rows: [Int]
        do {
            rows = try DomainSelection.choose(screenings, size: Int(spec.transferSize), domainFraction: spec.domainFraction,
                                              seed: SeedTree(spec.seed).stage(.screening).seed)
        } catch { throw CoordinatorRefusal(.failedPrecondition, "domain selection", context: .init(job: context.job.id), cause: error) }
        let byDomain = Int((Double(spec.transferSize) * spec.domainFraction).rounded())
        return try await publish(pool.subset(rows), context,
                                 note: "; chosen from \(poolSize) screened by \(screenings.count) partners (\(byDomain) nearest their domains, the rest at random)",
                                 skipped: nil)
    }

    /// Stores the transfer set and opens the annotation phase.
    private func publish(_ transfer: TransferSet, _ context: CoordinatorJobContext, note: String, skipped: String?) async throws(CoordinatorRefusal) -> [JobTransition] {
        try await store(transfer, as: Artifact.transfer, context)
        return [JobTransition(DistillationJob.transferReady,
                              "waiting for annotations of \(transfer.count) public molecules" + (skipped.map { " (\($0))" } ?? "") + note)]
    }

    /// Closes the annotation phase once every partner, or a quorum at the deadline, annotated.
    private func collectAnnotations(_ spec: DistillationJobSpec, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        let size = try await transferCount(context.job.id, store: context.store) ?? 0
        let (complete, missing) = try await completeUploaders(DistillationJob.Upload.annotation, size: size, context)
        guard context.mayProceed(done: complete.count, of: complete.count + missing.count, quorum: spec.quorum, deadlineS: spec.collectionDeadlineS) else {
            let text = "waiting for annotations from \(missing.joined(separator: ", "))"
            return text == context.job.message ? [] : [JobTransition(DistillationJob.transferReady, text)]
        }
        return [JobTransition(DistillationJob.annotationsCollected, missing.isEmpty ? "all \(complete.count) partners annotated"
                              : "annotation deadline passed: federating \(complete.count) partners; late: \(missing.joined(separator: ", "))")]
    }

    /// Federates the annotations into the consensus, as the simulation's task does (``DistillationTask/federate(_:transfer:settings:seeds:)``).
    private func federate(_ spec: DistillationJobSpec, _ settings: DistillationJobSettings, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        let transfer = try await molecules(Artifact.transfer, context, settings: settings)
        let seeds = SeedTree(spec.seed)
        let record: ConsensusRecord, scheme: String
        switch settings {
        case .classification(let choices):
            let annotations = try await collectedAnnotations(context, transferSize: transfer.count)
            do {
                guard let consensus = try await ClassificationTask.federate(annotations, transfer: transfer, settings: choices, seeds: seeds).consensus[choices.scheme] else {
                    throw FederationError.invalidSetting("the \(choices.scheme.rawValue) consensus was not computed", field: "scheme")
                }
                record = ConsensusRecord(partners: consensus.partners, probabilities: consensus.probabilities,
                                         contributions: consensus.contributions, abstentions: annotations.map(\.abstentionCount))
            } catch { throw CoordinatorRefusal(.failedPrecondition, "federation", context: .init(job: context.job.id), cause: error) }
            scheme = choices.scheme.rawValue
        case .regression(let choices):
            let annotations = try await collectedRegressionAnnotations(context, transferSize: transfer.count)
            do {
                guard let consensus = try await RegressionTask.federate(annotations, transfer: transfer, settings: choices, seeds: seeds).consensus[choices.scheme] else {
                    throw FederationError.invalidSetting("the \(choices.scheme.rawValue) consensus was not computed", field: "scheme")
                }
                record = ConsensusRecord(partners: consensus.partners, probabilities: [], contributions: consensus.contributions,
                                         abstentions: annotations.map(\.abstentionCount), values: consensus.values, spreads: consensus.spreads)
            } catch { throw CoordinatorRefusal(.failedPrecondition, "federation", context: .init(job: context.job.id), cause: error) }
            scheme = "regression, " + choices.scheme.rawValue
        }
        let data = record.encoded()
        try await context.put(ArtifactRecord(name: Artifact.consensus, data: data, sha256: Digests.sha256(data)))
        return [JobTransition(DistillationJob.federated, "consensus of \(record.partners.count) partners (\(scheme))")]
    }

    /// Selects the student's molecules from the consensus and trains it.
    private func trainStudent(_ spec: DistillationJobSpec, _ settings: DistillationJobSettings, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        let transfer = try await molecules(Artifact.transfer, context, settings: settings)
        guard let record = try await consensusRecord(context) else {
            throw CoordinatorRefusal(.internalError, "the stored consensus is missing or unreadable", context: .init(job: context.job.id))
        }
        let trained: (selection: Concord_V2_StudentSelection, model: Data, note: String)
        switch settings {
        case .classification(let choices):
            trained = try await trainClassifier(spec, choices, record: record, transfer: transfer, context)
        case .regression(let choices):
            trained = try await trainRegressor(spec, choices, record: record, transfer: transfer, context)
        }
        let selectionData: Data
        do { selectionData = try trained.selection.serializedBytes() }
        catch { throw CoordinatorRefusal(.internalError, "encoding the student", context: .init(job: context.job.id), cause: error) }
        try await context.put(ArtifactRecord(name: Artifact.selection, data: selectionData, sha256: Digests.sha256(selectionData)))
        try await context.put(ArtifactRecord(name: Artifact.student, data: trained.model, sha256: Digests.sha256(trained.model)))
        if settings.task == .regression {
            return [JobTransition(DistillationJob.studentTrained, trained.note),
                    JobTransition(DistillationJob.studentPublished, "published (a regressor: no threshold to calibrate)")]
        }
        guard case .classification(let choices) = settings, choices.calibrate else {
            return [JobTransition(DistillationJob.studentTrained, trained.note),
                    JobTransition(DistillationJob.studentPublished, "published with threshold 0.5 (no calibration)", threshold: 0.5)]
        }
        return [JobTransition(DistillationJob.studentTrained, trained.note + "; waiting for calibration counts")]
    }

    /// A classification job's student: selected from the consensus probabilities, trained on labels or soft labels.
    private func trainClassifier(_ spec: DistillationJobSpec, _ choices: SimulationSettings, record: ConsensusRecord, transfer: TransferSet,
                                 _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> (selection: Concord_V2_StudentSelection, model: Data, note: String) {
        let consensus = Consensus(scheme: choices.scheme, partners: record.partners, probabilities: record.probabilities,
                                  contributions: record.contributions)
        // Teacher heads learn from each partner's annotation, which the coordinator holds already.
        // Only the partners the consensus was federated from (a late annotation after a quorum is not among them).
        let annotations = choices.teacherHeads || choices.soft.weighting == .domain
            ? try await collectedAnnotations(context, transferSize: transfer.features.rowCount).filter { consensus.partners.contains($0.partner) } : []
        var artifact = Concord_V2_StudentSelection()
        do {
            let (selection, model) = try await ClassificationTask.distil(consensus, annotations: annotations, transfer: transfer.features, settings: choices,
                                                                         seeds: SeedTree(spec.seed), parallelism: context.parallelism)
            artifact.rows = selection.rows.map { UInt32($0) }
            artifact.labels = selection.labels.map { UInt32($0) }
            artifact.probabilities = selection.rows.map { consensus.probabilities[$0] }
            let note = "student trained on \(selection.rows.count) molecules (\(selection.actives) active)" + (selection.shortfall.map { "; \($0)" } ?? "")
            return (artifact, try StudentCodec.encode(model), note)
        } catch { throw CoordinatorRefusal(.failedPrecondition, "student", context: .init(job: context.job.id), cause: error) }
    }

    /// A regression job's student: selected from the consensus values (as the simulation's
    /// ``RegressionTask`` selects, with the same seeds), trained as a regressor on them.
    private func trainRegressor(_ spec: DistillationJobSpec, _ choices: RegressionSettings, record: ConsensusRecord, transfer: TransferSet,
                                _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> (selection: Concord_V2_StudentSelection, model: Data, note: String) {
        guard let values = record.values, let spreads = record.spreads, values.count == transfer.count, spreads.count == values.count else {
            throw CoordinatorRefusal(.internalError, "the stored consensus holds no values for the transfer set", context: .init(job: context.job.id))
        }
        let consensus = RegressionConsensus(scheme: choices.scheme, partners: record.partners, values: values, spreads: spreads,
                                            contributions: record.contributions)
        var artifact = Concord_V2_StudentSelection()
        do {
            let (selection, model) = try await RegressionTask.distil(consensus, annotations: [], transfer: transfer.features, settings: choices,
                                                                     seeds: SeedTree(spec.seed), parallelism: context.parallelism)
            artifact.rows = selection.rows.map { UInt32($0) }
            artifact.values = selection.values
            let note = "regression student trained on \(selection.rows.count) molecules (mean consensus spread \(String(format: "%.3f", selection.meanSpread)))"
                + (selection.shortfall.map { "; \($0)" } ?? "")
            return (artifact, try StudentCodec.encode(regressor: model), note)
        } catch { throw CoordinatorRefusal(.failedPrecondition, "student", context: .init(job: context.job.id), cause: error) }
    }

    /// Chooses the threshold from the participants' summed counts.
    private func calibrate(_ spec: DistillationJobSpec, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        let participants = try await participants(context)
        let received = try await context.submissions(DistillationJob.Submission.calibration)
        let have = Set(received.map(\.partner))
        guard participants.allSatisfy(have.contains) || (context.deadlinePassed(seconds: spec.finalDeadlineS) && !have.isEmpty) else { return [] }
        var parts: [ThresholdCounts] = [], names: [String] = []
        for item in received where participants.contains(item.partner) {
            guard let message = try? Concord_V2_CalibrationCounts(serializedBytes: item.payload),
                  let counts = try? ThresholdCounts(wire: message, expected: FederatedCalibration.grid) else { continue }
            parts.append(counts)
            names.append(item.partner)
        }
        // One partner's weight is capped at a few times the median partner's (it cannot claim a huge validation set).
        let capped = FederatedCalibration.capped(parts)
        for index in capped.capped {
            context.logger.warning("job \(context.job.id): \(names[index])'s calibration counts exceed \(FederatedCalibration.influenceCap)× the median partner's; scaled down to that")
        }
        let threshold: Double
        do { threshold = FederatedCalibration.choose(try FederatedCalibration.sum(capped.parts)) }
        catch { throw CoordinatorRefusal(.failedPrecondition, "calibration", context: .init(job: context.job.id), cause: error) }
        let note = capped.capped.isEmpty ? "" : " (\(capped.capped.count) capped at \(String(format: "%g", FederatedCalibration.influenceCap))× the median partner's count)"
        return [JobTransition(DistillationJob.thresholdCalibrated, "threshold \(threshold) chosen from \(parts.count) partners' counts\(note)", threshold: threshold),
                JobTransition(DistillationJob.studentPublished, "student published; waiting for evaluations", threshold: threshold)]
    }

    /// Closes the evaluation phase once every participant, or any at the deadline, reported.
    private func collectEvaluations(_ spec: DistillationJobSpec, _ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        let participants = try await participants(context)
        let have = Set(try await context.submissions(DistillationJob.Submission.evaluation).map(\.partner))
        guard participants.allSatisfy(have.contains) || (context.deadlinePassed(seconds: spec.finalDeadlineS) && !have.isEmpty) else { return [] }
        return [JobTransition(DistillationJob.evaluationsCollected, "evaluations from \(have.count) of \(participants.count) partners")]
    }

    /// Writes the job's report (stored, and to the report directory when there is one).
    private func writeReport(_ context: CoordinatorJobContext) async throws(CoordinatorRefusal) -> [JobTransition] {
        var final = try await context.snapshot()
        final.stateIndex = DistillationJob.statusNumber(.complete)  // the report is the last step of the job
        final.state = DistillationJob.descriptor.title(.complete)
        final.message = "complete"
        try await context.putReport(JobReport.render(final))
        return [JobTransition(.complete, "complete")]
    }
}
