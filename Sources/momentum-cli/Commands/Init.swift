// `momentum init`: a commented starter config in the current folder.

import ArgumentParser
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a commented starter config (momentum.json) in the current folder.")

    @Flag(help: "Replace an existing momentum.json.")
    var force = false

    static let template = """
    // Momentum configuration. Flags beat environment variables, which beat this file.
    // Spotify credentials never go here: set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET.
    {
      // Where the lake lives: a folder (created on first use) or s3://bucket/prefix.
      "lake": "./lake",

      // Output of commands that print data: table, json or csv. Without a setting: a table on
      // a terminal, JSON otherwise.
      // "format": "table",

      // The market (ISO 3166-1 alpha-2) sent with catalogue requests; without one Spotify
      // lists a release once per market it is sold in.
      "market": "US"

      // Point these at `momentum simulator serve` to try everything without an account:
      // , "spotify_api_url": "http://127.0.0.1:8080/v1"
      // , "spotify_accounts_url": "http://127.0.0.1:8080"
    }

    """

    func run() throws {
        let path = "momentum.json"
        if FileManager.default.fileExists(atPath: path), !force {
            throw CommandFailure.usage("momentum.json already exists here; pass --force to replace it")
        }
        do {
            try Data(Init.template.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CommandFailure.usage("cannot write momentum.json: \(error.localizedDescription)")
        }
        Console.note("wrote momentum.json; next: `momentum artists add <name or Spotify link>`, then `momentum run` daily")
    }
}
