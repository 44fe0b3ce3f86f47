import LabReport

extension LadderBuilder {
    /// Every packet of `reader`, in capture order.
    public func add(contentsOf reader: CaptureReader) throws {
        try reader.read { analyzed, record in add(analyzed, bytes: record.bytes) }
    }
}
