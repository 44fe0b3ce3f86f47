// swift-tools-version:6.0
import PackageDescription

// Fuzz targets for tcplab's decoders, kept out of the main package so `swift build` and
// `make test` never compile them. Built by `make fuzz` with libFuzzer and AddressSanitizer:
//   swift build -c release --package-path fuzz --scratch-path .build-fuzz \
//     -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library --product FuzzDecodePacket
// See docs/robustness.md.
let package = Package(
    name: "tcplab-fuzz",
    dependencies: [
        .package(name: "tcplab", path: ".."),
    ],
    targets: [
        // What each fuzzer runs, as plain functions (no libFuzzer in here).
        .target(name: "FuzzTargets",
                dependencies: [.product(name: "TCPLabDecoding", package: "tcplab")]),
        .executableTarget(name: "FuzzDecodePacket", dependencies: ["FuzzTargets"]),
        .executableTarget(name: "FuzzReadCapture", dependencies: ["FuzzTargets"]),
        .executableTarget(name: "FuzzSensorLine", dependencies: ["FuzzTargets"]),
    ],
    swiftLanguageModes: [.v5]
)
