# Sourced by scripts/install, scripts/package-lambda and the benchmarks' run scripts: the one
# release build of `momentum`, so what is measured is what is installed and deployed.
#
# The Swift runtime and Foundation are linked in (--static-swift-stdlib): Lambda's Amazon Linux
# has neither, and a static binary starts in 12 ms instead of 19 (the dynamic one spends the
# difference binding Foundation's symbols), 5 % of a 2,000-artist transform. Arguments are
# passed on to `swift build` (e.g. --scratch-path DIR).
build_momentum_release() {
    swift build -c release --product momentum --static-swift-stdlib "$@"
}
