// `momentum`: a thin command line over SpotifyKit, LakeKit and MomentumAnalytics.

import ArgumentParser
import Foundation
import LakeKit
import MomentumAnalytics
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
            Releases.self, DashboardCommand.self, Catalog.self, Simulator.self,
        ]
    )

    static var versionText: String {
        """
        momentum \(MomentumCLI.version)
        SpotifyKit \(SpotifyKit.version)
        SpotifySimulator \(SpotifySimulator.version)
        LakeKit \(LakeKit.version)
        MomentumAnalytics \(MomentumAnalytics.version) (metric contract v\(MomentumAnalytics.metricContractVersion))
        """
    }

    /// Parses, runs, and maps every failure to the exit codes of the CLI contract.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withContractCode: error)
        }
    }

    static func exit(withContractCode error: Error) -> Never {
        switch error {
        case let failure as CommandFailure:
            Console.error(failure.message)
            Foundation.exit(failure.code.rawValue)
        case let engine as EngineErrorConvertible:
            Console.error(engine.userMessage)
            Foundation.exit(ExitStatus.usage.rawValue)
        case let spotify as SpotifyError:
            // Spotify refused or could not be reached: 3. Bad input (an id, a setting): 2.
            Console.error(spotify.message)
            Foundation.exit(spotify.isServiceFailure ? ExitStatus.unavailable.rawValue : ExitStatus.usage.rawValue)
        case let s3 as S3Error:
            // S3 refused (access, signature, missing bucket) or failed after retries: 3.
            Console.error(s3.description)
            Foundation.exit(ExitStatus.unavailable.rawValue)
        case let query as AthenaQueryFailure:
            // Athena's reason, verbatim, with the query id.
            Console.error(query.description)
            Foundation.exit(ExitStatus.unavailable.rawValue)
        case let service as AWSServiceError:
            Console.error(service.description)
            Foundation.exit(ExitStatus.unavailable.rawValue)
        case let transport as AWSTransportError:
            Console.error("AWS unreachable: \(transport.description) (check the AWS_ENDPOINT_URL_* variables or the network)")
            Foundation.exit(ExitStatus.unavailable.rawValue)
        case let lake as LakeError where lake.isKind(of: .credentialsKind):
            Console.error(lake.message)
            Foundation.exit(ExitStatus.usage.rawValue)
        default:
            let code = exitCode(for: error)
            if code == .success {
                // --help and --version.
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            if code == .validationFailure || error is ValidationError {
                Console.error(fullMessage(for: error))
                Foundation.exit(ExitStatus.usage.rawValue)
            }
            if let lake = error as? LakeError {
                Console.error(lake.message)
                Foundation.exit(ExitStatus.failed.rawValue)
            }
            if let cancelled = error as? CancellationError {
                Console.error("cancelled: \(cancelled)")
                Foundation.exit(ExitStatus.failed.rawValue)
            }
            Console.error(fullMessage(for: error))
            Foundation.exit(ExitStatus.failed.rawValue)
        }
    }
}

/// The version of the command-line tool itself.
enum MomentumCLI {
    static let version = "0.3.0"
}
