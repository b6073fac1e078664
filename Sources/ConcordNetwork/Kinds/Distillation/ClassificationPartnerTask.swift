import ConcordChem
import ConcordFederation
import ConcordML
import ConcordWire
import Foundation

/// A classification job at a partner: the teacher annotates P(active); the published student is
/// calibrated on our validation molecules (only confusion counts leave); student, teacher and
/// hybrid are measured at their thresholds (MCC, ROC-AUC, …).
struct ClassificationPartnerTask: PartnerDistillationTask {
    var prediction: String { "P(active)" }
    var calibrates: Bool { true }
    var metricsName: String { "metrics" }

    func describe(training: PrivateData.Part) -> String { "\(training.count) training (\(training.actives) active)" }

    func teach(_ work: PartnerWork, transfer: FingerprintMatrix, keys: [MoleculeIdentityKey],
               reliability: Bool) async throws(FederationError) -> (teacher: any ProbabilisticClassifier, chunks: [Concord_V2_AnnotationPayload], log: String) {
        let data = work.data
        let teacher = try await Teacher.train(partner: work.partner, features: data.train.features, labels: data.train.labels, keys: data.train.keys,
                                              recipe: work.recipe, domain: DomainSettings(), seeds: SeedTree(work.seed),
                                              measureReliability: reliability, parallelism: work.parallelism)
        let annotation = try await teacher.annotate(transfer, keys: keys, guard: work.selfGuard, parallelism: work.parallelism)
        let sent = annotation.reliability.map { String(format: "; our teacher's own ROC-AUC, sent with it: %.3f", $0) } ?? ""
        return (teacher.model, Chunking.annotationChunks(annotation),
                "annotated \(annotation.probabilities.count) public molecules (abstained on \(annotation.abstentionCount) of our own)\(sent)")
    }

    func retrainTeacher(_ work: PartnerWork) async throws(FederationError) -> any ProbabilisticClassifier {
        try await work.recipe.train(work.data.train.features, labels: work.data.train.labels, seed: SeedTree(work.seed).stage(.teacher).seed,
                                    parallelism: work.parallelism).model
    }

    func encode(teacher: any ProbabilisticClassifier) -> Data? { try? StudentCodec.encode(teacher) }
    func decodeTeacher(_ data: Data) -> (any ProbabilisticClassifier)? { try? StudentCodec.decode(data) }

    func student(_ data: Data, job: String) throws(NodeError) -> any ProbabilisticClassifier {
        do { return try StudentCodec.decode(data) } catch { throw NodeError("the student model", code: .integrity, context: .init(job: job), cause: error) }
    }

    /// A classification student's selection carries only rows, which the hybrid reads as it needs them.
    func check(_ selection: Concord_V2_StudentSelection, transferRows: Int, job: String) throws(NodeError) {}

    func calibrationCounts(_ work: PartnerWork, student: any ProbabilisticClassifier, thresholds: [Double]) async -> ThresholdCounts? {
        await work.calibrationCounts(student: student, thresholds: thresholds)
    }

    func threshold(_ published: Concord_V2_DistillationView) -> Double { published.threshold }

    /// The student (at the published threshold), our teacher and, when asked, our hybrid and the
    /// model we deploy ("deployed": the hybrid, or the teacher when it has the higher MCC on our own
    /// validation molecules, as ``Hybrid/train(own:selected:student:validation:teacher:options:seed:drawSeed:parallelism:)``
    /// chooses in the simulation too). The hybrid is our training data plus public molecules of the
    /// student's selection labelled by the calibrated student, built as ``PartnerWork/hybrid`` says (by
    /// default as the default preset builds hybrids: FLuID's forest, not under-sampled, half as many
    /// public molecules as our own, threshold chosen on our validation molecules).
    func evaluate(_ work: PartnerWork, student: any ProbabilisticClassifier, teacher: any ProbabilisticClassifier, threshold: Double, studentRows: Int,
                  selection: [Int], consensus: [Double], transfer: FingerprintMatrix,
                  hybrid build: Bool) async throws(FederationError) -> [PartnerWork.Outcome] {
        let data = work.data
        typealias Candidate = PartnerWork.Candidate<any ProbabilisticClassifier>
        return try await work.evaluate(student: student, threshold: threshold, studentRows: studentRows, teacher: teacher, selection: selection,
                                       transfer: transfer, hybrid: build, hybrids: { (selected) async throws(FederationError) -> [Candidate] in
            // A job whose student is not an MLP cannot be fine-tuned: such a node builds the forest hybrid.
            var options = work.hybrid
            if options.model == .fineTunedStudent, !(student is MLP) { options.model = .recipe }
            let probabilities = await student.predictProbability(selected)
            let publicLabels = probabilities.map { UInt8($0 > threshold ? 1 : 0) }
            let seeds = SeedTree(work.seed)
            let model = try await Hybrid.train(own: (data.train.features, data.train.labels), selected: (selected, publicLabels),
                                               student: (student, probabilities),
                                               validation: (data.validation.features, data.validation.labels),
                                               teacher: (teacher, 0.5), options: options,
                                               seed: seeds.stage(.hybrid).seed, drawSeed: seeds.stage(.hybridDraw).seed, parallelism: work.parallelism)
            let hybrid = Candidate(name: "hybrid", model: model.model, threshold: model.threshold, trainSize: model.rows)
            // The model this partner deploys: the hybrid, or its teacher when that is better on our validation molecules.
            if let deployment = model.deployment, deployment.choice == .teacher {
                return [hybrid, Candidate(name: "deployed", model: teacher, threshold: deployment.teacherThreshold, trainSize: data.train.count)]
            }
            return [hybrid, Candidate(name: "deployed", model: model.model, threshold: model.threshold, trainSize: model.rows)]
        }, measure: { candidate in
            let test = Evaluation.metrics(truth: data.test.labels, probabilities: await candidate.model.predictProbability(data.test.features),
                                          threshold: candidate.threshold)
            let validation = Evaluation.metrics(truth: data.validation.labels,
                                                probabilities: await candidate.model.predictProbability(data.validation.features),
                                                threshold: candidate.threshold)
            return PartnerWork.Outcome(model: candidate.name, trainSize: candidate.trainSize, test: test, validation: validation)
        })
    }

    func testLine(_ o: PartnerWork.Outcome) -> String {
        "\(o.model) on our test set: MCC \(text(o.test.mcc)), ROC-AUC \(text(o.test.rocAUC))"
    }
}
