/// Size limits checked before anything is allocated for a site's files.
public enum HarmonisationLimits {
    /// The largest site table read, in bytes (256 MiB).
    public static let maxTableBytes = 256 << 20
    /// The most data rows a site table may have.
    public static let maxRows = 2_000_000
    /// The most columns a site table may have.
    public static let maxColumns = 1_000
    /// The largest schema or mapping YAML read, in bytes (1 MiB).
    public static let maxYAMLBytes = 1 << 20
    /// The most variables a schema (or columns a mapping) may declare.
    public static let maxVariables = 1_000
}

extension HarmonisationLimits {
    /// The most values (rows × encoded features, one-hot columns included) a table encoded for
    /// learning may have: 50 million, 400 MB of `Double`, checked before the matrix is allocated.
    public static let maxFeatureValues = 50_000_000
    /// The most distinct text values a categorical column may have to be one-hot encoded; a
    /// column with more looks like an identifier or free text.
    public static let maxCategoryLevels = 50
}
