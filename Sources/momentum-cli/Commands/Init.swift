// `momentum init`: a starter config in the current folder. Plain JSON (jq and every JSON parser
// read it); the settings are explained here and in the README, not in the file.

import ArgumentParser
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a starter config (momentum.json) in the current folder.",
        discussion: """
        momentum.json holds settings shared by every command; flags beat environment \
        variables, which beat the file. Keys:

          lake                  where the lake lives: a folder (created on first use; a relative \
        path is relative to the file's folder) or s3://bucket/prefix. Env: MOMENTUM_LAKE.
          format                output of the commands that print data: table, json or csv. \
        Without it: a table on a terminal, JSON otherwise.
          market                the market (ISO 3166-1 alpha-2) sent with catalogue requests. \
        Env: SPOTIFY_MARKET.
          spotify_api_url       the Spotify Web API (default https://api.spotify.com/v1); point it \
        at `momentum simulator serve` to try everything without an account. Env: SPOTIFY_API_URL.
          spotify_accounts_url  the token service (default https://accounts.spotify.com). Env: \
        SPOTIFY_ACCOUNTS_URL.
          database              the Glue database of `catalog sync` and `transform --engine athena` \
        (default momentum).
          workgroup             the Athena workgroup of `transform --engine athena` (default primary).
          athena_output         where Athena writes query results, s3://... (default \
        <lake>/_athena/results/).
          alerts                alert rules for `momentum alerts` and `momentum run`: new releases, \
        spikes, growth, the leaderboard, milestones, release impacts (Docs/Alerts.md). The starter \
        file prints new releases and spikes on standard output.
          alert_destinations    where rules send, by name: slack, discord, webhook (signed), sns; \
        their URLs and secrets come from the environment (MOMENTUM_ALERT_<NAME>_URL, _SECRET).
          dashboard_url         where the dashboard is served, for the alerts' link.

        Unknown keys are reported with the closest known one. Credentials never go in the file: \
        set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET.
        """
    )

    @Flag(help: "Replace an existing momentum.json.")
    var force = false

    static let template = """
    {
      "lake": "./lake",
      "market": "US",
      "alerts": [
        {"id": "new-releases", "kind": "new_release", "destinations": ["stdout"]},
        {"id": "spikes", "kind": "spike", "destinations": ["stdout"]}
      ]
    }

    """

    func run() throws {
        let path = "momentum.json"
        if FileManager.default.fileExists(atPath: path), !force {
            throw CommandFailure.usage("momentum.json already exists here; pass --force to replace it")
        }
        do {
            try OutputFile.write(Data(Init.template.utf8), to: path)
        } catch {
            throw CommandFailure.usage("cannot write momentum.json: \(error.localizedDescription)")
        }
        Console.note("""
        wrote momentum.json (settings: `momentum init --help`)
        next: `momentum artists add <name or Spotify link>`, then `momentum run` daily
        """)
    }
}
