import Logging
import NIOCore
import NIOPosix

/// Many simulated boards at once, named `<prefix>-1 … <prefix>-N`, each with its own seed.
public enum DeviceFleet {
    /// The configuration of device `index` (1-based) in a fleet built from `base`. `soleName`: a
    /// fleet of one board carries `prefix` itself as its name (a student's `--name student2`).
    public static func configuration(_ base: DeviceConfiguration, prefix: String, index: Int,
                                     soleName: Bool = false) -> DeviceConfiguration {
        var configuration = base
        configuration.name = soleName ? prefix : "\(prefix)-\(index)"
        // Golden-ratio steps keep the seeds far apart, so neighbours do not read alike.
        configuration.seed = base.seed &+ UInt32(truncatingIfNeeded: index - 1) &* 0x9E37_79B9
        return configuration
    }

    /// Runs `count` devices concurrently and adds up their reports.
    public static func run(
        _ base: DeviceConfiguration, count: Int, prefix: String, soleName: Bool = false,
        group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "tcplab.device"), progress: DeviceProgress = DeviceProgress(),
        events: @escaping @Sendable (DeviceEvent) -> Void = { _ in }
    ) async -> DeviceReport {
        await withTaskGroup(of: DeviceReport.self) { tasks in
            for index in 1...max(count, 1) {
                let device = SimulatedDevice(
                    configuration: Self.configuration(base, prefix: prefix, index: index,
                                                      soleName: soleName && count == 1), group: group,
                    logger: logger, progress: progress, events: events)
                tasks.addTask { await device.run() }
            }
            var total = DeviceReport()
            for await report in tasks { total = total + report }
            return total
        }
    }
}
