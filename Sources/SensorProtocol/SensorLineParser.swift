/// Parses one framed line (terminator already removed by the framer; a trailing `\r` may remain).
///
/// Works on the bytes in place: no Foundation, no regular expressions, and no allocation on the
/// success path beyond a device name. The rules and their order are in `testdata/README.md`.
public enum SensorLineParser {
    public static func parse(_ line: String) throws(SensorParseError) -> SensorLine {
        var line = line
        // withUTF8 only rethrows untyped errors, so carry the typed one out in a Result.
        return try line.withUTF8 { bytes in
            Result { () throws(SensorParseError) in try parse(UnsafeRawBufferPointer(bytes)) }
        }.get()
    }

    public static func parse(bytes: some Sequence<UInt8>) throws(SensorParseError) -> SensorLine {
        // Arrays and slices are parsed where they lie; other sequences are copied once.
        let inPlace = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(SensorParseError) in try parse(UnsafeRawBufferPointer(buffer)) }
        }
        return try (inPlace ?? Array(bytes).withUnsafeBytes { raw in
            Result { () throws(SensorParseError) in try parse(raw) }
        }).get()
    }

    public static func parse(_ raw: UnsafeRawBufferPointer) throws(SensorParseError) -> SensorLine {
        try self.parse(raw, detail: true)
    }

    /// The same rules as `parse`, but a failure carries only its reason (`found` is empty): for a
    /// server that counts a flood of bad lines and describes only the few it reports (by calling
    /// `parse` again). Building the text of every error was most of the cost of a garbage flood.
    public static func parseWithoutDetail(_ raw: UnsafeRawBufferPointer) throws(SensorParseError) -> SensorLine {
        try self.parse(raw, detail: false)
    }

    /// An error whose `found` text is built only when `detail` is asked for.
    private static func failure(_ reason: SensorParseError.Reason, _ detail: Bool, _ found: @autoclosure () -> String)
        -> SensorParseError
    {
        SensorParseError(reason, found: detail ? found() : "")
    }

    private static func parse(_ raw: UnsafeRawBufferPointer, detail: Bool) throws(SensorParseError) -> SensorLine {
        var line = raw
        // Rule 1: Arduino's println ends with \r\n; the framer took the \n.
        if let last = line.last, last == UInt8(ascii: "\r") {
            line = UnsafeRawBufferPointer(rebasing: line.dropLast())
        }
        // Rule 2: printable ASCII only.
        for (column, byte) in line.enumerated() where byte < 0x20 || byte > 0x7E {
            throw Self.failure(.notText, detail, "byte \(Self.hex(byte)) at column \(column + 1) in \(Self.quoted(line))")
        }
        // Rule 3.
        if line.isEmpty { throw Self.failure(.emptyLine, detail, "an empty line") }
        // Rule 4.
        if Self.hasHelloPrefix(line) { return .hello(name: try Self.deviceName(line, detail: detail)) }
        // Rule 5: exactly three commas, found in one pass.
        var commas = (0, 0, 0)
        var count = 0
        for index in line.indices where line[index] == UInt8(ascii: ",") {
            switch count {
            case 0: commas.0 = index
            case 1: commas.1 = index
            case 2: commas.2 = index
            default: break
            }
            count += 1
        }
        guard count == 3 else {
            throw Self.failure(.fieldCount, detail, "\(count + 1) field\(count == 0 ? "" : "s") in \(Self.quoted(line))")
        }
        let seqField = line[0..<commas.0]
        let millisField = line[(commas.0 + 1)..<commas.1]
        let temperatureField = line[(commas.1 + 1)..<commas.2]
        let humidityField = line[(commas.2 + 1)...]
        // Rules 6–8, field by field in line order.
        guard let seq = Self.unsigned32(seqField) else {
            throw Self.failure(.badSeq, detail, Self.quoted(seqField))
        }
        guard let millis = Self.unsigned32(millisField) else {
            throw Self.failure(.badMillis, detail, Self.quoted(millisField))
        }
        guard let temperature = Self.decimal(temperatureField) else {
            throw Self.failure(.badTemperature, detail, Self.quoted(temperatureField))
        }
        guard let humidity = Self.decimal(humidityField) else {
            throw Self.failure(.badHumidity, detail, Self.quoted(humidityField))
        }
        guard SensorReading.temperatureRange.contains(temperature) else {
            throw Self.failure(.temperatureOutOfRange, detail, Self.quoted(temperatureField))
        }
        guard SensorReading.humidityRange.contains(humidity) else {
            throw Self.failure(.humidityOutOfRange, detail, Self.quoted(humidityField))
        }
        return .reading(SensorReading(seq: seq, millis: millis, temperature: temperature, humidity: humidity))
    }

    /// Longest device name `HELLO` accepts.
    public static let maximumDeviceNameLength = 32

    // MARK: - Fields

    private static func hasHelloPrefix(_ line: UnsafeRawBufferPointer) -> Bool {
        line.count >= 5 && line[0] == 0x48 && line[1] == 0x45 && line[2] == 0x4C && line[3] == 0x4C
            && line[4] == 0x4F  // "HELLO"
    }

    private static func deviceName(_ line: UnsafeRawBufferPointer, detail: Bool) throws(SensorParseError) -> String {
        let rest = line[5...]
        guard rest.first == UInt8(ascii: " ") else {
            throw Self.failure(.badDeviceName, detail, rest.isEmpty ? "no name" : Self.quoted(line))
        }
        let name = line[6...]
        guard (1...maximumDeviceNameLength).contains(name.count) else {
            throw Self.failure(.badDeviceName, detail, "a name of \(name.count) characters")
        }
        for byte in name where !Self.isNameByte(byte) {
            throw Self.failure(.badDeviceName, detail, "\(Self.quoted(name)) (\(Self.quoted(CollectionOfOne(byte))) is not allowed)")
        }
        return String(decoding: name, as: UTF8.self)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }

    /// Decimal digits only, below 2^32 (leading zeros allowed).
    private static func unsigned32(_ field: Slice<UnsafeRawBufferPointer>) -> UInt32? {
        guard !field.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in field {
            let digit = byte &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + UInt64(digit)
            guard value <= UInt64(UInt32.max) else { return nil }
        }
        return UInt32(value)
    }

    /// `-?[0-9]+(\.[0-9]+)?` as a Double, correctly rounded.
    private static func decimal(_ field: Slice<UnsafeRawBufferPointer>) -> Double? {
        var index = field.startIndex
        let negative = index < field.endIndex && field[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var seenPoint = false
        var digitsBeforePoint = 0
        while index < field.endIndex {
            let byte = field[index]
            if byte == UInt8(ascii: ".") {
                guard !seenPoint, digits > 0 else { return nil }
                seenPoint = true
                digitsBeforePoint = digits
            } else {
                let digit = byte &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                digits += 1
                if seenPoint { fractionDigits += 1 }
                if mantissa < 1 << 52 { mantissa = mantissa * 10 + UInt64(digit) } else { mantissa = .max }
            }
            index += 1
        }
        guard digits > 0, !seenPoint || digits > digitsBeforePoint else { return nil }
        let magnitude: Double
        if mantissa < 1 << 53 && fractionDigits < powersOfTen.count {
            // Both operands exact, so one division gives the correctly rounded value.
            magnitude = Double(mantissa) / powersOfTen[fractionDigits]
        } else {
            // Absurdly long numbers: let the standard library do it (allocates, but never on real input).
            let text = String(decoding: field[(negative ? field.startIndex + 1 : field.startIndex)...], as: UTF8.self)
            guard let value = Double(text) else { return nil }
            magnitude = value
        }
        return negative ? -magnitude : magnitude
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    // MARK: - Messages

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "0x\(digits[Int(byte >> 4)])\(digits[Int(byte & 0xF)])"
    }

    /// The bytes in double quotes, non-printable ones as `\xHH`, cut after 40 bytes.
    public static func quoted(_ bytes: some Collection<UInt8>) -> String {
        var text = "\""
        for byte in bytes.prefix(40) {
            switch byte {
            case UInt8(ascii: "\""): text += "\\\""
            case UInt8(ascii: "\\"): text += "\\\\"
            case 0x20...0x7E: text.unicodeScalars.append(Unicode.Scalar(byte))
            default: text += "\\x" + Self.hex(byte).dropFirst(2)
            }
        }
        text += bytes.count > 40 ? "…\"" : "\""
        return text
    }
}
