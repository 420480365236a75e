#!/usr/bin/env bash
# Proves scripts/check-api can fail: in a scratch repository holding MomentumAnalytics alone,
# (1) a removed public function without a version bump, and (2) a source change without a
# changelog entry, must each be refused; (3) the same break with a minor bump and an entry
# must pass. Exit 0 when all three hold.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
mkdir -p Sources Docs scripts
cp -R "$root/Sources/MomentumAnalytics" Sources/
rm -rf Sources/MomentumAnalytics/*.docc
cp "$root/Docs/CHANGELOG-MomentumAnalytics.md" Docs/
cp "$root/scripts/check-api" scripts/
cat > Package.swift <<'MANIFEST'
// swift-tools-version:6.0
import PackageDescription
let package = Package(
    name: "APICheckScratch",
    products: [.library(name: "MomentumAnalytics", targets: ["MomentumAnalytics"])],
    targets: [.target(name: "MomentumAnalytics")],
    swiftLanguageModes: [.v6]
)
MANIFEST
git init -q
git -c user.name=t -c user.email=t@t add -A
git -c user.name=t -c user.email=t@t commit -q -m baseline
commit() { git -c user.name=t -c user.email=t@t commit -q -am "$1"; }
expect_failure() { # expect_failure <what> <text the refusal must contain>
    if scripts/check-api MomentumAnalytics > log 2>&1; then
        cat log >&2; echo "self-test: check-api accepted $1" >&2; exit 1
    fi
    grep -q "$2" log || { cat log >&2; echo "self-test: check-api refused $1 without saying '$2'" >&2; exit 1; }
    echo "self-test: refused $1, as it must" >&2
}

# (1) A public function removed, with a changelog entry but no bump.
python3 - <<'PY'
import re
p = "Sources/MomentumAnalytics/Pipeline/Leaderboard.swift"
s = open(p).read()
s2 = s.replace("public static func defaultAsOf", "static func defaultAsOf", 1)
assert s2 != s
open(p, "w").write(s2)
PY
echo "- removed Leaderboard.defaultAsOf" >> Docs/CHANGELOG-MomentumAnalytics.md
commit "break the API"
expect_failure "a broken API without a bump" "the public API broke"

# (2) A source change without a changelog entry (after a proper bump of the break).
sed -i 's/static let version = "\([0-9]*\)\.\([0-9]*\)\.[0-9]*"/static let version = "\1.9\2.0"/' Sources/MomentumAnalytics/MomentumAnalytics.swift
bumped=$(sed -n 's/.*static let version = "\([^"]*\)".*/\1/p' Sources/MomentumAnalytics/MomentumAnalytics.swift)
printf '\n## [%s] - 2026-11-27\n- removed Leaderboard.defaultAsOf\n' "$bumped" >> Docs/CHANGELOG-MomentumAnalytics.md
commit "bump"
echo "// a change" >> Sources/MomentumAnalytics/Model/Day.swift
commit "change without an entry"
expect_failure "a source change without a changelog entry" "did not; add an entry"

# (3) The same, with an entry: accepted.
echo "- a comment" >> Docs/CHANGELOG-MomentumAnalytics.md
commit "entry"
scripts/check-api MomentumAnalytics > log 2>&1 || { cat log >&2; echo "self-test: check-api refused a compatible change with an entry" >&2; exit 1; }
echo "self-test: accepted a compatible change with an entry" >&2
