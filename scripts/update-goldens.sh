#!/usr/bin/env bash
# Regenerates the golden outputs (Tests/Fixtures/golden/) from the fixtures: the annotated packets
# (NAME.txt), the rebuilt stream (NAME.follow.txt and NAME.follow-hex.txt, `read --follow 0 [--hex]`)
# and the readings (NAME.readings.txt and NAME.readings.jsonl, `read --readings`).
# Run it only after checking by eye that a change to the text output is intended; the JSON
# output is checked against tshark instead (Tests/TCPAnalysisTests/TsharkAgreementTests.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build >/dev/null
mkdir -p Tests/Fixtures/golden
for capture in Tests/Fixtures/*.pcap Tests/Fixtures/*.pcapng; do
    name=$(basename "${capture%.*}")
    .build/debug/tcplab read "$capture" --color never > "Tests/Fixtures/golden/$name.txt"
    .build/debug/tcplab read "$capture" --color never --follow 0 > "Tests/Fixtures/golden/$name.follow.txt"
    .build/debug/tcplab read "$capture" --color never --follow 0 --hex > "Tests/Fixtures/golden/$name.follow-hex.txt"
    .build/debug/tcplab read "$capture" --color never --readings > "Tests/Fixtures/golden/$name.readings.txt"
    .build/debug/tcplab read "$capture" --readings --format json > "Tests/Fixtures/golden/$name.readings.jsonl"
done
# Ladder diagrams (Tests/TCPAnalysisTests/LadderTests.swift): Unicode and ASCII of a few
# fixtures that between them show every kind of arrow and note.
mkdir -p Tests/Fixtures/golden/ladder
for name in handshake-readings-fin loss mid-connection refused rst-abort zero-window; do
    capture=Tests/Fixtures/$name.pcap
    .build/debug/tcplab ladder "$capture" --color never > "Tests/Fixtures/golden/ladder/$name.txt"
    .build/debug/tcplab ladder "$capture" --color never --ascii > "Tests/Fixtures/golden/ladder/$name.ascii.txt"
done
.build/debug/tcplab ladder Tests/Fixtures/spurious.pcap --color never --absolute > Tests/Fixtures/golden/ladder/spurious.absolute.txt
echo "updated $(find Tests/Fixtures/golden -name '*.txt' | wc -l) golden files"
