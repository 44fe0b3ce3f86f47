/// The TCP port the boards connect to (the sketch's `SERVER_PORT`, `tcplab serve`'s default).
public enum SensorPort {
    public static let standard: UInt16 = 5050
}
