# Sourced by scripts/setup.sh and scripts/bench-setup.sh. apt_install PACKAGE... installs the Debian
# packages among those that are not installed yet (with one apt-get update per script run, first);
# its message starts with $APT_LABEL (default "setup").
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
apt_updated=0
apt_install() {
  local need=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || need+=("$pkg")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  echo "${APT_LABEL:-setup}: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if [ $apt_updated -eq 0 ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}
