/// The distillation job's phases as a simulation walks them: the same ``JobMachine`` and
/// ``DistillationJob/descriptor`` a coordinator drives, so one seed of a simulation passes the
/// phases of a job over the network in their order, and a stage run out of order stops the run.
///
/// The simulation's stages and a coordinator's phases correspond one to one: screening (when the
/// transfer set is chosen from a screened pool), transfer set out, annotations collected, federated
/// (``DistillationTask/federate(_:transfer:settings:seeds:)``), student trained
/// (``DistillationTask/distil(_:annotations:transfer:settings:seeds:parallelism:)``), threshold
/// calibrated (when the settings calibrate), student published, evaluations collected and complete.
/// What only a simulation has — T0, single-teacher students, hybrids evaluated on the pooled test
/// set — runs inside those phases, as add-ons to the job.
struct SimulatedJob: Sendable {
    private var machine: JobMachine
    /// The phases passed so far, from ``JobPhase/created``.
    private(set) var walked: [JobPhase]

    /// A job in its first phase.
    /// - Throws: ``FederationError/Code/jobPhase`` when the kind's description is not valid.
    init(seed: UInt64) throws(FederationError) {
        do { machine = try JobMachine(kind: DistillationJob.descriptor, job: "simulation (seed \(seed))") }
        catch { throw FederationError(code: .jobPhase, message: "", cause: error) }
        walked = [machine.phase]
    }

    /// Moves the job to `phase`.
    /// - Throws: ``FederationError/Code/jobPhase`` (the ``JobError`` as its cause) for a move the kind does not allow.
    mutating func move(to phase: JobPhase) throws(FederationError) {
        do { try machine.move(to: phase) } catch { throw FederationError(code: .jobPhase, message: "", cause: error) }
        walked.append(phase)
    }

    /// Moves the job through `phases` in turn.
    mutating func move(through phases: JobPhase...) throws(FederationError) {
        for phase in phases { try move(to: phase) }
    }
}
