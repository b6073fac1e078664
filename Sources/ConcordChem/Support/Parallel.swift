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
        if workers == 1 { return transform(items[...]) }
        let size = (items.count + workers - 1) / workers
        return await withTaskGroup(of: (Int, [Result]).self) { group in
            for w in 0..<workers {
                let lower = w * size, upper = min(items.count, lower + size)
                guard lower < upper else { continue }
                group.addTask { (w, transform(items[lower..<upper])) }
            }
            var parts = [[Result]](repeating: [], count: workers)
            for await (w, part) in group { parts[w] = part }
            var out: [Result] = []
            out.reserveCapacity(items.count)
            for part in parts { out.append(contentsOf: part) }
            return out
        }
    }
}
