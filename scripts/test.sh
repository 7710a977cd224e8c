#!/usr/bin/env bash
# The test command: set up what the tests need, then build and run every test project.
# Extra arguments go to the xUnit v3 runner of the unit tests, e.g. `bash scripts/test.sh -class "RxKafka.Tests.Protocol.*"`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
dotnet build RxKafka.sln -c Release -nologo -v quiet
# The in-process xUnit v3 runner; -showliveoutput prints what tests report (e.g. the spec conformance counts).
dotnet run --project tests/RxKafka.Tests -c Release --no-build -- -showLiveOutput "$@"
# Integration tests against librdkafka's mock cluster, both builds (Debian 2.0.2 and 2.15.1 from the librdkafka.redist package)
# in one process (producer interop with kcat and kafka-python among them), plus TLS through stunnel, plus SASL GSSAPI against a real MIT KDC (MiniKdc; each
# Kerberos exchange runs in a child process of the test assembly, started with the KDC's KRB5_*
# environment, so nothing needs setting here). Under CI=true a missing prerequisite fails, never skips.
dotnet run --project tests/RxKafka.IntegrationTests -c Release --no-build -- -showLiveOutput
