import WireFormat

/// Per-connection state the expert analysis keeps between segments.
struct ExpertState {
}

/// Wireshark-style expert analysis of each segment (retransmissions, duplicate ACKs, windows).
final class ExpertAnalysis {
    func analyze(_ tcp: TCPHeader, segmentLength: Int, payloadLength: Int,
                 sender: inout HalfConnection, receiver: inout HalfConnection,
                 state: inout ExpertState, frame: Int, time: Double) -> AnalysisFlags {
        []
    }
}
