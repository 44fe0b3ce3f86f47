import PacketCapture

/// What `capture` says about the kernel's counters: a warning the moment packets are lost, and
/// tcpdump's three closing lines with what each means.
enum CaptureLossReport {
    static func warning(new: UInt32, total: UInt32) -> String {
        "tcplab: WARNING: the kernel dropped \(new) packet\(new == 1 ? "" : "s") just now (\(total) so far): "
            + "this capture is incomplete from here on. Try a larger buffer (-B \(suggestedBuffer)), -q with -w, or --no-hex."
    }

    /// Closing lines, as tcpdump prints them, plus a plain word on what they mean.
    static func summary(captured: Int, stats: CaptureStatistics, interface: String) -> String {
        var lines = ["\(captured) packets captured",
                     "\(stats.received) packets received by filter",
                     "\(stats.droppedByKernel) packets dropped by kernel"]
        if stats.droppedByInterface > 0 {
            lines.append("\(stats.droppedByInterface) packets dropped by interface")
        }
        if ["lo", "any"].contains(interface), Int(stats.received) > captured {
            lines.append("(on loopback every packet passes the capture twice, leaving and arriving: the kernel counts "
                         + "both copies as received or dropped, libpcap keeps one, so those counts are twice the packets)")
        }
        if stats.droppedByKernel > 0 {
            lines.append("tcplab: WARNING: THIS CAPTURE IS INCOMPLETE: \(stats.droppedByKernel) packets never reached tcplab. "
                         + "Answers taken from it may be wrong; capture again with -B \(suggestedBuffer) (KiB), -q, or --no-hex.")
        }
        return lines.joined(separator: "\n")
    }

    /// Four times the default ring, in KiB as -B takes it.
    private static var suggestedBuffer: Int { 4 * PacketSource.defaultBufferSize / 1024 }
}
