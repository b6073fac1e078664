public import Foundation

/// Wire protocol v2's generic chunks: artifacts split for ``Concord_V2_ArtifactChunk`` and put
/// back together with every limit checked before anything is allocated, and a kind's payload
/// wrapped in an ``Concord_V2_UploadChunk``.
extension Chunking {
    /// Splits an artifact into chunks of at most ``WireLimits/artifactChunkBytes``.
    /// - Complexity: O(n) in the artifact's size.
    public static func artifactChunks(jobID: String, artifact name: String, data: Data,
                                      perChunk: Int = WireLimits.artifactChunkBytes) -> [Concord_V2_ArtifactChunk] {
        let total = chunkCount(data.count, perChunk: perChunk)
        let whole = Digests.sha256(data)
        let start = data.startIndex
        return (0..<total).map { index in
            let lower = start + min(data.count, index * perChunk), upper = start + min(data.count, index * perChunk + perChunk)
            var chunk = Concord_V2_ArtifactChunk()
            chunk.jobID = jobID
            chunk.artifact = name
            chunk.index = UInt32(index)
            chunk.data = Data(data[lower..<upper])
            chunk.sha256 = Digests.sha256(chunk.data)
            chunk.totalChunks = UInt32(total)
            chunk.artifactSha256 = whole
            chunk.totalBytes = UInt64(data.count)
            return chunk
        }
    }

    /// One chunk of an upload: the kind's serialised `payload` in its envelope, with the payload's SHA-256.
    public static func uploadChunk(jobID: String, upload: String, index: Int, of total: Int, payload: Data) -> Concord_V2_UploadChunk {
        var chunk = Concord_V2_UploadChunk()
        chunk.jobID = jobID
        chunk.upload = upload
        chunk.index = UInt32(index)
        chunk.totalChunks = UInt32(total)
        chunk.payload = payload
        chunk.sha256 = Digests.sha256(payload)
        return chunk
    }
}

/// Puts an artifact back together from its chunks as they arrive, checking each chunk's digest,
/// order and size, the sizes it announces against ``WireLimits`` (and against what the job view
/// announced) before reserving any memory, and the whole artifact's digest at the end.
public struct ArtifactAssembler: Sendable {
    private let name: String
    private let expected: (sha256: Data, bytes: UInt64)?
    private var data = Data()
    private var next: UInt32 = 0
    private var first: Concord_V2_ArtifactChunk?

    /// An assembler for the artifact `name`; `sha256` and `bytes`, when known from the job view, must match what the chunks announce.
    public init(name: String, sha256: Data? = nil, bytes: UInt64? = nil) {
        self.name = name
        if let sha256, let bytes { expected = (sha256, bytes) } else { expected = nil }
    }

    /// Adds the next chunk. - Throws: ``WireError`` naming what is wrong, before allocating for a chunk that breaks a limit.
    public mutating func add(_ chunk: Concord_V2_ArtifactChunk) throws(WireError) {
        let label = "\(name) chunk \(chunk.index)"
        guard chunk.data.count <= WireLimits.artifactChunkBytes else {
            throw .tooLarge("\(label) carries \(chunk.data.count) bytes; a chunk carries at most \(WireLimits.artifactChunkBytes)")
        }
        if let first {
            guard chunk.totalChunks == first.totalChunks, chunk.totalBytes == first.totalBytes, chunk.artifactSha256 == first.artifactSha256 else {
                throw .inconsistent("\(label) describes a different artifact than chunk 0")
            }
        } else {
            guard chunk.totalBytes <= UInt64(WireLimits.maxArtifactBytes) else {
                throw .tooLarge("\(name) announces \(chunk.totalBytes) bytes; an artifact may have at most \(WireLimits.maxArtifactBytes)")
            }
            if let expected, expected.sha256 != chunk.artifactSha256 || expected.bytes != chunk.totalBytes {
                throw .inconsistent("\(name) is not the artifact the job view announced")
            }
            guard UInt64(chunk.totalChunks) == UInt64(Chunking.chunkCount(Int(chunk.totalBytes), perChunk: WireLimits.artifactChunkBytes)) else {
                throw .inconsistent("\(name) announces \(chunk.totalChunks) chunks for \(chunk.totalBytes) bytes")
            }
            data.reserveCapacity(Int(chunk.totalBytes))
            first = chunk
        }
        guard chunk.index == next else { throw .inconsistent("\(label) arrived where chunk \(next) was expected") }
        guard Digests.sha256(chunk.data) == chunk.sha256 else { throw .digestMismatch(label) }
        guard UInt64(data.count + chunk.data.count) <= chunk.totalBytes else { throw .inconsistent("\(label) runs past the announced \(chunk.totalBytes) bytes") }
        data.append(chunk.data)
        next += 1
    }

    /// The whole artifact, once every chunk arrived. - Throws: ``WireError`` for a missing chunk or a digest mismatch.
    public func finish() throws(WireError) -> Data {
        guard let first else {
            if let expected, expected.bytes == 0, expected.sha256 == Digests.sha256(Data()) { return Data() }
            throw .inconsistent("no \(name) chunks")
        }
        guard next == first.totalChunks, UInt64(data.count) == first.totalBytes else {
            throw .inconsistent("\(next) of \(first.totalChunks) \(name) chunks")
        }
        guard Digests.sha256(data) == first.artifactSha256 else { throw .digestMismatch("the whole \(name)") }
        return data
    }
}

/// The artifacts "transfer" and "screening": a molecule set's SMILES joined by "\n" (UTF-8), as
/// the protocol defines them. The coordinator encodes; nodes (and the coordinator, reading what it
/// stored) decode.
public enum MoleculeSetArtifact {
    /// The artifact's bytes for `smiles`.
    public static func encode(_ smiles: [String]) -> Data { Data(smiles.joined(separator: "\n").utf8) }

    /// The SMILES in an artifact's bytes (none for empty bytes).
    public static func decode(_ data: Data) -> [String] {
        data.isEmpty ? [] : String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
