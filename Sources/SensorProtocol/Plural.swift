/// "1 reading", "3 readings": a count with its noun, for every message that counts something.
public func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
