import LabReport

extension StreamGraphBuilder {
    /// Every packet of `reader`, in capture order.
    public func add(contentsOf reader: CaptureReader) throws {
        try reader.read { analyzed, _ in add(analyzed) }
    }
}
