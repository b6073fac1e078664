#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open file descriptors (`RLIMIT_NOFILE`), which bounds how many
/// connections a coordinator can hold.
public enum FileDescriptorLimit {
    /// The soft and hard limits, or nil when they cannot be read.
    public static func current() -> (soft: UInt64, hard: UInt64)? {
        var limit = rlimit()
        guard getrlimit(resourceNumber, &limit) == 0 else { return nil }
        return (UInt64(limit.rlim_cur), UInt64(limit.rlim_max))
    }

    /// Raises the soft limit to the hard limit (many systems start processes at 1,024 while
    /// allowing far more) and returns the soft limit now in force, or nil when it cannot be read.
    /// A refused raise leaves the limit as it was.
    @discardableResult
    public static func raiseToHardLimit() -> UInt64? {
        var limit = rlimit()
        guard getrlimit(resourceNumber, &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resourceNumber, &raised) == 0 { return UInt64(raised.rlim_cur) }
        }
        return UInt64(limit.rlim_cur)
    }

    #if canImport(Glibc)
    private static var resourceNumber: Int32 { Int32(RLIMIT_NOFILE.rawValue) }
    #else
    private static var resourceNumber: Int32 { RLIMIT_NOFILE }
    #endif
}
