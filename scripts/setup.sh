#!/usr/bin/env bash
# Installs what the tests need, idempotently. Nothing here writes inside the repository.
#  - liblz4 / libzstd: the lz4 and zstd codecs call the system libraries through P/Invoke.
#  - kafka-python and its codec modules: the peer client for record-batch interop tests.
#    They belong to Debian's own interpreter, /usr/bin/python3.
#    python3-xxhash lets kafka-python write and read magic 0 LZ4 (its pre-0.10 header checksum).
set -euo pipefail

need_apt=()
for pkg in liblz4-1 libzstd1 python3-kafka python3-snappy python3-lz4 python3-zstandard python3-xxhash; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
echo "setup: ok"
