#!/usr/bin/env bash
# Installs what the tests need, idempotently. Nothing here writes inside the repository.
#  - kafka-python and its codec modules: the peer client for record-batch interop tests.
#    They belong to Debian's own interpreter, /usr/bin/python3.
#    python3-xxhash lets kafka-python write and read magic 0 LZ4 (its pre-0.10 header checksum).
#  - librdkafka1 (Debian, 2.0.2): the second mock-cluster build the integration tests run against.
#    It brings liblz4-1 and libzstd1, which only the benchmarks' old-codec baseline still loads
#    (the library's codecs are managed: docs/architecture.md#dependencies).
#  - kcat: the peer command-line client of the producer interop tests (it reads and writes through
#    Debian's librdkafka 2.0.2, whatever mock build it talks to).
#  - stunnel4 + openssl: a TLS terminator in front of a mock broker, with a test CA, a server
#    certificate for localhost signed by it, and a second, untrusted self-signed certificate.
#  - MIT Kerberos (krb5-kdc, krb5-admin-server for kadmin.local, krb5-user for kinit, and
#    libgssapi-krb5-2, the library .NET's NegotiateAuthentication loads): a private realm
#    RXKAFKA.TEST in $CACHE/kerberos with principals kafka/localhost (service keytab) and client
#    (password and client keytab). Only its files are made here; the tests' MiniKdc
#    (RxKafka.Testing.Kerberos) starts krb5kdc on a free loopback port. The system's
#    /etc/krb5.conf and KDC are never used: everything goes through KRB5_CONFIG / KRB5_KDC_PROFILE.
#
# librdkafka 2.15.1, the mock cluster's default build, is no set-up step: it comes with
# RxKafka.Testing from the NuGet package librdkafka.redist (docs/architecture.md#dependencies).
#
# The cache folder is $RXKAFKA_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/rxkafka; the C# harness
# (RxKafka.Testing.MockCluster.MockLibraries) finds it by the same rule.
set -euo pipefail

CACHE="${RXKAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rxkafka}"
TLS_DIR="$CACHE/tls"
KRB_DIR="$CACHE/kerberos"
KRB_REALM=RXKAFKA.TEST

APT_LABEL=setup
# shellcheck source=scripts/apt-install.sh
source "$(dirname "$0")/apt-install.sh"

apt_install python3-kafka python3-snappy python3-lz4 python3-zstandard python3-xxhash \
  librdkafka1 kcat stunnel4 openssl krb5-kdc krb5-admin-server krb5-user libgssapi-krb5-2

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

# A private Kerberos realm: configuration templates, a database and two keytabs, made once.
# krb5.conf.in and kdc.conf.in carry @KDC_PORT@, which MiniKdc replaces with the free loopback port
# it starts krb5kdc on (kdb5_util and kadmin.local never contact a KDC, so they need no port). Built in
# a sibling folder and renamed, so a half-made realm never looks cached; nothing in the database or
# the keytabs names its folder.
krb_files=(krb5.conf.in kdc.conf.in db/principal db/stash kafka.keytab client.keytab client.password)
krb_complete=1
for f in "${krb_files[@]}"; do [ -f "$KRB_DIR/$f" ] || krb_complete=0; done
if [ $krb_complete -eq 0 ]; then
  echo "setup: creating the Kerberos realm $KRB_REALM"
  mkdir -p "$CACHE"
  tmp="$(mktemp -d "$CACHE/kerberos.XXXXXX")"
  (
    set -euo pipefail
    cd "$tmp"
    mkdir db
    cat > krb5.conf.in <<EOF
# The RxKafka test realm $KRB_REALM (made by scripts/setup.sh). MiniKdc writes a copy with @KDC_PORT@ set.
[libdefaults]
  default_realm = $KRB_REALM
  dns_lookup_kdc = false
  dns_lookup_realm = false
  dns_canonicalize_hostname = false
  rdns = false
  udp_preference_limit = 1
  ticket_lifetime = 1h
[realms]
  $KRB_REALM = {
    kdc = 127.0.0.1:@KDC_PORT@
  }
[domain_realm]
  localhost = $KRB_REALM
EOF
    kdc_conf() {
      cat <<EOF
# The RxKafka test KDC for $KRB_REALM, loopback only (made by scripts/setup.sh). MiniKdc writes a copy with @KDC_PORT@ set.
[kdcdefaults]
  kdc_listen = 127.0.0.1:@KDC_PORT@
  kdc_tcp_listen = 127.0.0.1:@KDC_PORT@
[realms]
  $KRB_REALM = {
    database_name = $1/db/principal
    key_stash_file = $1/db/stash
    acl_file = $1/kadm5.acl
    max_life = 1h
    supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
  }
[logging]
  kdc = STDERR
EOF
    }
    kdc_conf "$KRB_DIR" > kdc.conf.in
    kdc_conf "$tmp" > kdc.setup.conf
    : > kadm5.acl
    export KRB5_CONFIG="$tmp/krb5.conf.in" KRB5_KDC_PROFILE="$tmp/kdc.setup.conf"
    db="$tmp/db/principal"
    # The master password only protects the stash of this throwaway test database.
    kdb5_util create -s -P rxkafka-test-master -r "$KRB_REALM" -d "$db" >/dev/null
    head -c 18 /dev/urandom | base64 | tr -d '\n/+=' > client.password
    kadmin() { kadmin.local -r "$KRB_REALM" -d "$db" -q "$1" >kadmin.log 2>&1 || { cat kadmin.log >&2; exit 1; }; }
    kadmin "addprinc -randkey kafka/localhost@$KRB_REALM"
    kadmin "addprinc -pw $(cat client.password) client@$KRB_REALM"
    kadmin "ktadd -k $tmp/kafka.keytab kafka/localhost@$KRB_REALM"
    # -norandkey keeps the password valid next to the keytab.
    kadmin "ktadd -k $tmp/client.keytab -norandkey client@$KRB_REALM"
    klist -k "$tmp/kafka.keytab" | grep -q "kafka/localhost@$KRB_REALM"
    klist -k "$tmp/client.keytab" | grep -q "client@$KRB_REALM"
    rm -f kdc.setup.conf kadmin.log
    chmod 600 kafka.keytab client.keytab client.password
  ) || { rm -rf "$tmp"; echo "setup: creating the Kerberos realm failed" >&2; exit 1; }
  rm -rf "$KRB_DIR"
  mv "$tmp" "$KRB_DIR"
fi

echo "setup: librdkafka 2.0.2 (Debian): $(dpkg -L librdkafka1 | grep -m1 '/librdkafka\.so\.1$')"
echo "setup: kcat: $(command -v kcat)"
echo "setup: stunnel: $(command -v stunnel4)"
echo "setup: test certificates: $TLS_DIR"
echo "setup: Kerberos realm $KRB_REALM: $KRB_DIR"
echo "setup: ok"
