/// The size limits every Concord party enforces on the wire.
public enum WireLimits {
    /// The protocol version this build speaks.
    public static let protocolVersion: UInt32 = 2
    /// The largest message either side accepts (4 MiB).
    public static let maxMessageBytes = 4 << 20
    /// Molecules per transfer-set or annotation chunk.
    public static let moleculesPerChunk = 4096
    /// Bytes per artifact chunk (1 MiB).
    public static let artifactChunkBytes = 1 << 20
    /// The largest artifact either side assembles (512 MiB: a transfer set of the largest size
    /// with SMILES of average length 250).
    public static let maxArtifactBytes = 512 << 20
    /// The largest transfer set a job may ask for.
    public static let maxTransferSize = 2_000_000
    /// The largest SMILES string accepted in a transfer chunk.
    public static let maxSMILESLength = 1_000
}
