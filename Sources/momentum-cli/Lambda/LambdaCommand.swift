// `momentum lambda`: the CLI as an AWS Lambda custom runtime. Each invocation's event names a
// job; the job runs as the matching command would (the same parsed command, the same code),
// its log lines go to stdout as JSON for CloudWatch, and a job still running near the
// invocation's deadline is stopped in time: what it stored stays (every job is idempotent and
// resumes), and the error `Momentum.DeadlineReached` tells the caller to invoke it again.

import ArgumentParser
import Foundation
import Logging
import MomentumHTTP

struct LambdaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lambda",
        abstract: "Serve AWS Lambda invocations (custom runtime on provided.al2023): run the job each event names.",
        discussion: """
        Events: {"job": "metrics"} (ingest metrics; "date": "YYYY-MM-DD" for a back-fill), \
        {"job": "releases"}, {"job": "transform"} ("engine": "local" or "athena", "full": true), \
        {"job": "run"}, {"job": "catalog"} (catalog sync), {"job": "artists_add", "ids": [...]}, \
        {"job": "analytics"} (the tables from artist_daily as stored), {"job": "dashboard"} \
        (dashboard.html into the lake), {"job": "alerts"} (the alert rules of MOMENTUM_CONFIG, which may be \
        an s3:// object; "since": "YYYY-MM-DD" replays), the daily state machine's steps pipeline_claim, \
        transform_plan, transform_promote, analytics_plan, analytics_shard, analytics_publish, transform_cleanup, \
        pipeline_finish and pipeline_release, and the ingestion machine's ingest (deploy/state-machine). The lake is MOMENTUM_LAKE \
        (an s3:// URL in AWS); Spotify's credentials come from SPOTIFY_SECRET_ARN. A failed job's \
        error type is Momentum.Usage, Momentum.Unavailable, Momentum.Failed, \
        Momentum.InvalidEvent or Momentum.DeadlineReached.
        """
    )

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let address = environment["AWS_LAMBDA_RUNTIME_API"], !address.isEmpty else {
            throw CommandFailure.usage("momentum lambda runs inside AWS Lambda: AWS_LAMBDA_RUNTIME_API is not set")
        }
        let api: LambdaRuntimeAPI
        do { api = try LambdaRuntimeAPI(address: address) } catch { throw CommandFailure.usage("\(error)") }
        Console.bootstrapLogging(JSONLineLogHandler.self, level: .info)
        let log = Logger(label: "momentum.lambda")
        if let problem = LambdaCommand.initProblem(environment) {
            log.error("\(problem)")
            try? await api.initFailed(type: "Momentum.Usage", message: problem)
            throw CommandFailure.usage(problem)
        }
        while true {
            do {
                switch try await api.next() {
                case .unusable(let requestID, let reason):
                    log.error("\(reason)", metadata: ["requestId": "\(requestID)"])
                    try await api.fail(requestID: requestID, type: "Momentum.InvalidEvent", message: reason)
                case .invocation(let invocation):
                    let (outcome, work) = await LambdaHandler.serve(invocation, log: log)
                    switch outcome {
                    case .success(let body): try await api.respond(invocation, body: body)
                    case .failure(let type, let message): try await api.fail(requestID: invocation.requestID, type: type, message: message)
                    }
                    // A job answered before it stopped ends before the next is taken (Lambda's
                    // clock starts when it hands an invocation out): one job at a time, and
                    // what it held (the lake lock, its scratch folder) released first. A job
                    // that ignores its cancellation for a minute is left behind.
                    if let work { _ = await LambdaHandler.result(of: work, until: Date().addingTimeInterval(60)) }
                }
            } catch {
                // The Runtime API itself is gone after its retries: Lambda starts another runtime.
                throw CommandFailure(code: .unavailable, message: "\(error)")
            }
        }
    }

    /// What keeps the runtime from serving anything: then Lambda hears it as an init error.
    static func initProblem(_ environment: [String: String]) -> String? {
        guard let lake = environment["MOMENTUM_LAKE"], !lake.isEmpty else {
            return "MOMENTUM_LAKE is not set: a function's lake is an s3://bucket/prefix URL"
        }
        return nil
    }
}

/// One invocation: the event checked, the job run against the deadline, the outcome.
enum LambdaHandler {
    enum Outcome {
        case success([UInt8])
        case failure(type: String, message: String)
    }

