#!/usr/bin/env bash
# Installs what the side-by-side producer benchmark (docs/benchmarks.md) needs, idempotently.
# Nothing here writes inside the repository.
#  - scripts/setup.sh: what the tests need (the mock cluster the broker host runs, librdkafka 2.15.1,
#    comes with RxKafka.Testing from the librdkafka.redist package).
#  - The kafkajs peer (benchmarks/Peers/kafkajs): node and npm, and the packages its package.json and
#    package-lock.json pin (kafkajs 2.2.4, kafkajs-lz4 1.2.1 with its native lz4 module, compiled by
#    node-gyp against the installed node's headers), installed with `npm ci` into
#    $CACHE/peers/kafkajs/node_modules; the runner hands that folder to node as NODE_PATH. Reinstalled
#    only when package.json, the lockfile or node's version change. If lz4's native module cannot be
#    built, kafkajs is installed without it and the benchmark reports lz4 as not available for kafkajs.
#  - The Confluent.Kafka peer (benchmarks/Peers/ConfluentProducer): a NuGet restore of Confluent.Kafka
#    2.15.1 and librdkafka.redist 2.15.1 (the package cache is NuGet's own, outside the repository).
#    The peer is not in RxKafka.sln, so the solution and scripts/test.sh never need these packages.
#
# The cache folder is $RXKAFKA_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/rxkafka, as in scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

bash scripts/setup.sh

CACHE="${RXKAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rxkafka}"
PEER_SRC="$ROOT/benchmarks/Peers/kafkajs"
PEER_DIR="$CACHE/peers/kafkajs"

APT_LABEL=bench-setup
# shellcheck source=scripts/apt-install.sh
source "$ROOT/scripts/apt-install.sh"

# node and npm (the machine usually has both); a C++ toolchain and Python for node-gyp (lz4's native module).
command -v node >/dev/null && command -v npm >/dev/null || apt_install nodejs npm
command -v g++ >/dev/null && command -v make >/dev/null || apt_install build-essential
command -v python3 >/dev/null || apt_install python3

# What the installed tree was made from: the two npm files and node's version.
want="$(cat "$PEER_SRC/package.json" "$PEER_SRC/package-lock.json" | sha256sum | cut -d' ' -f1) node $(node --version)"
have="$(cat "$PEER_DIR/.installed" 2>/dev/null || true)"
if [ "$want" != "$have" ] || [ ! -d "$PEER_DIR/node_modules/kafkajs" ]; then
  echo "bench-setup: installing the kafkajs peer's packages into $PEER_DIR"
  mkdir -p "$CACHE/peers"
  # Built in a sibling folder and renamed, so an interrupted install never looks finished.
  tmp="$(mktemp -d "$CACHE/peers/kafkajs.XXXXXX")"
  chmod 755 "$tmp"
  trap 'rm -rf "$tmp"' EXIT
  cp "$PEER_SRC/package.json" "$PEER_SRC/package-lock.json" "$tmp/"
  # node-gyp compiles against the running node's own headers when they are installed (Debian's
  # nodejs ships them in /usr/include/node) instead of downloading a headers tarball.
  node_prefix="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  if [ -f "$node_prefix/include/node/node.h" ]; then export npm_config_nodedir="$node_prefix"; fi
  if ! (cd "$tmp" && npm ci --no-audit --no-fund >"$tmp/npm.log" 2>&1); then
    tail -20 "$tmp/npm.log" >&2
    echo "bench-setup: npm ci failed; trying again without install scripts (no native lz4: kafkajs runs without lz4)" >&2
    rm -rf "$tmp/node_modules"
    (cd "$tmp" && npm ci --no-audit --no-fund --ignore-scripts >"$tmp/npm.log" 2>&1) \
      || { tail -20 "$tmp/npm.log" >&2; echo "bench-setup: npm ci of the kafkajs peer failed" >&2; exit 1; }
  fi
  rm -f "$tmp/npm.log"
  echo "$want" > "$tmp/.installed"
  rm -rf "$PEER_DIR"
  mv "$tmp" "$PEER_DIR"
  trap - EXIT
fi

lz4="not available (kafkajs-lz4's native lz4 module is missing)"
if NODE_PATH="$PEER_DIR/node_modules" node -e '
    const lz4 = require("lz4"); require("kafkajs-lz4");
    const b = Buffer.alloc(4096, 7); if (!lz4.decode(lz4.encode(b)).equals(b)) process.exit(1);' 2>/dev/null; then
  lz4="lz4 through kafkajs-lz4"
fi
echo "bench-setup: kafkajs $(NODE_PATH="$PEER_DIR/node_modules" node -p 'require("kafkajs/package.json").version') in $PEER_DIR/node_modules; $lz4"

# Confluent.Kafka and librdkafka.redist from NuGet (a no-op once they are in NuGet's package cache).
if dotnet restore "$ROOT/benchmarks/Peers/ConfluentProducer/ConfluentProducer.csproj" -nologo -v quiet >/dev/null 2>&1; then
  echo "bench-setup: Confluent.Kafka 2.15.1 and librdkafka.redist 2.15.1 restored"
else
  echo "bench-setup: the Confluent.Kafka peer does not restore here (the benchmark will skip it):" >&2
  dotnet restore "$ROOT/benchmarks/Peers/ConfluentProducer/ConfluentProducer.csproj" -nologo 2>&1 | grep -i error | head -5 >&2 || true
fi

echo "bench-setup: ok (run: dotnet run -c Release --project benchmarks/RxKafka.Benchmarks -- produce-sidebyside)"
