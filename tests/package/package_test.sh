#!/usr/bin/env bash
# ctest label `package`: builds the .deb with CPack, checks it with lintian and dpkg-deb,
# installs it, runs `tripline check` on the installed config, then removes and purges it and
# asserts nothing is left. Runs only as root on a host without tripline installed; exit 77
# (skipped) otherwise. Whatever happens midway, the EXIT trap purges what was installed.
#   usage: package_test.sh BUILD_DIR
# Leftovers of an agent run without the package (/var/lib/tripline from `tripline run` with the
# default config, e.g. by scripts/run-agent.sh or another test) are moved aside for the test and
# put back afterwards; TRIPLINE_PACKAGE_TEST_SET_ASIDE=0 skips instead. While a process holds a
# file open in one of them (an agent running on that state), the test skips.
set -uo pipefail

build_dir=${1:?usage: package_test.sh BUILD_DIR}
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
failures=0

[[ $(id -u) -eq 0 ]] || skip "needs root (dpkg -i / -P); run the package test as root"
command -v dpkg > /dev/null || skip "not a dpkg-based system"
package_state() { dpkg-query -W -f='${db:Status-Status}' tripline 2> /dev/null; }
state=$(package_state)
if [[ -n $state && $state != not-installed ]]; then
  skip "a tripline package is on this host ($state); refusing to touch it"
fi
getent passwd tripline > /dev/null && skip "user 'tripline' already exists; refusing to delete it"
leftovers=()
for p in /etc/tripline /var/lib/tripline /var/log/tripline; do
  if [[ -e $p ]]; then
    [[ ${TRIPLINE_PACKAGE_TEST_SET_ASIDE:-1} == 1 ]] ||
      skip "$p already exists and TRIPLINE_PACKAGE_TEST_SET_ASIDE=0"
    if find /proc/[0-9]*/fd -lname "$p/*" -print -quit 2> /dev/null | grep -q .; then
      skip "a process has files open below $p; not touching them"
    fi
    leftovers+=("$p")
  fi
done

work=$(mktemp -d /tmp/tripline-package-XXXXXX)
installed=""
cleanup() {
  if [[ -n $installed ]]; then
    dpkg -P tripline > "$work/cleanup.log" 2>&1 || cat "$work/cleanup.log"
  fi
  for p in "${leftovers[@]}"; do
    rm -rf "$p"
    mv "$work/aside/$(basename "$p")" "$p" && echo "put $p back"
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # through the EXIT trap: an interrupted run purges too
mkdir -p "$work/aside"
for p in "${leftovers[@]}"; do
  mv "$p" "$work/aside/$(basename "$p")" && echo "moved $p aside to $work/aside (put back at exit)"
done

# 1. Build.
if ! (cd "$work" && cpack --config "$build_dir/CPackConfig.cmake" -B "$work/out" > cpack.log 2>&1); then
  cat "$work/cpack.log"
  echo "FAIL: cpack"
  exit 1
fi
deb=$(ls "$work"/out/tripline_*_amd64.deb 2> /dev/null | head -1)
[[ -f $deb ]] || { echo "FAIL: no tripline_<version>_amd64.deb in $work/out"; ls -l "$work/out"; exit 1; }
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# 2. Static checks: shlibdeps, conffiles, lintian.
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libc6 libstdc++6 libssl3 libsimdjson libre2 libyaml-cpp liblua5.4 libsystemd0 zlib1g adduser; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib (dpkg-shlibdeps)"
done
conffiles=$(dpkg-deb -I "$deb" conffiles)
for f in /etc/tripline/tripline.yaml /etc/tripline/rules.d/linux_sshd_authentication.yml; do
  grep -qx "$f" <<< "$conffiles" || fail "$f is not a conffile"
done
etc_files=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $NF}' | grep '^\./etc/' | sed 's/^\.//')
for f in $etc_files; do
  grep -qx "$f" <<< "$conffiles" || fail "$f is installed in /etc but not a conffile"
done
if command -v lintian > /dev/null; then
  lintian --fail-on error "$deb" > "$work/lintian.log" 2>&1
  rc=$?
  cat "$work/lintian.log"
  [[ $rc -eq 0 ]] || fail "lintian reports errors"
else
  echo "note: lintian not installed (scripts/install-deps.sh --with-test-tools); not run"
fi

# 3. Install.
installed=1
if ! dpkg -i "$deb" > "$work/install.log" 2>&1; then
  cat "$work/install.log"
  echo "FAIL: dpkg -i"
  exit 1
fi
[[ -x /usr/bin/tripline ]] || fail "/usr/bin/tripline missing"
getent passwd tripline > /dev/null || fail "system user tripline not created"
[[ $(stat -c %U:%G /var/lib/tripline 2> /dev/null) == tripline:tripline ]] ||
  fail "/var/lib/tripline is not owned by tripline"
[[ -f /lib/systemd/system/tripline.service ]] || fail "unit not installed"
[[ -L /etc/systemd/system/multi-user.target.wants/tripline.service ]] ||
  fail "unit not enabled (multi-user.target.wants link missing)"

# 4. The installed config validates, as root and as the service user.
/usr/bin/tripline check -c /etc/tripline/tripline.yaml || fail "tripline check (root)"
if command -v runuser > /dev/null; then
  runuser -u tripline -- /usr/bin/tripline check -c /etc/tripline/tripline.yaml ||
    fail "tripline check (as user tripline)"
fi
/usr/bin/tripline version || fail "tripline version"

# 5. The unit's exposure score.
if command -v systemd-analyze > /dev/null; then
  verdict=$(systemd-analyze security --offline=true /lib/systemd/system/tripline.service 2>&1 |
            grep "Overall exposure level")
  echo "$verdict"
  [[ $verdict =~ (SAFE|OK) ]] || fail "systemd-analyze security: worse than OK"
fi

# 6. Remove: binary and unit go, conffiles and state stay.
dpkg -r tripline > "$work/remove.log" 2>&1 || { cat "$work/remove.log"; fail "dpkg -r"; }
[[ ! -e /usr/bin/tripline ]] || fail "/usr/bin/tripline left after dpkg -r"
[[ ! -e /lib/systemd/system/tripline.service ]] || fail "unit left after dpkg -r"
[[ -f /etc/tripline/tripline.yaml ]] || fail "conffile removed by dpkg -r (only purge may)"

# 7. Purge: nothing may be left.
dpkg -P tripline > "$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "dpkg -P"; }
installed=""
state=$(package_state)
[[ -z $state || $state == not-installed ]] || fail "dpkg still has tripline ($state) after purge"
for p in /etc/tripline /var/lib/tripline /var/log/tripline /usr/bin/tripline \
         /usr/share/doc/tripline /lib/systemd/system/tripline.service \
         /etc/systemd/system/tripline.service \
         /etc/systemd/system/multi-user.target.wants/tripline.service \
         /var/lib/systemd/deb-systemd-helper-enabled/tripline.service.dsh-also \
         /var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/tripline.service \
         /var/lib/systemd/deb-systemd-helper-masked/tripline.service; do
  [[ -e $p || -L $p ]] && fail "$p left after purge"
done
getent passwd tripline > /dev/null && fail "user tripline left after purge"
getent group tripline > /dev/null && fail "group tripline left after purge"

if ((failures)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "PASS: build, lintian, install, check, remove, purge"
