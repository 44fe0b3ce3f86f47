/// Marsaglia's xorshift32, the generator the firmware uses (`firmware/src/random_source.cpp`):
/// tiny, fast, and the same seed always gives the same readings and jitter, so runs repeat.
public struct XorShift32: RandomNumberGenerator, Sendable {
    private var state: UInt32

    /// A zero seed is replaced by a constant, as in the firmware: xorshift has a fixed point at 0.
    public init(seed: UInt32) {
        self.state = seed != 0 ? seed : 0x9E37_79B9
    }

    public mutating func nextU32() -> UInt32 {
        var x = self.state
        x ^= x << 13
        x ^= x >> 17
        x ^= x << 5
        self.state = x
        return x
    }

    public mutating func next() -> UInt64 {
        UInt64(self.nextU32()) << 32 | UInt64(self.nextU32())
    }

    /// Uniform in `range` (half-open, as `Double.random(in:)`), from 32 bits.
    public mutating func uniform(_ range: Range<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * (Double(self.nextU32()) / 4_294_967_296.0)
    }
}
