// swift-tools-version:6.1
// A separate package so that the main build never compiles AsyncHTTPClient: it exists only
// to measure it against the libcurl transport the project uses.
import PackageDescription

let package = Package(
    name: "http-transports",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: "../.."),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
    ],
    targets: [
        .executableTarget(
            name: "HTTPTransportBenchmark",
            dependencies: [
                .product(name: "Models", package: "main"),
                .product(name: "FakeLLMServer", package: "main"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        ),
    ]
)
