import TCPAnalysis
import WireFormat

/// The short notes beside a ladder arrow: a few words each, where `Annotations` writes sentences.
enum LadderNotes {
    static func notes(for segment: Segment) -> [LadderNote] {
        var notes: [LadderNote] = []
        let sender = segment.fromClient ? "client" : "server"
        let receiver = segment.fromClient ? "server" : "client"

        if segment.startsMidConnection {
            notes.append(LadderNote(.handshake, "first seen: handshake not captured"))
        }
        switch segment.handshake {
        case .syn?: notes.append(LadderNote(.handshake, segment.repeatsSyn ? "SYN sent again" : "handshake 1/3 (SYN)"))
        case .synAck?: notes.append(LadderNote(.handshake, "handshake 2/3 (SYN-ACK)"))
        case .ack?: notes.append(LadderNote(.handshake, "handshake 3/3: ESTABLISHED"))
        case nil: break
        }

        let marks = segment.teardown
        if marks.contains(.fin) {
            notes.append(LadderNote(.teardown, marks.contains(.firstFin) ? "FIN: \(sender) closes first" : "FIN: \(sender) closes too"))
        }
        if marks.contains(.lastAck) {
            notes.append(LadderNote(.teardown, "last ACK: \(sender) enters TIME_WAIT"))
        } else if marks.contains(.acksPeerFin) {
            notes.append(LadderNote(.teardown, "ACKs the \(receiver)'s FIN"))
        }
        if marks.contains(.refused) {
            notes.append(LadderNote(.reset, "RST: refused, nothing listens on port \(segment.connection.server.port)"))
        } else if marks.contains(.reset) {
            notes.append(LadderNote(.reset, "RST: \(sender) aborts"))
        }

        for flag in segment.analysis.shown { notes.append(LadderNote(.analysis, flag.label(segment))) }
        return notes
    }
}
