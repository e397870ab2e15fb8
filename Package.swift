// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "runner",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "runner", targets: ["runner"]),
        .library(name: "Config", targets: ["Config"]),
        .library(name: "Models", targets: ["Models"]),
        .library(name: "Response", targets: ["Response"]),
        .library(name: "Tasks", targets: ["Tasks"]),
        // The Torch engine, opened at run time (dlopen) by the local backend; never linked.
        .library(name: "RunnerTorch", type: .dynamic, targets: ["RunnerTorch"]),
        .library(name: "FakeLLMServer", targets: ["FakeLLMServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
    ],
    targets: [
        // libyaml from Debian (libyaml-dev), read event by event: no Foundation, so the
        // runner starts in a few milliseconds.
        .systemLibrary(
            name: "CLibYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // Hydra-style composition: YAML to ConfigNode, defaults lists, overrides,
        // interpolation, sweeps, and decoding into typed configs.
        .target(
            name: "Config",
            dependencies: ["CLibYAML", "Diagnostics"]
        ),
        // The one shape of user-facing errors (what, where, hint, cause) and its exit codes.
        .target(name: "Diagnostics"),
        // Parquet and Arrow IPC readers written here (Debian has no Arrow or Parquet library),
        // with their codecs; zlib and zstd are opened with dlopen on first use.
        .target(name: "Columnar", dependencies: ["Diagnostics"], linkerSettings: [.linkedLibrary("dl")]),
        // Byte-level BPE from tokenizer.json, for token counts and context lengths.
        .target(name: "Tokenizers", dependencies: ["Diagnostics"]),
        // LanguageModel, the model registry, API backends, the local backend, formatters,
        // chat templates, HTTP transport.
        .target(
            name: "Models",
            dependencies: ["Config", "Tokenizers", "CTorchAPI", "CCurl"]
        ),
        // HTTP through libcurl's multi interface; libcurl itself is opened with dlopen on the
        // first request, so nothing of the network stack is linked or started before that.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl")]),
        // The Torch engine's C interface (a header): shared by the engine and its Swift caller.
        .target(name: "CTorchAPI"),
        // The Torch engine: a Llama-family decoder on Debian's libtorch (libtorch-dev), behind
        // a C interface, built as libRunnerTorch.so.
        .target(
            name: "RunnerTorch",
            dependencies: ["CTorchAPI"],
            cxxSettings: [
                .define("_GLIBCXX_USE_CXX11_ABI", to: "1"),
                .unsafeFlags(["-isystem", "/usr/include/torch/csrc/api/include", "-O2"]),
            ],
            // libgomp: the OpenMP pool libtorch runs on, which parallel.cpp enters too.
            linkerSettings: [.linkedLibrary("torch"), .linkedLibrary("torch_cpu"), .linkedLibrary("c10"), .linkedLibrary("gomp")]
        ),
        // The ResponseComponent: cache, skipping, rate limits, retries, bounded concurrency.
        .target(
            name: "Response",
            dependencies: ["Models", "Diagnostics", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Datasets, prompts, tasks (mcq, qa), answer parsing, metrics, results and samples.
        .target(
            name: "Tasks",
            dependencies: ["Config", "Models", "Response", "Columnar"]
        ),
        // report.html: one self-contained page for a run or a sweep, from its results.json and
        // samples.jsonl (tables, SVG plots, confusion matrices, paired comparisons, samples).
        .target(
            name: "Report",
            dependencies: ["Config", "Models", "Diagnostics", .product(name: "Mustache", package: "swift-mustache")]
        ),
        // A fault-injecting OpenAI / Aleph Alpha server on loopback, for tests and benchmarks.
        .target(name: "FakeLLMServer"),
        .executableTarget(name: "fake-llm-server", dependencies: ["FakeLLMServer"]),
        // Drives the ResponseComponent from the command line (kill/resume tests, bench/response.sh).
        .executableTarget(name: "response-driver", dependencies: ["Response", "Models", "Config"]),
        // Every parser of untrusted input behind one entry each: driven by libFuzzer (fuzz/run.sh)
        // and, over the committed corpus, by the regression tests.
        .target(name: "FuzzTargets", dependencies: ["Config", "Models", "Tasks", "Tokenizers", "Report", "Columnar"]),
        // Helpers shared by the test targets.
        .target(name: "TestSupport", dependencies: ["Models", "Response"], path: "Sources/TestSupport"),
        // The command line: composition, introspection, runs and sweeps, progress, exit codes.
        .executableTarget(
            name: "runner",
            dependencies: ["Config", "Models", "Response", "Tasks", "Report", .product(name: "Logging", package: "swift-log")]
            // Linked as a PIE (the default). Position-dependent (-no-pie) saved about 1 ms of
            // start-up, but its canonical PLT entries made glibc warn "direct reference to
            // protected function" on stderr of every release run (swift-mustache takes the
            // address of Character.isWhitespace).
        ),
        // bench/local.sh: greedy decoding and MCQ scoring through the local backend.
        .executableTarget(
            name: "LocalBenchmark",
            dependencies: ["Models", "Config"],
            path: "bench/LocalBenchmark"
        ),
        // bench/config.sh: compositions per second, in process.
        .executableTarget(
            name: "ConfigBenchmark",
            dependencies: ["Config"],
            path: "bench/ConfigBenchmark"
        ),
        // bench/parquet_decode.py: rows per second decoding a Parquet file to RowBatches.
        .executableTarget(
            name: "ParquetBenchmark",
            dependencies: ["Columnar"],
            path: "bench/ParquetBenchmark"
        ),
        // bench/hub_data.sh: lm-eval's 57 MMLU task files opened from the datasets cache, first prompts built.
        .executableTarget(
            name: "HubDataBenchmark",
            dependencies: ["Config", "Models", "Tasks"],
            path: "bench/HubDataBenchmark"
        ),
        // bench/codecs.sh: Snappy and LZ4 decompression speed against the C libraries.
        .executableTarget(
            name: "CodecBenchmark",
            dependencies: ["Columnar"],
            path: "bench/CodecBenchmark"
        ),
        // bench/arrow.sh: Arrow IPC stream rows per second, against pyarrow.
        .executableTarget(
            name: "ArrowBenchmark",
            dependencies: ["Columnar"],
            path: "bench/ArrowBenchmark"
        ),
        .testTarget(
            name: "ConfigTests",
            dependencies: ["Config", "Diagnostics"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "ModelsTests",
            dependencies: ["Models", "Config", "FakeLLMServer", "Tokenizers", "TestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "ColumnarTests",
            dependencies: ["Columnar"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "TokenizersTests",
            dependencies: ["Tokenizers"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "ResponseTests",
            dependencies: ["Response", "Models", "Config", "FakeLLMServer", "response-driver", "TestSupport",
                           .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "TasksTests",
            dependencies: ["Tasks", "Models", "Response", "Config", "TestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Models", "TestSupport"], exclude: ["Fixtures"]),
        // The fuzz corpus and every past crash, through the fuzz targets' entry points.
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzTargets"]),
        // End-to-end: runs the built `runner` binary on fixture config trees.
        .testTarget(
            name: "RunnerTests",
            dependencies: ["runner", "Config", "TestSupport", "fake-llm-server", "FakeLLMServer", "Models", "Response", "Tasks"],
            exclude: ["Fixtures"]
        ),
    ],
    cxxLanguageStandard: .cxx17
)

// fuzz/run.sh builds one libFuzzer executable per target, only when it asks for them.
if Context.environment["RUNNER_FUZZ"] != nil {
    package.targets.append(.executableTarget(name: "fuzz-runner", dependencies: ["FuzzTargets"], path: "fuzz/Sources/fuzz-runner",
                                             swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
}
