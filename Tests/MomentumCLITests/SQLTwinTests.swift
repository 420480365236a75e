// The SQL twin of artist_daily: it parses as Athena's dialect (sqlglot), and DuckDB running it
// over a lake's raw JSON Lines gives exactly the Swift engine's artist_daily, row for row and
// value for value. Names from configuration cannot inject SQL.

import Foundation
import MomentumEngine
import MomentumTestSupport
import Testing

@Suite struct SQLTwinTests {
    @Test(arguments: ["x; DROP TABLE y", "Momentum", "a-b", "", "raw\"x"])
    func namesThatAreNotPlainIdentifiersAreRefused(_ name: String) {
        #expect(throws: EngineError.self) { _ = try ArtistDailySQL.select(database: name) }
        #expect(throws: EngineError.self) { _ = try ArtistDailySQL.select(database: "momentum", metricsTable: name) }
    }

    @Test(.enabled(if: OutsideTools.enabled, "needs MOMENTUM_OUTSIDE_TOOLS=1 (scripts/test)"), arguments: [("demo", 9), ("hand", 0)])
    func duckDBRunningTheSQLGivesTheSwiftEnginesArtistDaily(_ lakeKind: String, _ seed: Int) throws {
        let work = try Repository.temporaryFolder("sql-twin")
        defer { try? FileManager.default.removeItem(at: work) }
        let lake: URL
        if lakeKind == "demo" {
            let demo = try run(Repository.momentumBinary().path, ["demo", "--dir", work.path, "--artists", "15", "--days", "150", "--seed", "\(seed)", "--quiet"])
            try #require(demo.status == 0, "\(demo.stderr)")
            lake = work.appendingPathComponent("lake")
        } else {
            lake = work.appendingPathComponent("lake")
            try writeHandMadeLake(at: lake)
            let transform = try run(Repository.momentumBinary().path, ["transform", "--lake", lake.path, "--quiet"])
            try #require(transform.status == 0, "\(transform.stderr)")
        }
        let sqlFile = work.appendingPathComponent("artist_daily.sql")
        try Data(ArtistDailySQL.select(database: "momentum").utf8).write(to: sqlFile)
        let parsed = try OutsideTools.runScript("sql_twin_parse.py", [sqlFile.path])
        #expect(parsed.status == 0, "\(parsed.stdout)\(parsed.stderr)")
        let compared = try OutsideTools.runScript("sql_twin_duckdb.py", [lake.path, sqlFile.path, "momentum"])
        #expect(compared.status == 0, "\(compared.stdout)\(compared.stderr)")
        #expect(compared.stdout.contains("\"rows\""))
    }
}
