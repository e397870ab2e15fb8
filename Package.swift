// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "runner",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "runner", targets: ["runner"]),
        .library(name: "Config", targets: ["Config"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
    ],
    targets: [
        // Hydra-style composition: YAML to ConfigNode, defaults lists, overrides,
        // interpolation, sweeps, and decoding into typed configs.
        .target(
            name: "Config",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // The command line: composition, introspection, run and multirun directories.
        .executableTarget(
            name: "runner",
            dependencies: ["Config"]
        ),
        .testTarget(
            name: "ConfigTests",
            dependencies: ["Config"]
        ),
        // End-to-end: runs the built `runner` binary on fixture config trees.
        .testTarget(
            name: "RunnerTests",
            dependencies: ["runner", "Config"],
            exclude: ["Fixtures"]
        ),
    ]
)
