/// Why a layer could not be decoded completely.
///
/// Like gopacket, *truncated* (the capture holds fewer bytes than the header needs: usually a small
/// snaplen) is kept apart from *malformed* (the bytes are there but a field is impossible).
public struct DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable { case truncated, malformed }

    public var kind: Kind
    /// The protocol layer, e.g. "IPv4", "TCP".
    public var layer: String
    /// The field that could not be read or made no sense, e.g. "data offset".
    public var field: String
    public var expected: String
    public var found: String

    public init(_ kind: Kind, layer: String, field: String, expected: String, found: String) {
        self.kind = kind
        self.layer = layer
        self.field = field
        self.expected = expected
        self.found = found
    }

    static func truncated(_ layer: String, _ field: String, need: Int, have: Int) -> DecodeError {
        DecodeError(.truncated, layer: layer, field: field,
                    expected: "\(need) bytes", found: "\(have) captured")
    }

    public var description: String {
        "\(layer) \(kind.rawValue): \(field): expected \(expected), found \(found)"
    }
}
