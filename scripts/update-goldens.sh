#!/usr/bin/env bash
# Regenerates the golden text outputs (Tests/Fixtures/golden/*.txt) from the fixtures.
# Run it only after checking by eye that a change to the text output is intended; the JSON
# output is checked against tshark instead (Tests/TCPAnalysisTests/TsharkAgreementTests.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build >/dev/null
mkdir -p Tests/Fixtures/golden
for capture in Tests/Fixtures/*.pcap Tests/Fixtures/*.pcapng; do
    name=$(basename "${capture%.*}")
    .build/debug/tcplab read "$capture" --color never > "Tests/Fixtures/golden/$name.txt"
done
echo "updated $(ls Tests/Fixtures/golden | wc -l) golden files"
