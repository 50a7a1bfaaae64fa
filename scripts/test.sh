#!/usr/bin/env bash
# Sets up a fresh machine and runs Rein's whole test suite (release build: the numeric and learning tests need it).
set -euo pipefail
cd "$(dirname "$0")/.."
# Style first (seconds): the checked-in .swift-format settings, strictly; any finding fails the run.
swift format lint --strict --recursive --configuration .swift-format Sources Tests Benchmarks Examples Package.swift
bash scripts/setup.sh
swift build -c release -Xswiftc -enable-testing --build-tests
swift test -c release -Xswiftc -enable-testing --skip-build
# A real one-node SLURM (issue 15): installs slurm-wlm and munge with apt, starts and stops its own daemons.
bash scripts/test-slurm.sh
