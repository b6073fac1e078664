import Foundation

/// Runs a per-item computation that writes a fixed number of bytes per item over both cores:
/// the items are cut into contiguous chunks, each chunk fills its own buffer in a child task, and
/// the buffers are joined in order.
enum PSIParallel {
    /// `count × width` bytes, item `i` written by `body(i, output, scratch)` (scratch: 64 bytes
    /// reused across a chunk's items); nil when any call fails.
    static func map(count: Int, width: Int,
                    _ body: @escaping @Sendable (Int, UnsafeMutablePointer<UInt8>, UnsafeMutablePointer<UInt8>) -> Bool) async -> [UInt8]? {
        guard count > 0 else { return [] }
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let chunks = min(count, workers * 4)
        let chunkSize = (count + chunks - 1) / chunks
        let parts = await withTaskGroup(of: (Int, [UInt8]?).self) { group in
            for chunk in 0..<chunks {
                let start = chunk * chunkSize, end = min(count, start + chunkSize)
                guard start < end else { continue }
                group.addTask {
                    var buffer = [UInt8](repeating: 0, count: (end - start) * width)
                    let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
                    defer { scratch.deallocate() }
                    let ok = buffer.withUnsafeMutableBufferPointer { out -> Bool in
                        guard let base = out.baseAddress else { return false }
                        for i in start..<end where !body(i, base + (i - start) * width, scratch) { return false }
                        return true
                    }
                    return (chunk, ok ? buffer : nil)
                }
            }
            var parts = [[UInt8]?](repeating: nil, count: chunks)
            var failed = false
            for await (chunk, buffer) in group {
                if let buffer { parts[chunk] = buffer } else { failed = true }
            }
            return failed ? nil : parts
        }
        guard let parts else { return nil }
        var joined = [UInt8]()
        joined.reserveCapacity(count * width)
        for part in parts { if let part { joined += part } }
        return joined
    }
}
