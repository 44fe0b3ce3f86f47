/// Things a device has to say while it runs. The CLI prints them; tests may record them.
/// Delivered from the device's own task, several devices at once: handlers must be thread-safe.
public enum DeviceEvent: Sendable {
    /// Connected; `connection` counts this device's successful connections from 1.
    case connected(device: String, connection: Int, local: String)
    /// A connect failed; `retryIn` is nil when the device gives up.
    case connectFailed(device: String, error: ConnectFailure, failuresInARow: Int, retryIn: Duration?)
    /// The connection broke under the device (server closed or reset it, a write failed).
    case connectionLost(device: String, readingsLost: Int, reason: String)
    /// The device applied a connection fault (abort, vanish, reboot); `detail` says how, for a person.
    case faultApplied(device: String, action: ConnectionAction, detail: String)
}
