public import Foundation

/// The MOSES benchmark molecules (ZINC clean leads) from the molsets 0.3.1 wheel.
public struct MOSES: Sendable {
    /// The three published splits.
    public enum Split: String, Sendable, CaseIterable {
        /// 1,584,663 training molecules.
        case train
        /// The test split.
        case test
        /// The scaffold test split.
        case testScaffolds = "test_scaffolds"
    }

    /// The opened wheel.
    public let wheel: WheelArchive

    /// Opens the molsets wheel at `url` (see ``WheelFetcher``).
    public init(wheelAt url: URL) throws(DataError) {
        wheel = try WheelArchive(url: url)
    }

    /// The SMILES of `split`, in file order; at most `limit` when given.
    public func smiles(_ split: Split, limit: Int? = nil) throws(DataError) -> [String] {
        let path = "moses/dataset/data/\(split.rawValue).csv.gz"
        let data = try wheel.decompressedData(of: path)
        var out: [String] = []
        out.reserveCapacity(limit ?? 1_600_000)
        var first = true
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            for i in 0...bytes.count {
                if let limit, out.count >= limit { return }
                if i == bytes.count || bytes[i] == UInt8(ascii: "\n") {
                    var end = i
                    if end > start && bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                    if end > start {
                        // First field only (the file may carry a SPLIT column).
                        var stop = start
                        while stop < end && bytes[stop] != UInt8(ascii: ",") { stop += 1 }
                        let field = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<stop]), as: UTF8.self)
                        if first { first = false } else { out.append(field) }
                    }
                    start = i + 1
                }
            }
        }
        return out
    }
}
