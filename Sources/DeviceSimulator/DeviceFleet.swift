import Logging
import NIOCore
import NIOPosix

/// Many simulated boards at once, named `<prefix>-1 … <prefix>-N`, each with its own seed.
public enum DeviceFleet {
    /// The configuration of device `index` (1-based) in a fleet built from `base`.
    public static func configuration(_ base: DeviceConfiguration, prefix: String, index: Int) -> DeviceConfiguration {
        var configuration = base
        configuration.name = "\(prefix)-\(index)"
        // Golden-ratio steps keep the seeds far apart, so neighbours do not read alike.
        configuration.seed = base.seed &+ UInt32(truncatingIfNeeded: index - 1) &* 0x9E37_79B9
        return configuration
    }

    /// Runs `count` devices concurrently and adds up their reports.
    public static func run(
        _ base: DeviceConfiguration, count: Int, prefix: String,
        group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "tcplab.device"), progress: DeviceProgress = DeviceProgress(),
        events: @escaping @Sendable (DeviceEvent) -> Void = { _ in }
    ) async -> DeviceReport {
        await withTaskGroup(of: DeviceReport.self) { tasks in
            for index in 1...max(count, 1) {
                let device = SimulatedDevice(
                    configuration: Self.configuration(base, prefix: prefix, index: index), group: group,
                    logger: logger, progress: progress, events: events)
                tasks.addTask { await device.run() }
            }
            var total = DeviceReport()
            for await report in tasks { total = total + report }
            return total
        }
    }
}
