import NIOConcurrencyHelpers
import SensorProtocol

/// Every device the server has heard from, by name (or peer address when it sent no `HELLO`), so
/// continuity survives reconnects: a board that comes back with `seq` far ahead lost readings in
/// between; one that comes back at 0 rebooted.
final class DeviceRegistry: Sendable {
    private let devices = NIOLockedValueBox<[String: DeviceRecord]>([:])

    /// The record for `device`, created on first use. Connections keep the result, so the shared
    /// lock is taken once per connection and device, not once per reading.
    func record(for device: String) -> DeviceRecord {
        self.devices.withLockedValue { devices in
            if let record = devices[device] { return record }
            let record = DeviceRecord()
            devices[device] = record
            return record
        }
    }

    var count: Int { self.devices.withLockedValue { $0.count } }
}

/// One device's continuity state. Its own lock is almost never contended: a device normally has
/// one connection at a time.
final class DeviceRecord: Sendable {
    private let state = NIOLockedValueBox(DeviceContinuity())

    func observe(_ reading: SensorReading) -> ContinuityFinding? {
        self.state.withLockedValue { $0.observe(reading) }
    }
}
