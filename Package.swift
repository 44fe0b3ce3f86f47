// swift-tools-version:6.0
import PackageDescription

// One job per module; arrows point one way (see docs/architecture.md).
let package = Package(
    name: "tcplab",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tcplab", targets: ["tcplab"]),
        // For the fuzz package in fuzz/ (it depends on this one by path); nothing else needs them.
        .library(name: "TCPLabDecoding",
                 targets: ["WireFormat", "TCPAnalysis", "SensorStreams", "LabReport", "PacketCapture", "SensorProtocol", "CaptureAnalysis"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"]), .brew(["libpcap"])]
        ),
        .target(name: "BuildInfo"),
        // The lab network (`tcplab net`): namespaces, a TUN link, the delaying forwarder; its C calls.
        .target(name: "CLabNetwork"),
        .target(name: "LabNetwork", dependencies: ["CLabNetwork"]),
        .target(name: "PacketCapture", dependencies: ["CPcap"]),
        .target(name: "WireFormat"),
        .target(name: "TCPAnalysis", dependencies: ["WireFormat"]),
        .target(name: "SensorProtocol"),
        .target(
            name: "SensorServer",
            dependencies: [
                "SensorProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Linux's TCP_INFO: the kernel's struct, one sample, the CSV file and its reader (no
        // dependencies, so the graphs can read the file); sampling it during a connection (NIO).
        .target(name: "KernelTCPInfo"),
        .target(
            name: "TCPInfoSampling",
            dependencies: [
                "KernelTCPInfo",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .target(
            name: "DeviceSimulator",
            dependencies: [
                "SensorProtocol", "TCPInfoSampling", "KernelTCPInfo",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(name: "SensorStreams", dependencies: ["TCPAnalysis", "WireFormat", "SensorProtocol"]),
        .target(name: "LabReport", dependencies: ["TCPAnalysis", "WireFormat", "SensorProtocol", "SensorStreams"]),
        .target(
            name: "CaptureAnalysis",
            dependencies: ["PacketCapture", "TCPAnalysis", "WireFormat", "LabReport", "SensorProtocol", "SensorStreams"]
        ),
        .target(
            name: "Labs",
            dependencies: [
                "CaptureAnalysis", "SensorStreams", "TCPAnalysis", "WireFormat", "SensorProtocol", "PacketCapture",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        // The live classroom page of `serve --web` and the page and SVG of `tcplab plot`.
        .target(
            name: "WebView",
            dependencies: [
                "SensorServer", "SensorProtocol", "LabReport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "tcplab",
            dependencies: [
                "CaptureAnalysis", "PacketCapture", "WireFormat", "TCPAnalysis", "LabReport", "Labs",
                "SensorProtocol", "SensorServer", "DeviceSimulator", "BuildInfo", "LabNetwork", "KernelTCPInfo",
                "TCPInfoSampling", "WebView",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
        ),
        // Helpers the test targets share: paths, processes, tshark, the server's event recorder.
        .target(
            name: "TestSupport",
            dependencies: ["SensorServer", "CaptureAnalysis", "LabReport",
                           .product(name: "NIOConcurrencyHelpers", package: "swift-nio")],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "WireFormatTests", dependencies: ["WireFormat"]),
        .testTarget(name: "PacketCaptureTests", dependencies: ["TestSupport", "PacketCapture"]),
        .testTarget(
            name: "TCPAnalysisTests",
            dependencies: ["TestSupport", "CaptureAnalysis", "TCPAnalysis", "WireFormat", "PacketCapture", "LabReport", "SensorProtocol"]
        ),
        .testTarget(
            name: "LabReportTests",
            dependencies: ["TestSupport", "LabReport", "CaptureAnalysis", "TCPAnalysis", "WireFormat", "PacketCapture"]
        ),
        .testTarget(name: "LabsTests", dependencies: ["TestSupport", "Labs", "SensorStreams", "CaptureAnalysis", "TCPAnalysis", "WireFormat", "PacketCapture"]),
        .testTarget(name: "SensorProtocolTests", dependencies: ["SensorProtocol"]),
        .testTarget(name: "SensorStreamsTests", dependencies: ["SensorStreams", "TCPAnalysis", "WireFormat", "SensorProtocol"]),
        .testTarget(
            name: "SensorServerTests",
            dependencies: [
                "TestSupport",
                "SensorServer", "SensorProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "DeviceSimulatorTests",
            dependencies: [
                "TestSupport",
                "DeviceSimulator", "SensorServer", "SensorProtocol", "KernelTCPInfo", "TCPInfoSampling",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "WebViewTests",
            dependencies: [
                "TestSupport", "WebView", "SensorServer", "SensorProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["TestSupport", "tcplab", "Labs", "LabNetwork", "CaptureAnalysis", "DeviceSimulator", "KernelTCPInfo", "TCPInfoSampling", "PacketCapture", "WireFormat", "TCPAnalysis", "LabReport", "SensorProtocol"]
        ),
    ]
)
