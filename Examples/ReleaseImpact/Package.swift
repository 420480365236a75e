// swift-tools-version:6.0
// A consumer of MomentumAnalytics alone: proof that the product embeds without LakeKit,
// SpotifyKit or any package dependency of theirs being built.
import PackageDescription

let package = Package(
    name: "ReleaseImpact",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "Momentum", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "ReleaseImpact",
            dependencies: [.product(name: "MomentumAnalytics", package: "Momentum")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
