// `momentum`: a thin command line over SpotifyKit, LakeKit and MomentumAnalytics.

import ArgumentParser
import AudienceKit
import Foundation
import LakeAnalytics
import LakeKit
import MomentumAlerts
import MomentumAnalytics
import MomentumDashboard
import MomentumHTTP
import SpotifyKit
import SpotifySimulator

@main
struct Momentum: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "momentum",
        abstract: "Track Spotify artists' momentum: snapshots, releases, growth and release impact.",
        discussion: """
        Start with `momentum demo` (no account needed). The lake is a local folder (--lake, \
        MOMENTUM_LAKE or "lake" in momentum.json; default ./lake).

        Exit codes: 0 success, 1 some items failed, 2 usage or configuration error, \
        3 an external service refused or was unreachable.
        """,
        version: Momentum.versionText,
        subcommands: [
            Demo.self, Init.self, Artists.self, Ingest.self, Import.self, Run.self, Transform.self, Report.self,
            Releases.self, DashboardCommand.self, Alerts.self, Catalog.self, Simulator.self, LambdaCommand.self,
        ]
    )

    static var versionText: String {
        """
        momentum \(MomentumCLI.version)
        MomentumHTTP \(MomentumHTTP.version)
        SpotifyKit \(SpotifyKit.version)
        SpotifySimulator \(SpotifySimulator.version)
        AudienceKit \(AudienceKit.version)
        LakeKit \(LakeKit.version)
        LakeAnalytics \(LakeAnalytics.version)
        MomentumAnalytics \(MomentumAnalytics.version) (metric contract v\(MomentumAnalytics.metricContractVersion))
        MomentumDashboard \(MomentumDashboard.version)
        MomentumAlerts \(MomentumAlerts.version)
        """
    }

    /// Parses, runs, and maps every failure to the exit codes of the CLI contract.
    static func main() async {
        do {
            try await run(arguments: nil)
        } catch {
            exit(withContractCode: error)
        }
    }

    /// Parses `arguments` (the process's when nil) and runs the command they name; shared by
    /// the command line and `momentum lambda`.
    static func run(arguments: [String]?) async throws {
        var command = try parseAsRoot(arguments)
        if var asynchronous = command as? AsyncParsableCommand {
            try await asynchronous.run()
        } else {
            try command.run()
        }
    }

    static func exit(withContractCode error: Error) -> Never {
        let outcome = contractOutcome(of: error)
        if outcome.code == .success {
            // --help and --version.
            print(outcome.message)
        } else {
            Console.error(outcome.message)
        }
        Foundation.exit(outcome.code.rawValue)
    }

    /// The exit code of the CLI contract for an error, and the message for the user; shared by
    /// the command line and `momentum lambda`.
    static func contractOutcome(of error: Error) -> (code: ExitStatus, message: String) {
        switch error {
        case let failure as CommandFailure:
            return (failure.code, failure.message)
        case let engine as EngineErrorConvertible:
            return (.usage, engine.userMessage)
        case let spotify as SpotifyError:
            // Spotify refused or could not be reached: 3. Bad input (an id, a setting): 2.
            return (spotify.isServiceFailure ? .unavailable : .usage, spotify.message)
        case let s3 as S3Error:
            // S3 refused (access, signature, missing bucket) or failed after retries: 3.
            return (.unavailable, s3.description)
        case let query as AthenaQueryFailure:
            // Athena's reason, verbatim, with the query id.
            return (.unavailable, query.description)
        case let service as AWSServiceError:
            return (.unavailable, service.description)
        case let transport as TransportError:
            return (.unavailable, "AWS unreachable: \(transport.description) (check the AWS_ENDPOINT_URL_* variables or the network)")
        case let lake as LakeError where lake.isKind(of: .credentialsKind) || lake.isKind(of: .invalidArgumentKind) || lake.isKind(of: .invalidKeyKind):
            return (.usage, lake.message)
        case let lake as LakeError where lake.isKind(of: .lockedKind):
            return (.lakeBusy, lake.message)
        case let lake as LakeError:
            // Stored data that cannot be decoded or lacks a column, a missing object, a full
            // disk, a permission: the lake or the machine, not the user's input.
            return (.storage, lake.message)
        default:
            let code = exitCode(for: error)
            if code == .success { return (.success, fullMessage(for: error)) }
            if code == .validationFailure || error is ValidationError { return (.usage, fullMessage(for: error)) }
            if let cancelled = error as? CancellationError { return (.failed, "cancelled: \(cancelled)") }
            return (.failed, fullMessage(for: error))
        }
    }
}

/// The version of the command-line tool itself.
enum MomentumCLI {
    static let version = "0.3.0"
}
