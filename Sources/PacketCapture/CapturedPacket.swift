/// One captured record. `bytes` is only valid inside the closure it was handed to.
public struct CapturedPacket {
    /// 1-based position in the capture (every record counts).
    public var number: Int
    public var seconds: Int
    public var nanoseconds: Int
    /// Bytes on the wire; `bytes.count` may be smaller (snaplen).
    public var originalLength: Int
    /// The link layer of `bytes`, as libpcap's DLT number: a pcapng file may change it from one
    /// record to the next (each interface has its own).
    public var linkType: Int32
    public var bytes: UnsafeRawBufferPointer

    public var timestamp: Double { Double(seconds) + Double(nanoseconds) / 1e9 }

    public init(number: Int, seconds: Int, nanoseconds: Int, originalLength: Int, linkType: Int32,
                bytes: UnsafeRawBufferPointer) {
        self.number = number
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        self.originalLength = originalLength
        self.linkType = linkType
        self.bytes = bytes
    }
}

/// Packets counted by the kernel during a live capture (as tcpdump prints on exit).
public struct CaptureStatistics: Equatable, Sendable {
    public var received: UInt32
    public var droppedByKernel: UInt32
    public var droppedByInterface: UInt32
}

/// A capture interface as `--list-interfaces` shows it.
public struct CaptureInterface: Sendable {
    public var name: String
    public var description: String?
    public var addresses: [String]
    public var isLoopback: Bool
    public var isUp: Bool
}
