import TCPAnalysis

/// The sentences that tie one client segment to the readings its bytes belong to.
public enum ReadingNotes {
    /// What the sentences say, as found by `ReadingTracker`.
    public struct Facts: Sendable {
        var frame: Int
        /// What reassembly did with the segment.
        var disposition: SegmentDisposition
        /// The parts of lines its new bytes formed.
        var pieces: [LinePiece]
        /// Lines finished by this packet.
        var completed: [RebuiltReading]
        /// Earlier out-of-order frames whose bytes this one released.
        var heldFrames: [Int]
    }

    public static func sentences(_ facts: Facts) -> [String] {
        let (frame, disposition, pieces, completed, heldFrames) =
            (facts.frame, facts.disposition, facts.pieces, facts.completed, facts.heldFrames)
        var sentences: [String] = []
        switch disposition {
        case .noData:
            return []
        case .duplicate:
            return ["Its bytes are already in the rebuilt stream: nothing new for the readings."]
        case .buffered:
            return ["Its bytes wait in the reassembly buffer: bytes before them are missing, so the readings they carry are counted once the gap is filled."]
        case .notCaptured:
            return ["None of its bytes were captured: they are a gap in the rebuilt stream, and the readings they carried cannot be rebuilt."]
        case .delivered:
            break
        }
        var parts: [String] = []
        // Whole readings with consecutive seq numbers are told as one run: "all of readings 9–16".
        var run: (first: UInt32, last: UInt32)?
        func closeRun() {
            guard let current = run else { return }
            parts.append(current.first == current.last ? "all of reading \(current.first)"
                         : "all of readings \(current.first)–\(current.last)")
            run = nil
        }
        // Pieces and completed lines both come in stream order: one pass over each (a 64 KiB
        // segment can carry thousands of readings, so a search per piece would be quadratic).
        var next = completed.startIndex
        for piece in pieces {
            while next < completed.endIndex && completed[next].line.number < piece.line { next += 1 }
            let line = next < completed.endIndex && completed[next].line.number == piece.line ? completed[next] : nil
            if piece.hasStart && piece.hasEnd, case .reading(let value)? = line?.outcome {
                if let current = run, current.last &+ 1 == value.seq {
                    run = (current.first, value.seq)
                } else {
                    closeRun()
                    run = (value.seq, value.seq)
                }
                continue
            }
            closeRun()
            let cut = line.map { $0.line.ending == .gap || $0.line.ending == .partial } ?? false
            switch (piece.hasStart, piece.hasEnd) {
            case (true, true): parts.append("all of \(line?.name ?? "line \(piece.line)")")
            case (false, true): parts.append("the end of \(line?.name ?? "line \(piece.line)")")
            case (true, false):
                if let line, cut {
                    parts.append("the start of line \(line.line.number) (the rest was never captured)")
                } else {
                    parts.append("the start of " + (line?.name ?? "the next reading"))
                }
            case (false, false):
                if let line, cut {
                    parts.append("part of line \(line.line.number) (the rest was never captured)")
                } else {
                    parts.append("a middle part of " + (line?.name ?? "the next reading"))
                }
            }
        }
        closeRun()
        if !parts.isEmpty {
            sentences.append("This segment carries " + list(parts) + ".")
        }
        if !heldFrames.isEmpty {
            let more = completed.filter { !$0.line.frames.contains(frame) }.count
            var text = "It fills the gap: the bytes held back from frame\(heldFrames.count == 1 ? "" : "s") "
                + list(heldFrames.map(String.init)) + " now follow it in the stream"
            text += more > 0 ? ", completing \(more) more line\(more == 1 ? "" : "s")." : "."
            sentences.append(text)
        }
        return sentences
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}
