#!/usr/bin/env bash
# The test command: set up what the tests need, then build and run every test project.
# Extra arguments go to the xUnit v3 runner, e.g. `bash scripts/test.sh -class "RxKafka.Tests.Protocol.*"`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
dotnet build RxKafka.sln -c Release -nologo -v quiet
# The in-process xUnit v3 runner; -showliveoutput prints what tests report (e.g. the spec conformance counts).
dotnet run --project tests/RxKafka.Tests -c Release --no-build -- -showLiveOutput "$@"
