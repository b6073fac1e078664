import ConcordWire
import Foundation
import SwiftProtobuf

/// A stored distillation job's specification: the job's common fields (``Concord_V2_JobSpec``
/// without its `kind`) and the kind's own (``Concord_V2_DistillationSpec``), read from the same
/// bytes.
///
/// The coordinator stores a job's common fields followed by its kind's message; the field
/// numbers are disjoint, so each message reads its own fields and skips the other's. A
/// specification stored by a version 1 coordinator (one `JobSpec` holding every field) has the
/// same numbers and reads the same.
@dynamicMemberLookup
struct DistillationJobSpec: Sendable {
    /// The fields every job kind has (partners, quorum, deadlines, seed, name).
    var job: Concord_V2_JobSpec
    /// The distillation kind's own fields.
    var distillation: Concord_V2_DistillationSpec

    /// Reads a stored specification. - Throws: the decoding error of bytes that are not one.
    init(stored data: Data) throws {
        job = try Concord_V2_JobSpec(serializedBytes: data)
        distillation = try Concord_V2_DistillationSpec(serializedBytes: data)
    }

    subscript<Value>(dynamicMember path: KeyPath<Concord_V2_DistillationSpec, Value>) -> Value { distillation[keyPath: path] }

    var name: String { job.name }
    var partners: [String] { job.partners }
    var quorum: UInt32 { job.quorum }
    var seed: UInt64 { job.seed }
    var collectionDeadlineS: UInt32 { job.collectionDeadlineS }
    var finalDeadlineS: UInt32 { job.finalDeadlineS }
}
