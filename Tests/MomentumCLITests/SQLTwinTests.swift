// The SQL twin of artist_daily: it parses as Athena's dialect (sqlglot), and DuckDB running it
// over a lake's raw JSON Lines gives exactly the Swift engine's artist_daily, row for row and
// value for value; so do the statements `transform --engine athena --dry-run` prints, full and
// incremental (the latter reading only its window of raw partitions plus the stored months).
// Names from configuration cannot inject SQL.

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

    @Test(.tags(.outsideTools), arguments: [("demo", 9), ("hand", 0)])
    func duckDBRunningTheSQLGivesTheSwiftEnginesArtistDaily(_ lakeKind: String, _ seed: Int) async throws {
        let work = try Repository.temporaryFolder("sql-twin")
        defer { try? FileManager.default.removeItem(at: work) }
        let lake: URL
        if lakeKind == "demo" {
            let demo = try await run(Repository.momentumBinary().path, ["demo", "--dir", work.path, "--artists", "15", "--days", "150", "--seed", "\(seed)", "--quiet"])
            try #require(demo.status == 0, "\(demo.stderr)")
            lake = work.appendingPathComponent("lake")
        } else {
            lake = work.appendingPathComponent("lake")
            try writeHandMadeLake(at: lake)
            let transform = try await run(Repository.momentumBinary().path, ["transform", "--lake", lake.path, "--quiet"])
            try #require(transform.status == 0, "\(transform.stderr)")
        }
        let sqlFile = work.appendingPathComponent("artist_daily.sql")
        try Data(ArtistDailySQL.select(database: "momentum").utf8).write(to: sqlFile)
        let parsed = try await OutsideTools.runScript("sql_twin_parse.py", [sqlFile.path])
        #expect(parsed.status == 0, "\(parsed.stdout)\(parsed.stderr)")
        let compared = try await OutsideTools.runScript("sql_twin_duckdb.py", [lake.path, sqlFile.path, "momentum"])
        #expect(compared.status == 0, "\(compared.stdout)\(compared.stderr)")
        #expect(compared.stdout.contains("\"rows\""))
    }

    /// Section 8: `audience_daily`'s statement parses as Athena SQL and gives the Swift engine's
    /// rows on DuckDB; a lake with audience series plans it (full: they are rebuilt in full).
    @Test(.tags(.outsideTools))
    func duckDBRunningTheAudienceSQLGivesTheSwiftEnginesAudienceDaily() async throws {
        let work = try Repository.temporaryFolder("sql-twin-audience")
        defer { try? FileManager.default.removeItem(at: work) }
        let lake = work.appendingPathComponent("lake")
        let generated = try await OutsideTools.runScript("generate_lake.py", ["--out", lake.path, "--artists", "14", "--days", "120", "--seed", "21", "--audience"])
        try #require(generated.status == 0, "\(generated.stderr)")
        let transform = try await run(Repository.momentumBinary().path, ["transform", "--lake", lake.path, "--quiet"])
        try #require(transform.status == 0, "\(transform.stderr)")
        let sqlFile = work.appendingPathComponent("audience_daily.sql")
        try Data(AudienceDailySQL.select(database: "momentum").utf8).write(to: sqlFile)
        let parsed = try await OutsideTools.runScript("sql_twin_parse.py", [sqlFile.path])
        #expect(parsed.status == 0, "\(parsed.stdout)\(parsed.stderr)")
        let compared = try await OutsideTools.runScript("sql_twin_duckdb.py", [lake.path, sqlFile.path, "momentum", "--table", "audience_daily"])
        #expect(compared.status == 0 && compared.stdout.contains("\"rows\""), "\(compared.stdout)\(compared.stderr)")

        let (plan, _, _) = try await dryRun(lake, work: work, full: true)
        #expect(plan["audience_months"] as? [String] == ["2026-01", "2026-02", "2026-03", "2026-04"])
        let steps = try #require(plan["steps"] as? [[String: Any]])
        let audienceQuery = try #require(steps.first { ($0["description"] as? String)?.contains("audience_daily months") == true }?["query"] as? String)
        let queryFile = work.appendingPathComponent("plan-audience.sql")
        try Data(audienceQuery.utf8).write(to: queryFile)
        let planned = try await OutsideTools.runScript("sql_twin_duckdb.py", [lake.path, queryFile.path, "momentum", "--table", "audience_daily"])
        #expect(planned.status == 0, "\(planned.stdout)\(planned.stderr)")
    }

    /// The dry run's statements and the JSON plan's first query.
    private func dryRun(_ lake: URL, work: URL, full: Bool = false) async throws -> (plan: [String: Any], script: URL, query: URL) {
        let text = try await momentum(["transform", "--engine", "athena", "--dry-run", "--lake", lake.path] + (full ? ["--full"] : []))
        try #require(text.status == 0, "\(text.stderr)")
        let script = work.appendingPathComponent("plan-\(UUID().uuidString.prefix(6)).sql")
        try Data(text.stdout.utf8).write(to: script)
        let json = try await momentum(["transform", "--engine", "athena", "--dry-run", "--format", "json", "--lake", lake.path] + (full ? ["--full"] : []))
        try #require(json.status == 0, "\(json.stderr)")
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let steps = try #require(plan["steps"] as? [[String: Any]])
        let query = try #require(steps.first { $0["kind"] as? String == "athena_query" }?["query"] as? String)
        let queryFile = work.appendingPathComponent("query-\(UUID().uuidString.prefix(6)).sql")
        try Data(query.utf8).write(to: queryFile)
        return (plan, script, queryFile)
    }

    @Test(.tags(.outsideTools))
    func theDryRunsStatementsParseAndRunOnDuckDBFullAndIncremental() async throws {
        let work = try Repository.temporaryFolder("sql-twin-plan")
        defer { try? FileManager.default.removeItem(at: work) }
        let demo = try await momentum(["demo", "--dir", work.path, "--artists", "12", "--days", "120", "--seed", "4", "--quiet"])
        try #require(demo.status == 0, "\(demo.stderr)")
        let lake = work.appendingPathComponent("lake")
        // The last day held back: the first plan is a full rebuild, the second incremental.
        let metrics = lake.appendingPathComponent("raw/artist_metrics")
        let lastDay = try #require(try FileManager.default.contentsOfDirectory(atPath: metrics.path).sorted().last)
        try FileManager.default.moveItem(at: metrics.appendingPathComponent(lastDay), to: work.appendingPathComponent(lastDay))
        try #require(try await momentum(["transform", "--lake", lake.path, "--full", "--quiet"]).status == 0)
        try FileManager.default.removeItem(atPath: lake.appendingPathComponent("state/transform.json").path)

        let full = try await dryRun(lake, work: work)
        #expect(full.plan["mode"] as? String == "full")
        let parsedFull = try await OutsideTools.runScript("sql_twin_parse.py", [full.script.path])
        #expect(parsedFull.status == 0, "\(parsedFull.stdout)\(parsedFull.stderr)")
        let comparedFull = try await OutsideTools.runScript("sql_twin_duckdb.py", [lake.path, full.query.path, "momentum"])
        #expect(comparedFull.status == 0, "\(comparedFull.stdout)\(comparedFull.stderr)")

        try #require(try await momentum(["transform", "--lake", lake.path, "--full", "--quiet"]).status == 0)
        try FileManager.default.moveItem(at: work.appendingPathComponent(lastDay), to: metrics.appendingPathComponent(lastDay))
        let incremental = try await dryRun(lake, work: work)
        #expect(incremental.plan["mode"] as? String == "incremental")
        let firstDay = try #require(incremental.plan["first_day"] as? String)
        let parsed = try await OutsideTools.runScript("sql_twin_parse.py", [incremental.script.path])
        #expect(parsed.status == 0, "\(parsed.stdout)\(parsed.stderr)")
        // The stored months stand in for older raw data: bring the lake's tables up to date
        // (their months before the window do not change), then compare the window.
        try #require(try await momentum(["transform", "--lake", lake.path, "--quiet"]).status == 0)
        let compared = try await OutsideTools.runScript("sql_twin_duckdb.py", [lake.path, incremental.query.path, "momentum", firstDay])
        #expect(compared.status == 0 && compared.stdout.contains("\"rows\""), "\(compared.stdout)\(compared.stderr)")
    }

    @Test func moreThanAHundredMonthsAreBatchedAndEveryStatementIsNamedAndBounded() throws {
        let months = (0..<250).map { String(format: "%04d-%02d", 2000 + $0 / 12, $0 % 12 + 1) }
        let plan = try AthenaTransformPlan.make(scope: .full(reason: "test"), months: months, root: "s3://bucket/lake", runID: "20261127T000000Z-00000001",
                                                database: "momentum", workgroup: "primary", athenaOutput: "s3://bucket/lake/_athena/results/")
        let statements = plan.statements
        #expect(statements.count == 3)
        #expect(statements.map { $0.months?.count ?? 0 } == [100, 100, 50])
        #expect(statements[0].sql?.hasPrefix("CREATE TABLE \"momentum\".\"momentum_staging_20261127t000000z_00000001\"") == true)
        #expect(statements[1].sql?.hasPrefix("INSERT INTO \"momentum\".\"momentum_staging_20261127t000000z_00000001\"") == true)
        #expect(statements[2].query?.hasSuffix("WHERE month BETWEEN '2016-09' AND '2020-10'") == true)
        #expect(Set(statements.compactMap(\.clientRequestToken)).count == 3 && statements.allSatisfy { ($0.clientRequestToken?.count ?? 0) >= 32 })
        #expect(throws: EngineError.self) {
            _ = try AthenaTransformPlan.make(scope: .full(reason: "test"), months: months, root: "s3://bucket/lake", runID: "r", database: "x; DROP TABLE y",
                                             workgroup: "primary", athenaOutput: "s3://bucket/results/")
        }
        let upToDate = try AthenaTransformPlan.make(scope: .upToDate, months: months, root: "s3://b/l", runID: "r", database: "momentum",
                                                    workgroup: "primary", athenaOutput: "s3://b/r/")
        #expect(upToDate.steps.isEmpty && upToDate.script.contains("nothing to do"))
    }
}
