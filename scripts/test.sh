#!/usr/bin/env bash
# The test command: set up what the tests need, then build and run every test project.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
dotnet build RxKafka.sln -c Release -nologo -v quiet
dotnet test tests/RxKafka.Tests -c Release --no-build -nologo "$@"
