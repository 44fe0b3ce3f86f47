/// Text made safe for a page: every text from a capture or a board goes through one of these.

/// Text made safe for XML and HTML content and attribute values. Characters XML 1.0 forbids
/// (control characters other than tab, newline and carriage return) become U+FFFD.
public func xmlEscape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
        default:
            if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) {
                out += "\u{FFFD}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out
}

/// JSON made safe inside an HTML `<script>` element: `<`, `>` and `&` (which occur only inside
/// JSON strings) and the two JavaScript line separators become `\u` escapes, which mean the same
/// in JSON, so no text can close the element early.
public func scriptSafeJSON(_ json: String) -> String {
    guard json.utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0xE2 }) else { return json }
    var out = ""
    out.reserveCapacity(json.utf8.count + 12)
    for scalar in json.unicodeScalars {
        switch scalar {
        case "<": out += "\\u003c"
        case ">": out += "\\u003e"
        case "&": out += "\\u0026"
        case "\u{2028}": out += "\\u2028"
        case "\u{2029}": out += "\\u2029"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}
