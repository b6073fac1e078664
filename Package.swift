// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "Concord",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "concord", targets: ["concord"]),
        .library(name: "ConcordChem", targets: ["ConcordChem"]),
        .library(name: "ConcordML", targets: ["ConcordML"]),
        .library(name: "ConcordData", targets: ["ConcordData"]),
        .library(name: "ConcordFederation", targets: ["ConcordFederation"]),
        .library(name: "ConcordReport", targets: ["ConcordReport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.19"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
    ],
    targets: [
        .target(
            name: "ConcordChem",
            swiftSettings: strict
        ),
        .target(
            name: "ConcordML",
            dependencies: [
                "ConcordChem",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ConcordData",
            dependencies: [
                "ConcordChem",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ConcordFederation",
            dependencies: ["ConcordChem", "ConcordML"],
            swiftSettings: strict
        ),
        .target(
            name: "ConcordReport",
            dependencies: ["ConcordFederation"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "concord",
            dependencies: [
                "ConcordChem",
                "ConcordML",
                "ConcordData",
                "ConcordFederation",
                "ConcordReport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordChemTests",
            dependencies: ["ConcordChem", "ConcordData"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordCLITests",
            dependencies: ["concord"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordMLTests",
            dependencies: ["ConcordML", "ConcordChem", "ConcordData"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordFederationTests",
            dependencies: ["ConcordFederation", "ConcordML", "ConcordChem", "ConcordData"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordReportTests",
            dependencies: ["ConcordReport", "ConcordFederation"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordDataTests",
            dependencies: ["ConcordData", "ConcordChem"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
