#!/usr/bin/env bash
# Installs what the tests need, idempotently. Nothing here writes inside the repository.
#  - liblz4 / libzstd: the lz4 and zstd codecs call the system libraries through P/Invoke.
#  - kafka-python and its codec modules: the peer client for record-batch interop tests.
#    They belong to Debian's own interpreter, /usr/bin/python3.
#    python3-xxhash lets kafka-python write and read magic 0 LZ4 (its pre-0.10 header checksum).
#  - librdkafka1 (Debian, 2.0.2): the first mock-cluster build the integration tests run against.
#  - librdkafka 2.15.1, built from the source the npm package @confluentinc/kafka-javascript@1.10.1
#    ships in deps/librdkafka: the second mock-cluster build (flexible versions). Built once and
#    cached outside the repository; skipped when the cached library exists.
#  - stunnel4 + openssl: a TLS terminator in front of a mock broker, with a test CA, a server
#    certificate for localhost signed by it, and a second, untrusted self-signed certificate.
#
# The cache folder is $RXKAFKA_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/rxkafka; the C# harness
# (RxKafka.Testing.MockCluster.MockLibraries) finds it by the same rule.
set -euo pipefail

LIBRDKAFKA_VERSION=2.15.1
KAFKA_JS_PACKAGE=@confluentinc/kafka-javascript@1.10.1
CACHE="${RXKAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rxkafka}"
RDKAFKA_SO="$CACHE/librdkafka-$LIBRDKAFKA_VERSION/librdkafka.so.1"
TLS_DIR="$CACHE/tls"

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
apt_updated=0
apt_install() {
  local need=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  echo "setup: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if [ $apt_updated -eq 0 ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

apt_install liblz4-1 libzstd1 python3-kafka python3-snappy python3-lz4 python3-zstandard python3-xxhash \
  librdkafka1 stunnel4 openssl

# librdkafka 2.15.1 from the npm package's source, built once.
if [ ! -f "$RDKAFKA_SO" ]; then
  # What configure and make need: a C toolchain, pkg-config, zlib and OpenSSL headers,
  # Debian's python3 (the linker-script generator), and npm to fetch the package.
  apt_install build-essential pkg-config zlib1g-dev libssl-dev python3
  command -v npm >/dev/null || apt_install npm
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  echo "setup: building librdkafka $LIBRDKAFKA_VERSION from $KAFKA_JS_PACKAGE (about a minute)"
  started=$SECONDS
  (cd "$work" && npm pack "$KAFKA_JS_PACKAGE" --silent >/dev/null 2>npm.log) \
    || { cat "$work/npm.log" >&2; echo "setup: npm pack $KAFKA_JS_PACKAGE failed" >&2; exit 1; }
  tar -xzf "$work"/*.tgz -C "$work" package/deps/librdkafka
  src="$work/package/deps/librdkafka"
  got="$(sed -n 's/^#define RD_KAFKA_VERSION 0x\([0-9a-f]*\).*/\1/p' "$src/src/rdkafka.h")"
  [ "$got" = "020f01ff" ] || { echo "setup: expected librdkafka 2.15.1 in $KAFKA_JS_PACKAGE, found version 0x$got" >&2; exit 1; }
  (cd "$src" && ./configure --disable-gssapi --disable-curl --disable-zstd --disable-lz4-ext >"$work/configure.log" 2>&1) \
    || { tail -40 "$work/configure.log" >&2; echo "setup: librdkafka configure failed" >&2; exit 1; }
  # Only the C shared library: the mock cluster lives there (no C++ wrapper, no static archives).
  (make -C "$src/src" -j2 librdkafka.so.1 >"$work/make.log" 2>&1) \
    || { tail -40 "$work/make.log" >&2; echo "setup: librdkafka make failed" >&2; exit 1; }
  mkdir -p "$(dirname "$RDKAFKA_SO")"
  # Copy then rename, so an interrupted run never leaves a half-written library that looks cached.
  cp "$src/src/librdkafka.so.1" "$RDKAFKA_SO.tmp"
  mv "$RDKAFKA_SO.tmp" "$RDKAFKA_SO"
  rm -rf "$work"; trap - EXIT
  echo "setup: built librdkafka $LIBRDKAFKA_VERSION in $((SECONDS - started)) s"
fi

# Test certificates: a CA, a server certificate for localhost signed by it, an untrusted self-signed one.
tls_files=(ca.crt ca.key server.crt server.key untrusted.crt untrusted.key)
tls_complete=1
for f in "${tls_files[@]}"; do [ -f "$TLS_DIR/$f" ] || tls_complete=0; done
if [ $tls_complete -eq 0 ]; then
  echo "setup: generating test certificates"
  mkdir -p "$CACHE"
  tmp="$(mktemp -d "$CACHE/tls.XXXXXX")"
  (
    cd "$tmp"
    days=3650
    openssl req -x509 -new -nodes -newkey rsa:2048 -sha256 -days $days -keyout ca.key -out ca.crt \
      -subj "/CN=RxKafka Test CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    openssl req -new -nodes -newkey rsa:2048 -sha256 -keyout server.key -out server.csr -subj "/CN=localhost" 2>/dev/null
    printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1" > server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days $days \
      -extfile server.ext -out server.crt 2>/dev/null
    # Same names as the server certificate, so only trust (not the host name) makes it fail.
    openssl req -x509 -new -nodes -newkey rsa:2048 -sha256 -days $days -keyout untrusted.key -out untrusted.crt \
      -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -addext "extendedKeyUsage=serverAuth" 2>/dev/null
    openssl verify -CAfile ca.crt server.crt >/dev/null
    rm -f server.csr server.ext ca.srl
    chmod 600 ./*.key
  )
  rm -rf "$TLS_DIR"
  mv "$tmp" "$TLS_DIR"
fi

echo "setup: librdkafka 2.0.2 (Debian): $(dpkg -L librdkafka1 | grep -m1 '/librdkafka\.so\.1$')"
echo "setup: librdkafka $LIBRDKAFKA_VERSION (source build): $RDKAFKA_SO"
echo "setup: stunnel: $(command -v stunnel4)"
echo "setup: test certificates: $TLS_DIR"
echo "setup: ok"
