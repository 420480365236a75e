// swift-tools-version:6.0
// Momentum: Spotify artist momentum, from API to data lake to dashboard.
//
// Libraries that stand alone (none depends on another but the HTTP core under the clients) and
// one thin executable that composes them. Benchmarks live in their own package under Benchmarks/ so that consumers
// never resolve benchmark-only dependencies.
import PackageDescription

let package = Package(
    name: "Momentum",
    platforms: [.macOS(.v13)],
    products: [
        // The one HTTP core under every client: transport seam, retries, expiring values.
        .library(name: "MomentumHTTP", targets: ["MomentumHTTP"]),
        .library(name: "SpotifyKit", targets: ["SpotifyKit"]),
        .library(name: "LakeKit", targets: ["LakeKit"]),
        .library(name: "MomentumAnalytics", targets: ["MomentumAnalytics"]),
        // The bridge: the lake's raw records and processed tables as MomentumAnalytics' types.
        .library(name: "LakeAnalytics", targets: ["LakeAnalytics"]),
        // Analytics in, one self-contained HTML page out.
        .library(name: "MomentumDashboard", targets: ["MomentumDashboard"]),
        // Deezer, Last.fm and MusicBrainz: the audience beyond Spotify, on the same HTTP core.
        .library(name: "AudienceKit", targets: ["AudienceKit"]),
        // Alert rules on the processed tables, and their messages to Slack, Discord and webhooks.
        .library(name: "MomentumAlerts", targets: ["MomentumAlerts"]),
        // A companion of SpotifyKit for tests and demos, as swift-log ships InMemoryLogging.
        .library(name: "SpotifySimulator", targets: ["SpotifySimulator"]),
        .executable(name: "momentum", targets: ["momentum-cli"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // SHA-256 and HMAC for AWS Signature Version 4 (LakeKit/AWS); never hand-written.
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        // `swift package generate-documentation`: builds the DocC catalogs (scripts/test runs it
        // with warnings as errors). A command plugin: nothing of it is linked into a product.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The metric contract: pure functions over value types. No dependencies, no I/O.
        .target(name: "MomentumAnalytics"),

        // Text written by hand: escaping for JSON strings, XML and HTML, and grouped numbers. One
        // implementation under LakeKit, the simulator, the dashboard and the CLI. Internal: no
        // product of its own, no dependencies, `package` API only.
        .target(name: "MomentumText"),

        // The dashboard page (HTML, SVG, a small script) from MomentumAnalytics' results.
        .target(name: "MomentumDashboard", dependencies: ["MomentumAnalytics", "MomentumText"]),

        // Object stores, JSON Lines, Parquet.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .target(
            name: "LakeKit",
            dependencies: ["CZlib", "MomentumHTTP", "MomentumText", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "Logging", package: "swift-log")]
        ),

        // LakeKit's JSON Lines and Parquet for MomentumAnalytics' inputs and outputs: the one
        // conversion between them, public for embedders and used by the engine.
        .target(name: "LakeAnalytics", dependencies: ["LakeKit", "MomentumAnalytics", "MomentumText"]),

        // Typed calls into libcurl (already on every Linux machine FoundationNetworking runs on):
        // URLSession on Linux burns most of a core while it waits for an answer.
        .target(name: "CCurlShims",
                linkerSettings: [.linkedLibrary("curl")]),
        // The transport seam, one retry policy, one cache for values that expire.
        .target(name: "MomentumHTTP", dependencies: ["CCurlShims", .product(name: "Logging", package: "swift-log")]),

        // Spotify Web API client.
        .target(
            name: "SpotifyKit",
            dependencies: ["MomentumHTTP", .product(name: "Logging", package: "swift-log")]
        ),

        // The audience on other public sources: Deezer, Last.fm, MusicBrainz.
        .target(
            name: "AudienceKit",
            dependencies: ["MomentumHTTP", .product(name: "Logging", package: "swift-log")]
        ),

        // Alert rules (pure, on MomentumAnalytics' types) and their delivery on the HTTP core;
        // swift-crypto for Standard Webhooks' HMAC-SHA256 and the alerts' stable ids.
        .target(
            name: "MomentumAlerts",
            dependencies: ["MomentumAnalytics", "MomentumHTTP", "MomentumText", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "Logging", package: "swift-log")]
        ),

        // A deterministic Spotify Web API, in process or served on 127.0.0.1.
        .target(name: "SpotifySimulator", dependencies: ["SpotifyKit", "MomentumHTTP", "MomentumText"]),

        // The local engine: reads a lake with LakeKit, computes with MomentumAnalytics.
        // Internal to this package; the CLI is its only client for now.
        .target(
            name: "MomentumEngine",
            dependencies: [
                "LakeKit",
                "LakeAnalytics",
                "MomentumHTTP",
                "MomentumAnalytics",
                "MomentumDashboard",
                "SpotifyKit",
                "AudienceKit",
                "MomentumAlerts",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The generators of deploy/ (the state machine's definition, Terraform's Glue tables):
        // a tool target, as swift-argument-parser keeps generate-manual out of its product, so
        // they stay out of the command and its Lambda zip. Tests run them and compare.
        .target(name: "MomentumDeploy", dependencies: ["MomentumEngine", "LakeKit", "LakeAnalytics", "MomentumAnalytics"]),
        .executableTarget(
            name: "momentum-cli",
            dependencies: [
                "MomentumEngine",
                "MomentumDashboard",
                "MomentumHTTP",
                "MomentumText",
                "LakeKit",
                "LakeAnalytics",
                "MomentumAnalytics",
                "SpotifyKit",
                "AudienceKit",
                "MomentumAlerts",
                "SpotifySimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Tests: one target per product, plus shared helpers (paths, outside tools).
        .target(name: "MomentumTestSupport", path: "Tests/Support"),
        .testTarget(
            name: "MomentumHTTPTests",
            dependencies: ["MomentumHTTP", "MomentumTestSupport", .product(name: "InMemoryLogging", package: "swift-log")]
        ),
        .testTarget(name: "MomentumTextTests", dependencies: ["MomentumText"]),
        .testTarget(name: "MomentumDashboardTests", dependencies: ["MomentumDashboard", "MomentumAnalytics", "MomentumTestSupport"]),
        .testTarget(name: "MomentumAnalyticsTests", dependencies: ["MomentumAnalytics", "MomentumTestSupport"]),
        .testTarget(name: "LakeAnalyticsTests", dependencies: ["LakeAnalytics", "LakeKit", "MomentumAnalytics", "MomentumTestSupport"]),
        // LakeAnalytics and MomentumAnalytics for the lake contract's own records in storage tests.
        .testTarget(name: "LakeKitTests", dependencies: ["LakeKit", "LakeAnalytics", "MomentumAnalytics", "MomentumHTTP", "MomentumTestSupport",
                                                       .product(name: "InMemoryLogging", package: "swift-log")]),
        .testTarget(
            name: "SpotifyKitTests",
            dependencies: [
                "SpotifyKit", "MomentumHTTP", "SpotifySimulator", "MomentumTestSupport",
                .product(name: "InMemoryLogging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "AudienceKitTests", dependencies: [
            "AudienceKit", "MomentumHTTP", "SpotifySimulator", "MomentumTestSupport",
            .product(name: "Logging", package: "swift-log"), .product(name: "InMemoryLogging", package: "swift-log"),
        ]),
        .testTarget(name: "MomentumAlertsTests", dependencies: [
            "MomentumAlerts", "MomentumAnalytics", "MomentumHTTP", "MomentumTestSupport",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "SpotifySimulatorTests", dependencies: ["SpotifySimulator", "SpotifyKit", "MomentumHTTP"]),
        // The engine's jobs called directly (no command line): ingestion, transforms, Athena
        // promotion, cancellation, the deploy generators.
        .testTarget(
            name: "MomentumEngineTests",
            dependencies: ["MomentumEngine", "MomentumDeploy", "LakeKit", "LakeAnalytics", "MomentumHTTP", "MomentumAnalytics",
                           "SpotifyKit", "SpotifySimulator", "AudienceKit", "MomentumTestSupport", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(
            name: "MomentumCLITests",
            dependencies: ["MomentumEngine", "MomentumDeploy", "LakeKit", "LakeAnalytics", "MomentumHTTP", "MomentumAnalytics", "MomentumDashboard", "SpotifyKit", "SpotifySimulator", "MomentumAlerts", "MomentumTestSupport", "momentum-cli"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
