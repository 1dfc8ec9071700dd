#!/usr/bin/env bash
# Debian packages that affiche's PDF renderer and tests use. Skips quietly when present,
# says so when it cannot install (not root, no apt-get).
set -u
needed=()
command -v pdftoppm >/dev/null || needed+=(poppler-utils)
command -v xmllint >/dev/null || needed+=(libxml2-utils)
fc-list 2>/dev/null | grep -qi dejavu || needed+=(fonts-dejavu-core)
command -v chromium >/dev/null || needed+=(chromium)
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || needed+=(postgresql)
[ ${#needed[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "system-deps: cannot install ${needed[*]} (needs root and apt-get); tests that need them will skip" >&2
  exit 0
fi
echo "system-deps: installing ${needed[*]}"
if ! { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive \
       apt-get install -y -q "${needed[@]}" >/dev/null; }; then
  echo "system-deps: could not install ${needed[*]}; tests that need them will skip" >&2
fi
exit 0
