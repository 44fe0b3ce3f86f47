import FuzzTargets

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzSensorLine(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}

/// SwiftPM's name for this program's `main` (see LibFuzzerDriver.swift).
@_cdecl("FuzzSensorLine_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc: argc, argv: argv) { data, size in testOneInput(data, size) }
}
