import Foundation
import Logging

/// Logs how long each phase of a job took, the CPU time it used (all threads) and the process's
/// peak memory so far, at debug level (`momentum -v`): the profile of a run without a profiler.
/// CPU over wall time says how many cores a phase kept busy.
struct PhaseClock {
    let logger: Logger
    private var last = DispatchTime.now()
    private var lastCPU: Double

    init(logger: Logger) {
        self.logger = logger
        lastCPU = Self.usage().cpuSeconds
    }

    mutating func lap(_ what: @autoclosure () -> String) {
        let now = DispatchTime.now()
        let milliseconds = Double(now.uptimeNanoseconds - last.uptimeNanoseconds) / 1_000_000
        let usage = Self.usage()
        let cpu = Int((usage.cpuSeconds - lastCPU) * 1000)
        logger.debug("\(what()) in \(Int(milliseconds)) ms (CPU \(cpu) ms, peak \(usage.peakMiB) MiB)")
        last = now
        lastCPU = usage.cpuSeconds
    }

    private static func usage() -> (cpuSeconds: Double, peakMiB: Int) {
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        #else
        getrusage(RUSAGE_SELF, &usage)
        #endif
        let seconds = { (time: timeval) in Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        // Linux reports kilobytes (macOS bytes: the figure is then only an upper bound).
        return (seconds(usage.ru_utime) + seconds(usage.ru_stime), Int(usage.ru_maxrss / 1024))
    }
}
