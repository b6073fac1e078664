/// Order-preserving data parallelism over contiguous chunks, with structured concurrency.
public enum Parallel {
    /// Splits `items` into up to `parallelism` contiguous chunks, transforms each chunk in
    /// its own child task, and concatenates the results in input order.
    ///
    /// The chunk closure receives a whole slice so it can set up per-task scratch state
    /// (a fingerprint generator, buffers) once per chunk rather than once per element.
    /// - Complexity: O(n) plus the cost of `transform`; no per-element allocation here.
    public static func mapChunks<Item: Sendable, Result: Sendable>(
        _ items: [Item],
        parallelism: Int = defaultParallelism,
        minimumChunk: Int = 256,
        _ transform: @escaping @Sendable (ArraySlice<Item>) -> [Result]
    ) async -> [Result] {
        let workers = max(1, min(parallelism, items.count / max(1, minimumChunk)))
        let size = max(1, (items.count + workers - 1) / workers)
        return await map(count: items.count, chunkSize: size, maxTasks: workers) { range in transform(items[range]) }
    }

    /// Splits `0 ..< count` into contiguous chunks of about `chunkSize`, runs `body` on them in
    /// at most `maxTasks` concurrent child tasks (a new chunk starts as one finishes) and
    /// concatenates the results in chunk order.
    public static func map<T: Sendable>(
        count: Int, chunkSize: Int, maxTasks: Int,
        _ body: @escaping @Sendable (Range<Int>) -> [T]
    ) async -> [T] {
        guard count > 0 else { return [] }
        let chunk = max(1, chunkSize)
        let chunks = (count + chunk - 1) / chunk
        if chunks == 1 || maxTasks <= 1 { return body(0..<count) }
        return await withTaskGroup(of: (Int, [T]).self) { group in
            var parts = [[T]](repeating: [], count: chunks)
            var nextChunk = 0
            func range(_ c: Int) -> Range<Int> { (c * chunk)..<min(count, (c + 1) * chunk) }
            while nextChunk < min(chunks, maxTasks) {
                let c = nextChunk, r = range(c)
                group.addTask { (c, body(r)) }
                nextChunk += 1
            }
            for await (c, values) in group {
                parts[c] = values
                if nextChunk < chunks {
                    let n = nextChunk, r = range(n)
                    group.addTask { (n, body(r)) }
                    nextChunk += 1
                }
            }
            var result: [T] = []
            result.reserveCapacity(count)
            for part in parts { result.append(contentsOf: part) }
            return result
        }
    }
}
