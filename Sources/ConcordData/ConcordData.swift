/// Public data sets Concord uses, fetched at run time from PyPI wheels.
public enum ConcordDataInfo {
    /// Module version string.
    public static let version = "0.1.0"
}
