// The daily pipeline's state machine (deploy/state-machine/pipeline.asl.json): committed as the
// generator makes it from the transform's plan; its steps carried out by `momentum lambda`
// against SeaweedFS, moto's Glue and the Athena double, leaving the tables the local engine
// makes; and the machine itself run in moto's Step Functions interpreter with the function's
// real answers: every state in order, a failing Athena query down the Catch path to the
// failure topic, and a second execution of a day stopped at its claim, the lake untouched.

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LakeKit
import MomentumAnalytics
import MomentumDeploy
import MomentumEngine
import MomentumTestSupport
import Testing

@Suite(.serialized) struct PipelineStateMachineTests {
    @Test func theCommittedDefinitionIsWhatTheGeneratorMakesOfThePlan() throws {
        let generated = try PipelineStateMachine.definitionText(for: try PipelineStateMachine.referencePlan())
        let url = Repository.root.appendingPathComponent(PipelineStateMachine.path)
        if ProcessInfo.processInfo.environment["MOMENTUM_UPDATE_DEPLOY"] == "1" {
            try generated.write(to: url, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(committed == generated, "\(PipelineStateMachine.path) is not what the generator makes: MOMENTUM_UPDATE_DEPLOY=1 swift test --filter PipelineStateMachineTests writes it")
    }

    @Test func everyPlanGivesTheSameMachineAndEveryTaskRetriesAndCatches() throws {
        let reference = try PipelineStateMachine.definitionText(for: try PipelineStateMachine.referencePlan())
        let months = (0..<250).map { String(format: "%04d-%02d", 2000 + $0 / 12, $0 % 12 + 1) }
        let long = try AthenaTransformPlan.make(scope: .full(reason: "test"), months: months, root: "s3://b-1/x", runID: "r1",
                                                database: "db", workgroup: "wg", athenaOutput: "s3://b-1/r/")
        #expect(long.statements.count == 3)
        let incremental = try AthenaTransformPlan.make(scope: .incremental(firstDay: try #require(Day(iso: "2026-03-04")), changedDays: [], newFiles: 1),
                                                       months: ["2026-03", "2026-04"], root: "s3://b-1/x", runID: "r2",
                                                       database: "db", workgroup: "wg", athenaOutput: "s3://b-1/r/")
        for plan in [long, incremental] {
            #expect(try PipelineStateMachine.definitionText(for: plan) == reference)
        }
        var unknown = try PipelineStateMachine.referencePlan()
        unknown.steps[0].kind = "vacuum"
        #expect(throws: EngineError.self) { try PipelineStateMachine.definition(for: unknown) }

        let definition = try PipelineStateMachine.definition(for: try PipelineStateMachine.referencePlan())
        var tasks = 0
        func check(_ states: [String: Any]) {
            for (name, value) in states {
                guard let state = value as? [String: Any] else { continue }
                if state["Type"] as? String == "Task" {
                    tasks += 1
                    #expect(!((state["Retry"] as? [Any]) ?? []).isEmpty, "\(name) has no Retry")
                    #expect(!((state["Catch"] as? [Any]) ?? []).isEmpty, "\(name) has no Catch")
                    #expect(state["TimeoutSeconds"] != nil, "\(name) has no timeout")
                }
                if state["Type"] as? String == "Map" {
                    #expect(!((state["Catch"] as? [Any]) ?? []).isEmpty, "\(name) has no Catch")
                    check(((state["ItemProcessor"] as? [String: Any])?["States"] as? [String: Any]) ?? [:])
                }
            }
        }
        check(definition["States"] as? [String: Any] ?? [:])
        #expect(tasks == 18)
        // Alerts that could not go out are told on the failure topic; the page is still written.
        let states = definition["States"] as? [String: Any] ?? [:]
        let alerts = states["Alerts"] as? [String: Any] ?? [:]
        #expect(alerts["Next"] as? String == "DashboardPlan")
        #expect(((alerts["Catch"] as? [[String: Any]])?.first?["Next"]) as? String == "AlertsNotDelivered")
        #expect((states["AlertsNotDelivered"] as? [String: Any])?["Next"] as? String == "DashboardPlan")
        // The dashboard in parts: its plan, a task per part (as many at once as the shards), its page.
        #expect((states["DashboardPlan"] as? [String: Any])?["Next"] as? String == "DashboardParts")
        #expect((states["DashboardParts"] as? [String: Any])?["Next"] as? String == "Dashboard")
        #expect((states["DashboardParts"] as? [String: Any])?["MaxConcurrencyPath"] as? String == "$.dashboard.concurrency")
        #expect((states["Analytics"] as? [String: Any])?["Next"] as? String == "AnalyticsShards")
        #expect((states["AnalyticsShards"] as? [String: Any])?["Next"] as? String == "AnalyticsPublish")
        #expect((states["AnalyticsShards"] as? [String: Any])?["MaxConcurrencyPath"] as? String == "$.analytics.concurrency")
        #expect((states["AnalyticsPublish"] as? [String: Any])?["Next"] as? String == "Alerts")
        // The day is claimed before anything else, marked done last, and freed on the failure path.
        #expect(definition["StartAt"] as? String == "Claim")
        #expect(definition["TimeoutSeconds"] as? Int == Int(PipelineDayClaim.executionTimeout.components.seconds), "the claim's expiry assumes the machine's timeout")
        #expect((states["Dashboard"] as? [String: Any])?["Next"] as? String == "Finish")
        #expect((states["CleanUp"] as? [String: Any])?["Next"] as? String == "ReleaseClaim")
        #expect(((states["Finish"] as? [String: Any])?["Catch"] as? [[String: Any]])?.first?["Next"] as? String == "ReleaseClaim",
                "a day that could not be marked done is freed, not held until its claim expires")
        #expect(((states["Claim"] as? [String: Any])?["Catch"] as? [[String: Any]])?.first?["Next"] as? String == "NotifyFailure",
                "a claim that failed has nothing to clean up or free")
    }

    @Test(.tags(.seaweedFS, .moto, .athenaDouble, .outsideTools))
    func theFunctionCarriesOutEachStepAndMotoRunsTheMachineInOrder() async throws {
        let work = try Repository.temporaryFolder("pipeline")
        defer { try? FileManager.default.removeItem(at: work) }
        let demo = try await momentum(["demo", "--dir", work.path, "--artists", "8", "--days", "70", "--seed", "5", "--quiet"])
        try #require(demo.status == 0, "\(demo.stderr)")
        let folder = work.appendingPathComponent("lake")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("processed"))
        let (s3, prefix) = try await AWSServers.freshLake()
        let store = try AWSServers.store(prefix: prefix)
        let local = FileSystemObjectStore(root: folder)
        for object in try await local.list(prefix: "") where object.key.hasPrefix("raw/") || object.key.hasPrefix("state/discography") {
            try await store.put(object.key, bytes: try await local.get(object.key))
        }
        let database = "momentum_" + UUID().uuidString.prefix(6).lowercased()
        var environment = try AWSServers.aws()
        environment["MOMENTUM_LAKE"] = s3
        environment["MOMENTUM_DATABASE"] = database
        let runID = "pipeline-" + UUID().uuidString.prefix(8).lowercased()
        // The schedule's time of today's run, and of tomorrow's.
        let now = Date()
        let (scheduled, day) = (now.isoSeconds, String(now.isoSeconds.prefix(10)))
        let tomorrow = now.addingTimeInterval(86_400)
        let (nextScheduled, nextDay) = (tomorrow.isoSeconds, String(tomorrow.isoSeconds.prefix(10)))
        func claim(_ execution: String, _ scheduled: String) -> [String: Any] {
            ["event": ["job": "pipeline_claim", "execution": execution, "started": Date().isoSeconds, "input": ["scheduled_time": scheduled]]]
        }
        func answers(of events: [[String: Any]], environment: [String: String] = environment) async throws -> [[String: Any]] {
            let runtime = try await FakeRuntime(events: events, in: try Repository.temporaryFolder("pipeline-runtime"))
            let served = try await runtime.serve(environment: environment)
            #expect(served.status == 3, "\(served.stderr)")
            let posts = try runtime.posts()
            try #require(posts.map { $0["kind"] as? String } == Array(repeating: "response", count: events.count) + ["exhausted"], "\(posts)")
            return try posts.dropLast().map { try #require($0["body"] as? [String: Any]) }
        }
        /// Every object of the lake, with its bytes.
        func lakeObjects() async throws -> [String: [UInt8]] {
            var objects: [String: [UInt8]] = [:]
            for object in try await store.list(prefix: "") { objects[object.key] = try await store.get(object.key) }
            return objects
        }

        // The machine's first tasks: the day claimed, the plan, then the Glue tables.
        let firstAnswers = try await answers(of: [claim(runID, scheduled), ["event": ["job": "transform_plan", "run_id": runID]], ["event": ["job": "catalog"]]])
        let (claimAnswer, plan, catalogAnswer) = (firstAnswers[0], firstAnswers[1], firstAnswers[2])
        #expect(claimAnswer["claimed"] as? Bool == true && claimAnswer["day"] as? String == day && claimAnswer["holder"] as? String == runID, "\(claimAnswer)")

        // A second execution of the day, started while the first runs: refused, the lake as it was.
        let beforeSecond = try await lakeObjects()
        let refused = try await answers(of: [claim("pipeline-second", scheduled)])[0]
        #expect(refused["claimed"] as? Bool == false && refused["state"] as? String == "running" && refused["holder"] as? String == runID, "\(refused)")
        #expect(try await lakeObjects() == beforeSecond, "the second execution touched the lake")
        #expect(plan["run_id"] as? String == runID && plan["database"] as? String == database && plan["mode"] as? String == "full")
        let steps = try #require(plan["steps"] as? [[String: Any]])
        let statements = steps.filter { $0["kind"] as? String == "athena_query" }
        try #require(statements.count == 1)
        let glue = try GlueClient.standard(environment: AWSServers.aws())
        #expect(try await glue.tables(database: database).count == 8, "the catalog job made the lake's tables")

        // The Map's work, here on the Athena double: each statement started and awaited.
        let athena = try AthenaClient.standard(environment: AWSServers.aws())
        for step in statements {
            let query = AthenaClient.Query(sql: try #require(step["sql"] as? String), database: database,
                                           workGroup: try #require(plan["workgroup"] as? String), outputLocation: step["outputLocation"] as? String,
                                           clientRequestToken: try #require(step["clientRequestToken"] as? String))
            _ = try await athena.run(query, timeout: .seconds(120))
        }

        // Then the function again: promote (and the same promotion retried, as after a lost
        // answer), and the analytics' plan of 7 shards.
        let promote: [String: Any] = ["event": ["job": "transform_promote", "plan": plan]]
        let promoted = try await answers(of: [promote, promote, ["event": ["job": "analytics_plan", "plan": plan, "shards": 7]]])
        let written = try #require(promoted[0]["written"] as? Int)
        #expect(written > 0)
        #expect(NSDictionary(dictionary: promoted[1]).isEqual(to: promoted[0]), "a retried promotion answers what the first did")
        let analyticsPlan = promoted[2]
        let shardPlan = try #require(analyticsPlan["shards"] as? [String: Any])
        #expect((shardPlan["shards"] as? [Any])?.count == 7 && analyticsPlan["concurrency"] as? Int == 10, "\(analyticsPlan)")
        // Each shard, the publish (retried too: it answers the same), alerts, the dashboard's plan
        // (in three parts), and a promotion retried too late (after the record).
        let publish: [String: Any] = ["event": ["job": "analytics_publish", "plan": plan, "shards": shardPlan]]
        let second = try await FakeRuntime(events: (0..<7).map { ["event": ["job": "analytics_shard", "shards": shardPlan, "index": $0]] } + [
            publish, publish,
            ["event": ["job": "alerts"]],
            ["event": ["job": "dashboard_plan", "parts": 3]],
            promote,
        ], in: try Repository.temporaryFolder("pipeline-runtime"))
        let servedAgain = try await second.serve(environment: environment)
        #expect(servedAgain.status == 3, "\(servedAgain.stderr)")
        let secondPosts = try second.posts()
        try #require(secondPosts.map { $0["kind"] as? String } == Array(repeating: "response", count: 11) + ["error", "exhausted"], "\(secondPosts)")
        let body = { (index: Int) in secondPosts[index]["body"] as? [String: Any] ?? [:] }
        let shardAnswers = (0..<7).map(body)
        #expect(shardAnswers.map { $0["artists"] as? Int ?? -1 }.reduce(0, +) == 8, "every artist in one shard: \(shardAnswers)")
        let (publishAnswer, alertsAnswer, dashboardPlanAnswer) = (body(7), body(9), body(10))
        // The dashboard's parts (one retried: it writes the same), its page, and the day marked done.
        let sitePlan = try #require(dashboardPlanAnswer["site"] as? [String: Any])
        #expect((sitePlan["parts"] as? [Any])?.count == 3 && dashboardPlanAnswer["concurrency"] as? Int == 10, "\(dashboardPlanAnswer)")
        let dashboardRun = try await answers(of: (0..<3).map { ["event": ["job": "dashboard_part", "site": sitePlan, "index": $0]] } + [
            ["event": ["job": "dashboard_part", "site": sitePlan, "index": 1]],
            ["event": ["job": "dashboard", "site": sitePlan]],
            ["event": ["job": "pipeline_finish", "execution": runID, "day": day]],
        ])
        let partAnswers = Array(dashboardRun.prefix(3))
        #expect(partAnswers.map { $0["artists"] as? Int ?? -1 }.reduce(0, +) == 8, "every artist in one part: \(partAnswers)")
        #expect(NSDictionary(dictionary: dashboardRun[3]).isEqual(to: partAnswers[1]), "a retried part answers what the first did")
        let (dashboardAnswer, finishAnswer) = (dashboardRun[4], dashboardRun[5])
        #expect(publishAnswer["artists"] as? Int == 8)
        #expect(NSDictionary(dictionary: body(8)).isEqual(to: publishAnswer), "a retried publish answers what the first did")
        let late = (body(11)["errorMessage"] as? String) ?? ""
        #expect(late.contains("nothing is staged") && late.contains("left as it was"), "\(late)")
        #expect(try await store.list(prefix: "processed/artist_daily/").count == written, "no retry removed a partition")
        #expect(try await store.list(prefix: "_athena/staging/").isEmpty, "the promotion dropped the staging, the publish its marker and the shards' parts, the last task the publish record")
        #expect(try await glue.tables(database: database).allSatisfy { !$0.Name.hasPrefix("momentum_staging_") })

        // The tables equal the local engine's, value for value; the page is in the lake, served as HTML.
        let localRun = try await momentum(["transform", "--lake", folder.path, "--full", "--quiet"])
        try #require(localRun.status == 0, "\(localRun.stderr)")
        let same = try await run(OutsideTools.python, [OutsideTools.tool("compare_s3_lake.py"),
                                                 folder.path, AWSServers.bucket, prefix, "--values"],
                           environment: ProcessInfo.processInfo.environment.merging(AWSServers.aws()) { $1 })
        #expect(same.status == 0, "\(same.stdout) \(same.stderr)")
        // The promotion rewrote Athena's months in artist order, as the local engine lays them
        // out: the same bytes, whoever computed the rows.
        for key in try await store.list(prefix: LakeDataset.artistDaily.prefix).map(\.key) {
            let promoted = try await store.get(key)
            let local = try await FileSystemObjectStore(root: folder).get(key)
            #expect(promoted == local, "\(key): \(promoted.count) bytes promoted, \(local.count) written locally")
        }
        let link = try await store.presignedURL("dashboard.html", expires: .seconds(300))
        let (page, response) = try await URLSession.shared.data(from: link.url)
        #expect(String(decoding: page.prefix(15), as: UTF8.self).lowercased() == "<!doctype html>")
        #expect((response as? HTTPURLResponse)?.value(forHTTPHeaderField: "Content-Type")?.hasPrefix("text/html") == true)
        // The site beside it, for rosters of any size: its page names the build whose files are there.
        #expect((dashboardAnswer["site_files"] as? Int ?? 0) >= 3 && (dashboardAnswer["site"] as? String)?.hasSuffix("/dashboard/index.html") == true,
                "\(dashboardAnswer)")
        let sitePage = String(decoding: try await store.get("dashboard/index.html"), as: UTF8.self)
        let generation = try #require(sitePage.firstMatch(of: #/"site":\{"base":"([^"/]+)\//#)?.output.1)
        #expect(try await store.list(prefix: "dashboard/\(generation)/").filter { $0.key.hasSuffix(".js") }.count == dashboardAnswer["site_files"] as? Int)

        // moto runs the committed machine, its Lambda tasks answered with what the function answered.
        #expect(alertsAnswer["status"] as? String == "done", "the alerts job without rules answers done: \(alertsAnswer)")
        let dashboardAnswers = [dashboardPlanAnswer] + partAnswers + [dashboardAnswer]
        let machineAnswers = [claimAnswer, plan, catalogAnswer, promoted[0], analyticsPlan] + shardAnswers + [publishAnswer, alertsAnswer]
            + dashboardAnswers + [finishAnswer]
        let succeeded = try await runMachine(answers: machineAnswers, slowQueries: true, input: ["scheduled_time": scheduled])
        #expect(succeeded["status"] as? String == "SUCCEEDED", "\(succeeded)")
        let entered = succeeded["entered"] as? [String] ?? []
        let topLevel = ["Claim", "Claimed", "Plan", "AnythingToDo", "GlueSync", "Statements", "Promote", "Analytics", "AnalyticsShards", "AnalyticsPublish",
                        "Alerts", "DashboardPlan", "DashboardParts", "Dashboard", "Finish", "Done"]
        #expect(entered.filter(topLevel.contains) == topLevel, "\(entered)")
        #expect(entered.contains("QueryRunning"), "a query still running was waited for: \(entered)")
        let iteration = entered.filter { !topLevel.contains($0) && !["QueryState", "QueryEnded", "QueryRunning", "AnalyseShard", "WriteDashboardPart", "RangeDone"].contains($0) }
        #expect(iteration == ["IsStatement", "NotAStatement", "IsStatement", "StartQuery", "QuerySucceeded"]
            + Array(repeating: ["IsStatement", "NotAStatement"], count: 5).flatMap { $0 }, "\(entered)")
        #expect(entered.filter { $0 == "AnalyseShard" }.count == 7 && entered.filter { $0 == "WriteDashboardPart" }.count == 3
                && entered.filter { $0 == "RangeDone" }.count == 10, "one task per shard and per part: \(entered)")
        let payloads = succeeded["lambda_payloads"] as? [[String: Any]] ?? []
        try #require(payloads.count == 20, "\(payloads.map { $0["job"] ?? "" })")
        #expect(payloads.map { $0["job"] as? String ?? "" } == ["pipeline_claim", "transform_plan", "catalog", "transform_promote", "analytics_plan"]
                + Array(repeating: "analytics_shard", count: 7) + ["analytics_publish", "alerts", "dashboard_plan"]
                + Array(repeating: "dashboard_part", count: 3) + ["dashboard", "pipeline_finish"])
        // Each part's task and the page's get the dashboard plan the plan task answered.
        let sitePayloads = payloads.filter { ["dashboard_part", "dashboard"].contains($0["job"] as? String) }
        #expect(sitePayloads.allSatisfy { NSDictionary(dictionary: $0["site"] as? [String: Any] ?? [:]).isEqual(to: sitePlan) })
        #expect(Set(sitePayloads.compactMap { $0["index"] as? Int }) == Set(0..<3))
        // Each shard's task gets the shard plan the plan task answered, and its own index.
        #expect(Set(payloads.filter { $0["job"] as? String == "analytics_shard" }.compactMap { $0["index"] as? Int }) == Set(0..<7))
        #expect(payloads.filter { $0["job"] as? String == "analytics_shard" }.allSatisfy { NSDictionary(dictionary: $0["shards"] as? [String: Any] ?? [:]).isEqual(to: shardPlan) })
        #expect(NSDictionary(dictionary: payloads[3]["plan"] as? [String: Any] ?? [:]).isEqual(to: plan), "the plan reaches the promotion whole")
        // The claim gets the execution's name, start and input; the last task the claimed day.
        #expect(payloads[0]["execution"] as? String == succeeded["name"] as? String && (payloads[0]["started"] as? String).flatMap { Instant(iso: $0) } != nil, "\(payloads[0])")
        #expect(NSDictionary(dictionary: payloads[0]["input"] as? [String: Any] ?? [:]).isEqual(to: ["scheduled_time": scheduled]), "\(payloads[0])")
        #expect(payloads.last?["day"] as? String == day && payloads.last?["execution"] as? String == succeeded["name"] as? String, "\(payloads.last ?? [:])")
        let queries = succeeded["queries"] as? [[String: Any]] ?? []
        #expect(queries.map { $0["sql"] as? String } == statements.map { $0["sql"] as? String })
        #expect(queries.allSatisfy { $0["database"] as? String == database && $0["workgroup"] as? String == plan["workgroup"] as? String })
        #expect((succeeded["notifications"] as? [Any])?.isEmpty == true)

        // The same analytics in one shard (as another run's): the same tables, and the machine
        // takes the one-item Map as it took seven.
        var onePlan = plan
        onePlan["run_id"] = runID + "-one"
        let oneAnalytics = try await answers(of: [["event": ["job": "analytics_plan", "plan": onePlan, "shards": 1]]])[0]
        let oneShards = try #require(oneAnalytics["shards"] as? [String: Any])
        #expect((oneShards["shards"] as? [Any])?.count == 1, "\(oneAnalytics)")
        let oneRun = try await answers(of: [["event": ["job": "analytics_shard", "shards": oneShards, "index": 0]],
                                            ["event": ["job": "analytics_publish", "plan": onePlan, "shards": oneShards]],
                                            ["event": ["job": "transform_cleanup", "run_id": runID + "-one"]]])
        #expect(oneRun[0]["artists"] as? Int == 8 && oneRun[1]["artists"] as? Int == 8, "\(oneRun)")
        let sameInOne = try await run(OutsideTools.python, [OutsideTools.tool("compare_s3_lake.py"), folder.path, AWSServers.bucket, prefix, "--values"],
                                      environment: ProcessInfo.processInfo.environment.merging(AWSServers.aws()) { $1 })
        #expect(sameInOne.status == 0, "one shard: \(sameInOne.stdout) \(sameInOne.stderr)")
        #expect(try await store.list(prefix: "_athena/staging/").isEmpty, "the clean-up dropped the one-shard run's record")
        let inOne = try await runMachine(answers: [claimAnswer, plan, catalogAnswer, promoted[0], oneAnalytics, oneRun[0], oneRun[1], alertsAnswer]
                                         + dashboardAnswers + [finishAnswer], slowQueries: false, input: ["scheduled_time": scheduled])
        #expect(inOne["status"] as? String == "SUCCEEDED" && (inOne["entered"] as? [String] ?? []).filter { $0 == "AnalyseShard" }.count == 1, "\(inOne)")

        // The second execution's claim answer through the machine: it fails fast, naming the one running.
        let refusedRun = try await runMachine(answers: [refused], slowQueries: false, input: ["scheduled_time": scheduled])
        #expect(refusedRun["status"] as? String == "FAILED" && refusedRun["error"] as? String == "Momentum.AlreadyRunning", "\(refusedRun)")
        #expect((refusedRun["cause"] as? String ?? "").contains("\(day) is running in execution \(runID)"), "\(refusedRun)")
        #expect(refusedRun["entered"] as? [String] == ["Claim", "Claimed", "DescribeRunning", "AlreadyRunning"], "\(refusedRun)")
        #expect((refusedRun["lambda_payloads"] as? [[String: Any]] ?? []).map { $0["job"] as? String ?? "" } == ["pipeline_claim"])
        #expect((refusedRun["notifications"] as? [Any])?.isEmpty == true, "nothing failed: the failure topic stays quiet")
        // Once the day is done, another execution of it ends at once, the lake as it was.
        let beforeThird = try await lakeObjects()
        let done = try await answers(of: [claim("pipeline-third", scheduled)])[0]
        #expect(done["claimed"] as? Bool == false && done["state"] as? String == "done", "\(done)")
        #expect(try await lakeObjects() == beforeThird, "the third execution touched the lake")
        let doneRun = try await runMachine(answers: [done], slowQueries: false, input: ["scheduled_time": scheduled])
        #expect(doneRun["status"] as? String == "SUCCEEDED" && doneRun["entered"] as? [String] == ["Claim", "Claimed", "AlreadyDone"], "\(doneRun)")

        // A query Athena refuses (the plan names a workgroup that does not exist): Catch, clean-up, notification, Fail.
        let failingRun = "pipeline-failing-" + UUID().uuidString.prefix(6).lowercased()
        var failingEnvironment = environment
        failingEnvironment["MOMENTUM_WORKGROUP"] = "missing-" + UUID().uuidString.prefix(6).lowercased()
        // Tomorrow's run fails; its day is freed, so the next execution of that day runs.
        let thirdAnswers = try await answers(of: [
            claim(failingRun, nextScheduled),
            ["event": ["job": "transform_plan", "run_id": failingRun, "full": true]],
            ["event": ["job": "transform_cleanup", "run_id": failingRun]],
            ["event": ["job": "pipeline_release", "execution": failingRun, "day": nextDay]],
            claim("pipeline-next-day", nextScheduled),
            ["event": ["job": "transform_plan", "run_id": "pipeline-next-day"]],
            ["event": ["job": "pipeline_finish", "execution": "pipeline-next-day", "day": nextDay]],
        ], environment: failingEnvironment)
        let failingPlan = thirdAnswers[1]
        #expect(thirdAnswers[3]["released"] as? Bool == true, "\(thirdAnswers[3])")
        #expect(thirdAnswers[4]["claimed"] as? Bool == true, "the failed run freed its day: \(thirdAnswers[4])")
        let failed = try await runMachine(answers: [thirdAnswers[0], failingPlan, catalogAnswer, thirdAnswers[2], thirdAnswers[3]], slowQueries: false)
        #expect(failed["status"] as? String == "FAILED" && failed["error"] as? String == "Momentum.PipelineFailed", "\(failed)")
        let failedEntered = (failed["entered"] as? [String] ?? []).filter { !["IsStatement", "NotAStatement"].contains($0) }
        #expect(failedEntered == ["Claim", "Claimed", "Plan", "AnythingToDo", "GlueSync", "Statements", "StartQuery", "QueryCouldNotRun", "CleanUp", "ReleaseClaim",
                                  "NotifyFailure", "Failed"], "\(failed["entered"] ?? "")")
        #expect((failed["lambda_payloads"] as? [[String: Any]] ?? []).map { $0["job"] as? String ?? "" }
                == ["pipeline_claim", "transform_plan", "catalog", "transform_cleanup", "pipeline_release"])
        let notifications = failed["notifications"] as? [String] ?? []
        #expect(notifications.count == 1 && notifications.first?.contains("WorkGroup does not exist") == true, "\(notifications)")
        #expect(try await store.list(prefix: "processed/artist_daily/").count == written,
                "the failed run left the tables as they were")

        // Nothing new since the recorded run: the plan says so and the machine only refreshes the page.
        let nextPlan = thirdAnswers[5]
        #expect(nextPlan["mode"] as? String == "up_to_date" && (nextPlan["steps"] as? [Any])?.isEmpty == true, "\(nextPlan)")
        let quiet = try await runMachine(answers: [thirdAnswers[4], nextPlan, alertsAnswer] + dashboardAnswers + [thirdAnswers[6]], slowQueries: false)
        #expect(quiet["status"] as? String == "SUCCEEDED"
                && (quiet["entered"] as? [String] ?? []).filter { !["WriteDashboardPart", "RangeDone"].contains($0) }
                == ["Claim", "Claimed", "Plan", "AnythingToDo", "Alerts", "DashboardPlan", "DashboardParts", "Dashboard", "Finish", "Done"], "\(quiet)")
        #expect((quiet["lambda_payloads"] as? [[String: Any]] ?? []).map { $0["job"] as? String ?? "" }
                == ["pipeline_claim", "transform_plan", "alerts", "dashboard_plan"] + Array(repeating: "dashboard_part", count: 3) + ["dashboard", "pipeline_finish"])
        #expect((quiet["queries"] as? [Any])?.isEmpty == true)
    }

    private func runMachine(answers: [[String: Any]], slowQueries: Bool, input: [String: Any] = [:]) async throws -> [String: Any] {
        try await runInMoto(PipelineStateMachine.path, answers: answers, slowQueries: slowQueries, input: input)
    }
}
