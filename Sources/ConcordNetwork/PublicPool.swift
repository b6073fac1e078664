// `PublicPool` moved to ConcordData (`Sources/ConcordData/Datasets/PublicPool.swift`), beside the
// other public datasets; ConcordNetwork's callers import ConcordData and call `PublicPool.load` unchanged.