    /// The invocation's outcome, and its work while it may still be running (it was cancelled).
    static func serve(_ invocation: LambdaInvocation, log: Logger) async -> (Outcome, Task<Void, any Error>?) {
        var log = log
        log[metadataKey: "requestId"] = "\(invocation.requestID)"
        let request: LambdaRequest
        do {
            request = try LambdaRequest(event: invocation.event)
        } catch {
            log.error("invalid event: \(error)")
            return (.failure(type: "Momentum.InvalidEvent", message: "\(error)"), nil)
        }
        log[metadataKey: "job"] = "\(request.job)"
        log.info("started")
        let started = Date()
        // Stop with a margin: a tenth of the time left, between two and ten seconds (the work
        // still has to notice its cancellation, keep what it fetched and answer, on a busy
        // machine too).
        let margin = min(10, max(2, invocation.deadline.timeIntervalSince(started) * 0.1))
        // The job runs on threads of its own: its long computations must not keep the runtime's
        // watchdog and answer waiting for a thread of the shared pool (one vCPU has one).
        let job: @Sendable () async throws -> [UInt8]? = {
            switch request.work {
            case .command(let arguments):
                try await Momentum.run(arguments: arguments)
                return nil
            case .pipeline(let job):
                return try await job.run()
            case .loop(let loop):
                try await Momentum.run(arguments: loop.arguments)
                return loop.answer(done: true)
            }
        }
        let work: Task<[UInt8]?, any Error>
        if #available(macOS 15.0, *) {
            work = Task(executorPreference: JobExecutor.shared, operation: job)
        } else {
            work = Task(operation: job)
        }
        let finishing = Task<Void, any Error> { _ = await work.result }
        let stopped = StopSignal()
        let watchdog = Task {
            let wait = invocation.deadline.timeIntervalSinceNow - margin
            if wait > 0 { try await Task.sleep(for: .milliseconds(Int64(wait * 1000))) }
            stopped.raise()
            work.cancel()
        }
        // The answer goes before the deadline even if the work does not stop in time: it is
        // waited for until a quarter of the time left before the deadline (0.6 s to 1 s).
        let reserve = min(1.0, max(0.6, invocation.deadline.timeIntervalSince(started) * 0.25))
        let result = await LambdaHandler.result(of: work, until: invocation.deadline.addingTimeInterval(-reserve))
        watchdog.cancel()
        let seconds = (Date().timeIntervalSince(started) * 1000).rounded() / 1000
        switch result {
        case .success(let answer?):
            log.info("done", metadata: ["seconds": "\(seconds)"])
            return (.success(answer), finishing)
        case .success(nil):
            log.info("done", metadata: ["seconds": "\(seconds)"])
            let body: [String: Any] = ["job": request.job, "status": "done", "seconds": seconds]
            return (.success(Array((try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data("{}".utf8))), finishing)
        case .failure where stopped.isRaised:
            if case .loop(let loop) = request.work {
                log.notice("stopped \(margin) s before the invocation's deadline with what it stored kept; the machine invokes it again", metadata: ["attempt": "\(loop.attempt + 1)"])
                return (.success(loop.answer(done: false)), finishing)
            }
            let message = "\(request.job) stopped \(margin) s before the invocation's deadline; what it stored is kept: invoke it again to resume"
            log.warning("\(message)")
            return (.failure(type: "Momentum.DeadlineReached", message: message), finishing)
        case .failure(let error):
            let outcome = Momentum.contractOutcome(of: error)
            let type = switch outcome.code {
            case .usage: "Momentum.Usage"
            case .unavailable: "Momentum.Unavailable"
            case .lakeBusy: "Momentum.LakeBusy"
            case .storage: "Momentum.Storage"
            default: "Momentum.Failed"
            }
            log.error("\(outcome.message)", metadata: ["errorType": "\(type)"])
            return (.failure(type: type, message: outcome.message), finishing)
        }
    }
}

extension LambdaHandler {
    /// The work's result, or a cancellation error once `deadline` has come and the work has
    /// not ended (it was cancelled already: it goes on only until it notices). Neither waits
    /// for the other: a task group would wait for the work to end before returning.
    static func result<T: Sendable>(of work: Task<T, any Error>, until deadline: Date) async -> Result<T, any Error> {
        let first = ResumeOnce<T>()
        do {
            return .success(try await withCheckedThrowingContinuation { continuation in
                first.set(continuation)
                Task { first.resume(with: await work.result) }
                // A GCD timer: it fires even while every thread of Swift's pool is busy.
                DispatchQueue.global().asyncAfter(deadline: .now() + max(0, min(deadline.timeIntervalSinceNow, 1e6))) {
                    first.resume(with: .failure(CancellationError()))
                }
            })
        } catch {
            return .failure(error)
        }
    }
}

/// Threads for the jobs, apart from Swift's shared pool, where the runtime loop, the watchdog
/// and the answer run: a job busy computing cannot delay its own stop.
@available(macOS 15.0, *)
final class JobExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = JobExecutor()
    private let queue = DispatchQueue(label: "momentum.lambda.job", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

/// Raised once, by the watchdog; read by the invocation.
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    func raise() { lock.withLock { raised = true } }
    var isRaised: Bool { lock.withLock { raised } }
}
