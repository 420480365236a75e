// The scripts people run first (scripts/test, scripts/install, scripts/package-lambda) stop at
// once with one line naming what is missing, before they install or build anything. The machine
// is described to them: a PATH whose first folder holds stand-ins (an old `swift`, a `pkg-config`
// without libcurl, Ubuntu's snap shim for Chromium, and recorders in place of everything that
// installs or builds) and a fake os-release.

import Foundation
import MomentumTestSupport
import Testing

@Suite struct PrerequisiteTests {
    /// A folder of stand-in programs, put first on PATH.
    private static func standIns(_ programs: [String: String]) throws -> URL {
        let folder = try Repository.temporaryFolder("prerequisites")
        for (name, script) in programs {
            let url = folder.appendingPathComponent(name)
            try ("#!/bin/sh\n" + script + "\n").write(to: url, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        return folder
    }

    /// Programs that install or build, each replaced by a recorder that notes its call and fails.
    private static let recorders = ["apt-get", "sudo", "pip", "pip3", "python3", "git", "dpkg-query", "flock"]
        .reduce(into: [String: String]()) { $0[$1] = #"echo "$(basename "$0") $*" >> "$(dirname "$0")/calls"; exit 1"# }

    /// Runs a script of the repository with `folder` first on PATH; returns its result and the
    /// calls the recorders and stand-ins noted (in `folder/calls`).
    private static func script(_ path: String, _ arguments: [String] = [], standIns folder: URL,
                               environment extra: [String: String] = [:]) async throws -> (ProcessResult, [String]) {
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = folder.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        for (name, value) in extra { environment[name] = value }
        let result = try await run("/bin/bash", [Repository.root.appendingPathComponent(path).path] + arguments,
                                   environment: environment)
        let calls = (try? String(contentsOf: folder.appendingPathComponent("calls"), encoding: .utf8)) ?? ""
        return (result, calls.split(separator: "\n").map(String.init))
    }

    /// Swift 5.10, noting each call.
    private static let oldSwift = #"echo "swift $*" >> "$(dirname "$0")/calls"; [ "$1" = --version ] && echo "Swift version 5.10.1 (swift-5.10.1-RELEASE)"; exit 0"#

    @Test(arguments: ["scripts/test", "scripts/test --fast", "scripts/install", "scripts/package-lambda"])
    func anOldSwiftStopsEachScriptAtOnceWithOneLine(_ command: String) async throws {
        let folder = try Self.standIns(Self.recorders.merging(["swift": Self.oldSwift]) { $1 })
        defer { try? FileManager.default.removeItem(at: folder) }
        let words = command.split(separator: " ").map(String.init)
        let (result, calls) = try await Self.script(words[0], Array(words.dropFirst()), standIns: folder)
        #expect(result.status == 1, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.contains("\(words[0]): missing prerequisite: Swift 6.0 or later (found Swift 5.10)") == true, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        // It asked Swift its version and stopped: nothing installed, fetched or built.
        #expect(calls == ["swift --version"], "\(calls)")
    }

    @Test func packageLambdaNamesTheLibcurlPackage() async throws {
        // pkg-config that knows zlib but not libcurl, as on a machine without libcurl4-openssl-dev.
        let folder = try Self.standIns(Self.recorders.merging([
            "pkg-config": #"[ "$1" = --exists ] && [ "$2" = zlib ] && exit 0; exit 1"#,
            "swift": #"echo "swift $*" >> "$(dirname "$0")/calls"; exec "\#(try Self.realSwift())" "$@""#,
        ]) { $1 })
        defer { try? FileManager.default.removeItem(at: folder) }
        let (result, calls) = try await Self.script("scripts/package-lambda", standIns: folder)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr == "scripts/package-lambda: missing prerequisite: libcurl's development files "
            + "(apt-get install libcurl4-openssl-dev): the HTTP transport is built on libcurl\n")
        #expect(calls == ["swift --version"], "nothing was built: \(calls)")
    }

    /// The toolchain's own `swift`, for stand-ins that record and pass through.
    private static func realSwift() throws -> String {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(folder)/swift"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw TestSetupError("no swift on PATH")
    }

    @Test func theFastLoopNamesZlib() async throws {
        let folder = try Self.standIns(["pkg-config": #"[ "$1" = --exists ] && exit 1; exit 0"#])
        defer { try? FileManager.default.removeItem(at: folder) }
        let (result, _) = try await Self.script("scripts/test", ["--fast"], standIns: folder)
        #expect(result.status == 1)
        #expect(result.stderr == "scripts/test: missing prerequisite: zlib's development files (apt-get install zlib1g-dev)\n")
    }

    @Test func tooLittleDiskIsNamedWithWhereAndHowMuch() async throws {
        let folder = try Self.standIns([:])
        defer { try? FileManager.default.removeItem(at: folder) }
        let (result, _) = try await Self.script("scripts/install", ["--prefix", folder.path], standIns: folder,
                                                environment: ["MOMENTUM_MIN_FREE_GIB": "1000000"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("scripts/install: missing prerequisite: 1000000 GiB of free disk under "), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    /// The Chromium check alone, on a described machine: `programs` are the only ones on PATH
    /// besides the few the check itself runs.
    private static func chromiumCheck(osRelease: String, programs: [String: String]) async throws -> ProcessResult {
        let folder = try standIns(programs)
        defer { try? FileManager.default.removeItem(at: folder) }
        for tool in ["readlink", "grep", "head"] {
            try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent(tool).path, withDestinationPath: "/usr/bin/\(tool)")
        }
        let release = folder.appendingPathComponent("os-release")
        try osRelease.write(to: release, atomically: true, encoding: .utf8)
        let library = Repository.root.appendingPathComponent("scripts/lib/prerequisites.sh").path
        return try await run("/bin/bash", ["-c", "PREREQUISITES_FOR=scripts/test; source '\(library)'; chromium_to_install"],
                             environment: ["PATH": folder.path, "MOMENTUM_OS_RELEASE": release.path])
    }

    private static let ubuntu = "NAME=\"Ubuntu\"\nVERSION_ID=\"24.04\"\nID=ubuntu\nID_LIKE=debian\n"
    private static let debian = "NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n"
    /// What Ubuntu's chromium-browser package installs: a script that hands over to the snap.
    private static let snapShim = "exec /snap/bin/chromium \"$@\""

    @Test func ubuntusSnapShimIsRefusedWithWhatToDo() async throws {
        let result = try await Self.chromiumCheck(osRelease: Self.ubuntu, programs: ["chromium-browser": Self.snapShim])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("scripts/test: missing prerequisite: a Chromium that is not a snap (on ubuntu 24.04"), "\(result.stderr)")
        #expect(result.stderr.contains("MOMENTUM_CHROMIUM"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func ubuntuWithNoChromiumAtAllIsRefusedTooNotInstalledAsASnap() async throws {
        let result = try await Self.chromiumCheck(osRelease: Self.ubuntu, programs: [:])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty, "it must not ask apt for the snap shim: \(result.stdout)")
    }

    @Test func aRealChromiumOnUbuntuOrNoneOnDebian() async throws {
        let real = try await Self.chromiumCheck(osRelease: Self.ubuntu, programs: ["chromium": "echo Chromium 131"])
        #expect(real.status == 0 && real.stdout.isEmpty && real.stderr.isEmpty, "\(real.stderr)")
        let debian = try await Self.chromiumCheck(osRelease: Self.debian, programs: [:])
        #expect(debian.status == 0 && debian.stdout == "chromium\n", "\(debian.stderr)")
    }
}
