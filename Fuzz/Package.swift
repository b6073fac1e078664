// swift-tools-version:6.0
// libFuzzer targets for everything Concord reads from outside: SMILES, molecule files, clinical
// tables and mappings, and every message a coordinator or a node receives. Built only with
// `-sanitize=fuzzer` (see Fuzz/run): `swift build --package-path Fuzz -Xswiftc -sanitize=fuzzer`.
import PackageDescription

/// The targets define `<module>_main` themselves (see FuzzDriver), so none has top-level code.
let library: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "ConcordFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Concord", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "fuzz-smiles", dependencies: ["FuzzDriver", .product(name: "ConcordChem", package: "Concord")], swiftSettings: library),
        .executableTarget(name: "fuzz-files", dependencies: ["FuzzDriver", .product(name: "ConcordData", package: "Concord")], swiftSettings: library),
        .executableTarget(name: "fuzz-clinical", dependencies: ["FuzzDriver", .product(name: "ConcordClinical", package: "Concord"),
                                                                  .product(name: "ConcordData", package: "Concord")], swiftSettings: library),
        .executableTarget(name: "fuzz-wire", dependencies: [
            "FuzzDriver",
            .product(name: "ConcordNetwork", package: "Concord"), .product(name: "ConcordWire", package: "Concord"),
            .product(name: "ConcordStorage", package: "Concord"), .product(name: "ConcordML", package: "Concord"),
        ], swiftSettings: library),
    ],
    swiftLanguageModes: [.v6]
)
