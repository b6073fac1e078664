import Foundation

/// libFuzzer's driver (in `libclang_rt.fuzzer`, linked by `-sanitize=fuzzer`).
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                                 _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                                 _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// Runs libFuzzer with the command line's arguments (corpus directories, `-max_total_time=…`, or
/// crash files to replay) on `testOne`.
///
/// SwiftPM links an executable with `main` aliased to `<module>_main`, which each target defines
/// with `@_cdecl` and sends here; libFuzzer's own `main` is then unused, but its object still needs
/// `LLVMFuzzerTestOneInput`, which each target defines as its `testOne`.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ testOne: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, testOne)
}

/// The input as `Data` (empty for a null pointer).
public func input(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Data {
    guard let data, size > 0 else { return Data() }
    return Data(bytes: data, count: size)
}

/// A fuzz input split into a one-byte selector and the rest.
public struct Selected {
    /// The first byte (0 for an empty input).
    public let selector: UInt8
    /// The bytes after it.
    public let rest: Data

    public init(_ data: Data) {
        selector = data.first ?? 0
        rest = data.isEmpty ? Data() : data.dropFirst()
    }
}

/// Runs `body` on the concurrency pool and waits for it: libFuzzer calls its callback
/// synchronously on its own thread, which is not one of the pool's.
public func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
    let semaphore = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task {
        box.set(await body())
        semaphore.signal()
    }
    semaphore.wait()
    guard let value = box.get() else { fatalError("the task ended without a result") }
    return value
}

private final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T?
    func set(_ new: T) { lock.lock(); value = new; lock.unlock() }
    func get() -> T? { lock.lock(); defer { lock.unlock() }; return value }
}
