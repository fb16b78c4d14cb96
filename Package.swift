// swift-tools-version:6.1
import PackageDescription

/// Settings shared by every target, declared once.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Opossum",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Opossum", targets: ["Opossum"]),
        .library(name: "OpossumSync", targets: ["OpossumSync"]),
        .library(name: "OpossumCurl", targets: ["OpossumCurl"]),
        .library(name: "OpossumHub", targets: ["OpossumHub"]),
        .library(name: "FieldService", targets: ["FieldService"]),
        .executable(name: "opossum", targets: ["opossum"]),
        .executable(name: "opossum-bench", targets: ["opossum-bench"]),
        .executable(name: "opossum-bench-reader", targets: ["opossum-bench-reader"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .target(
            name: "Opossum",
            dependencies: ["CCRC32C"],
            swiftSettings: swiftSettings
        ),
        .target(name: "CCRC32C"),
        .target(
            name: "OpossumSync",
            dependencies: [
                "Opossum",
                "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "OpossumCurl",
            dependencies: ["Opossum", "OpossumSync", "CCurl"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OpossumHub",
            dependencies: [
                "Opossum",
                "OpossumSync",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FieldService",
            dependencies: ["Opossum"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "opossum-example-worker",
            dependencies: ["Opossum", "FieldService"],
            path: "Tests/ExampleWorker",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FieldServiceTests",
            dependencies: ["FieldService", "Opossum"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "opossum",
            dependencies: [
                "Opossum",
                "OpossumSync",
                "OpossumCurl",
                "OpossumHub",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .executableTarget(
            name: "opossum-bench",
            dependencies: [
                "Opossum",
                "OpossumSync",
                "OpossumCurl",
                "OpossumHub",
                "OpossumBenchBaseline",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OpossumBenchBaseline",
            dependencies: ["Opossum", "CSQLite"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "opossum-bench-reader",
            dependencies: ["Opossum", "OpossumBenchBaseline"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "opossum-crash-writer",
            dependencies: ["Opossum"],
            path: "Tests/CrashWriter",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "opossum-projection-worker",
            dependencies: ["Opossum"],
            path: "Tests/ProjectionWorker",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "opossum-soak",
            dependencies: [
                "Opossum",
                "OpossumTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tests/Soak",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OpossumFuzzTargets",
            dependencies: [
                "Opossum",
                "OpossumSync",
                "OpossumHub",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/FuzzTargets",
            swiftSettings: swiftSettings
        ),
        .target(name: "CLibFuzzer", path: "Tests/CLibFuzzer"),
        .executableTarget(
            name: "opossum-fuzz",
            dependencies: ["OpossumFuzzTargets", "CLibFuzzer"],
            path: "Tests/Fuzz",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FuzzCorpusTests",
            dependencies: ["OpossumFuzzTargets", "OpossumTestSupport"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OpossumTestSupport",
            dependencies: ["Opossum"],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OpossumTests",
            dependencies: ["Opossum", "FieldService", "opossum-example-worker", "OpossumTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OpossumSyncTests",
            dependencies: ["OpossumSync", "Opossum", "OpossumTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OpossumCurlTests",
            dependencies: [
                "OpossumCurl",
                "OpossumSync",
                "OpossumTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OpossumHubTests",
            dependencies: [
                "OpossumHub",
                "OpossumCurl",
                "OpossumSync",
                "Opossum",
                "FieldService",
                "OpossumTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["Opossum", "OpossumTestSupport"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
