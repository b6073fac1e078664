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
        .library(name: "ConcordErrors", targets: ["ConcordErrors"]),
        .library(name: "ConcordChem", targets: ["ConcordChem"]),
        .library(name: "ConcordML", targets: ["ConcordML"]),
        .library(name: "ConcordData", targets: ["ConcordData"]),
        .library(name: "ConcordFederation", targets: ["ConcordFederation"]),
        .library(name: "ConcordReport", targets: ["ConcordReport"]),
        .library(name: "ConcordSecurity", targets: ["ConcordSecurity"]),
        .library(name: "ConcordWire", targets: ["ConcordWire"]),
        .library(name: "ConcordStorage", targets: ["ConcordStorage"]),
        .library(name: "ConcordNetwork", targets: ["ConcordNetwork"]),
        .library(name: "ConcordTesting", targets: ["ConcordTesting"]),
        .library(name: "ConcordClinical", targets: ["ConcordClinical"]),
        .library(name: "ConcordPrivacy", targets: ["ConcordPrivacy"]),
        .library(name: "ConcordLinkage", targets: ["ConcordLinkage"]),
        .library(name: "ConcordVertical", targets: ["ConcordVertical"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "4.0.0"..<"5.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.19"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.3.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.0"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.0"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", "5.0.0"..<"7.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(
            name: "ConcordErrors",
            swiftSettings: strict
        ),
        .target(
            name: "ConcordChem",
            dependencies: ["ConcordErrors"],
            swiftSettings: strict
        ),
        .target(name: "CConcordKernels"),
        .target(
            name: "ConcordML",
            dependencies: [
                "ConcordErrors",
                "ConcordChem",
                "CConcordKernels",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ConcordData",
            dependencies: [
                "ConcordErrors",
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
            dependencies: ["ConcordErrors", "ConcordChem", "ConcordML", "ConcordPrivacy"],
            swiftSettings: strict
        ),
        .target(
            name: "ConcordReport",
            dependencies: ["ConcordFederation", "ConcordClinical"],
            swiftSettings: strict
        ),
        .target(
            name: "ConcordSecurity",
            dependencies: [
                "ConcordErrors",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ConcordWire",
            dependencies: [
                "ConcordErrors",
                "ConcordFederation",
                "ConcordML",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Generated/README.md"],
            swiftSettings: strict
        ),
        .target(
            name: "ConcordStorage",
            dependencies: [
                "ConcordErrors",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ConcordNetwork",
            dependencies: [
                "ConcordErrors",
                "ConcordChem",
                "ConcordML",
                "ConcordData",
                "ConcordFederation",
                "ConcordReport",
                "ConcordSecurity",
                "ConcordWire",
                "ConcordStorage",
                "ConcordClinical",
                "ConcordPrivacy",
                "ConcordLinkage",
                "ConcordVertical",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCInProcessTransport", package: "grpc-swift-2"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ConcordClinical",
            dependencies: ["ConcordErrors", "ConcordML", "ConcordData", "ConcordFederation", "ConcordPrivacy", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        // GMP from Debian's libgmp-dev (scripts/lib/setup.sh installs it): Paillier's big integers.
        .systemLibrary(name: "CGMP", path: "Sources/CGMP", providers: [.apt(["libgmp-dev"])]),
        .target(
            name: "ConcordPrivacy",
            dependencies: ["ConcordErrors", "CGMP", .product(name: "Crypto", package: "swift-crypto"), .product(name: "CryptoExtras", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .target(
            name: "ConcordLinkage",
            dependencies: ["ConcordErrors", "ConcordChem", "ConcordData", "ConcordPrivacy", "CSodium", "CConcordKernels", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .target(
            name: "ConcordVertical",
            dependencies: ["ConcordErrors", "ConcordPrivacy", "ConcordLinkage", "ConcordData", "ConcordML"],
            swiftSettings: strict
        ),
        .target(
            name: "ConcordTesting",
            dependencies: ["ConcordChem", "ConcordML", "ConcordFederation", "ConcordSecurity",
                           "ConcordNetwork", "ConcordWire", "ConcordStorage", "ConcordClinical", .product(name: "Logging", package: "swift-log"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl")],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "concord",
            dependencies: [
                "ConcordErrors",
                "ConcordChem",
                "ConcordML",
                "ConcordData",
                "ConcordFederation",
                "ConcordReport",
                "ConcordSecurity",
                "ConcordNetwork",
                "ConcordWire",
                "ConcordClinical",
                "ConcordPrivacy",
                "ConcordLinkage",
                "ConcordVertical",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordErrorsTests",
            dependencies: ["ConcordErrors", "ConcordChem", "ConcordML", "ConcordData", "ConcordFederation", "ConcordSecurity",
                           "ConcordWire", "ConcordStorage", "ConcordNetwork", "ConcordClinical", "ConcordPrivacy"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordChemTests",
            dependencies: ["ConcordChem", "ConcordData"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordCLITests",
            dependencies: ["concord", "ConcordErrors", "ConcordChem", "ConcordData", "ConcordSecurity", "ConcordStorage", "ConcordTesting",
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordMLTests",
            dependencies: ["ConcordML", "ConcordChem", "ConcordData"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordFederationTests",
            dependencies: ["ConcordFederation", "ConcordML", "ConcordChem", "ConcordData", "ConcordTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordReportTests",
            dependencies: ["ConcordReport", "ConcordFederation", "ConcordTesting"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordSecurityTests",
            dependencies: ["ConcordSecurity", "ConcordTesting", .product(name: "X509", package: "swift-certificates")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordWireTests",
            dependencies: ["ConcordWire", "ConcordFederation", "ConcordML", "ConcordChem"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordStorageTests",
            dependencies: ["ConcordStorage", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordNetworkTests",
            dependencies: ["ConcordTesting", "ConcordNetwork", "ConcordSecurity", "ConcordWire", "ConcordFederation", "ConcordStorage", "ConcordML", "ConcordChem",
                           "ConcordClinical", "ConcordData",
                           .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOEmbedded", package: "swift-nio"),
                           .product(name: "NIOTLS", package: "swift-nio"), .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "GRPCCore", package: "grpc-swift-2"),
                           .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordClinicalTests",
            dependencies: ["ConcordClinical", "ConcordML", "ConcordData", "ConcordTesting", "ConcordPrivacy"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordLinkageTests",
            dependencies: ["ConcordLinkage", "ConcordVertical", "ConcordData", "ConcordPrivacy"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordVerticalTests",
            dependencies: ["ConcordVertical", "ConcordPrivacy", "ConcordData"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordPrivacyTests",
            dependencies: ["ConcordPrivacy"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ConcordDataTests",
            dependencies: ["ConcordData", "ConcordChem", .product(name: "CompressNIO", package: "compress-nio"), .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
