// swift-tools-version: 6.1
import PackageDescription

// Release-built benchmarks that print Concord's figure beside its peer's (RDKit, scikit-learn),
// both measured in the same invocation. Run with Benchmarks/run (SecAgg+ beside Flower: Benchmarks/secagg/run).
let package = Package(
    name: "ConcordBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "Concord", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
    ],
    targets: [
        .executableTarget(
            name: "ConcordBenchmarks",
            dependencies: [
                .product(name: "ConcordChem", package: "Concord"),
                .product(name: "ConcordData", package: "Concord"),
                .product(name: "ConcordML", package: "Concord"),
                .product(name: "ConcordFederation", package: "Concord"),
                .product(name: "ConcordPrivacy", package: "Concord"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
