#!/bin/sh
# The system tools the tests drive (headless Chromium, biber, BibTeX, pandoc, tmux): nothing to
# do when they are all there; on Debian as root, install the missing ones; otherwise stop with
# one line naming what to install. The README's test command runs this first.
set -eu
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v biber >/dev/null 2>&1 || need="$need biber"
command -v bibtex >/dev/null 2>&1 || need="$need texlive-binaries texlive-bibtex-extra"
command -v pandoc >/dev/null 2>&1 || need="$need pandoc"
command -v tmux >/dev/null 2>&1 || need="$need tmux"
[ -z "$need" ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  # shellcheck disable=SC2086  # one word per package
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
  exit 0
fi
echo "tests need system packages:$need (Debian: sudo apt-get install$need)" >&2
exit 1
