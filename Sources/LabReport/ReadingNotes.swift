import TCPAnalysis

/// The sentences that tie one client segment to the readings its bytes belong to.
enum ReadingNotes {
    /// `pieces`: the parts of lines this frame's new bytes formed; `completed`: lines finished by
    /// this packet; `heldFrames`: earlier out-of-order frames whose bytes this one released.
    static func sentences(frame: Int, pieces: [LinePiece], completed: [RebuiltReading], delivered: Bool,
                          alreadyHad: Bool, heldFrames: [Int]) -> [String] {
        var sentences: [String] = []
        if !delivered {
            if alreadyHad {
                sentences.append("Its bytes are already in the rebuilt stream: nothing new for the readings.")
            } else {
                sentences.append("Its bytes wait in the reassembly buffer: bytes before them are missing, so the readings they carry are counted once the gap is filled.")
            }
            return sentences
        }
        let byNumber = Dictionary(completed.map { ($0.line.number, $0) }, uniquingKeysWith: { first, _ in first })
        var parts: [String] = []
        // Whole readings with consecutive seq numbers are told as one run: "all of readings 9–16".
        var run: (first: UInt32, last: UInt32)?
        func closeRun() {
            guard let current = run else { return }
            parts.append(current.first == current.last ? "all of reading \(current.first)"
                         : "all of readings \(current.first)–\(current.last)")
            run = nil
        }
        for piece in pieces {
            let line = byNumber[piece.line]
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
