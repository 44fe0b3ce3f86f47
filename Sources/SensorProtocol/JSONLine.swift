/// Builds one JSON object on one line, keys in the order added (readable, stable for tools):
/// the server's events and log, and the connection summaries of `read --summary-only`.
public struct JSONLine {
    private var text = "{"

    public init() {}

    public mutating func add(_ key: String, _ value: String) {
        self.key(key)
        Self.appendQuoted(value, to: &self.text)
    }

    public mutating func add(_ key: String, _ value: Int) {
        self.key(key)
        self.text += String(value)
    }

    public mutating func add(_ key: String, _ value: UInt32) {
        self.key(key)
        self.text += String(value)
    }

    public mutating func add(_ key: String, _ value: Double) {
        self.key(key)
        self.text += value.isFinite ? "\(value)" : "null"
    }

    /// A nested object, e.g. `rejected_by_reason`.
    public mutating func add(_ key: String, object pairs: [(String, Int)]) {
        self.key(key)
        var nested = JSONLine()
        for (name, value) in pairs { nested.add(name, value) }
        self.text += nested.finished
    }

    /// `nil` as JSON's `null`.
    public mutating func add(_ key: String, _ value: Int?) {
        self.key(key)
        self.text += value.map { String($0) } ?? "null"
    }

    public mutating func add(_ key: String, _ value: Bool) {
        self.key(key)
        self.text += value ? "true" : "false"
    }

    /// A value already written as JSON: a nested object, or a number formatted by the caller.
    public mutating func add(_ key: String, json: String) {
        self.key(key)
        self.text += json
    }

    public var finished: String { self.text + "}" }

    private mutating func key(_ key: String) {
        if self.text.utf8.count > 1 { self.text += "," }  // utf8.count: no walk over the characters
        Self.appendQuoted(key, to: &self.text)
        self.text += ":"
    }

    static func appendQuoted(_ value: String, to text: inout String) {
        text += JSONEscaping.quoted(value)
    }
}
