/// The uploads and artifacts of the secure-sum phase group (SecAgg+) a job kind composes, named
/// once so a kind's descriptor and the network's phase group agree.
public enum SecureSumNames {
    /// The upload that carries a party's certificate (chunk 0, once per job).
    public static let identity = "identity"
    /// The artifact that lists the parties' certificates.
    public static let roster = "secagg-roster"
    /// The five stages' uploads, in protocol order (chunk = the round).
    public static let uploads = ["secagg-keys", "secagg-shares", "secagg-masked", "secagg-consistency", "secagg-unmasking"]
}
