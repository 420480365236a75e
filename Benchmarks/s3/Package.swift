// swift-tools-version:6.0
// The S3 and Parquet benchmark's Swift side: a small executable on LakeKit that uploads,
// downloads and reads Parquet, timed as a whole process against boto3 and pyarrow by bench.py.
// A package of its own, so that nothing of it is resolved by the project's consumers.
import PackageDescription

let package = Package(
    name: "LakeKitBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "Momentum", path: "../..")],
    targets: [
        .executableTarget(name: "lakekit-bench", dependencies: [.product(name: "LakeKit", package: "Momentum"),
                                                                 .product(name: "LakeAnalytics", package: "Momentum"),
                                                                 .product(name: "MomentumAnalytics", package: "Momentum")]),
    ],
    swiftLanguageModes: [.v6]
)
