/// How job kinds name what belongs to one round (uploads' store keys, artifacts), so that every
/// kind and every phase group spells a round the same way.
public enum RoundNames {
    /// A round number as at least four digits (`0007`), so names and keys sort by round.
    public static func padded(_ round: Int) -> String {
        let digits = String(max(0, round))
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
