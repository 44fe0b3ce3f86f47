import CPcap

#if canImport(Glibc)
import Glibc
#endif

/// The Linux capabilities (CAP_NET_RAW, CAP_NET_ADMIN) a binary gets from
/// `setcap cap_net_raw,cap_net_admin=eip`: needed to open a live capture, not to read from it.
public enum CaptureCapabilities {
    /// Whether this thread holds any capability (false where capabilities do not exist).
    public static var held: Bool {
        #if os(Linux)
        return tcplab_has_capabilities() == 1
        #else
        return false
        #endif
    }

    /// Gives up every capability for good (effective, permitted, inheritable).
    public static func giveUp() throws {
        #if os(Linux)
        guard tcplab_clear_capabilities() == 0 else {
            throw CaptureError.failed(operation: "giving up capabilities (capset)", detail: String(cString: strerror(errno)))
        }
        guard tcplab_has_capabilities() == 0 else {
            throw CaptureError.failed(operation: "giving up capabilities", detail: "some are still held after capset")
        }
        #endif
    }
}
