#!/bin/bash
# Discovery: a port scanner run from a dropped copy (a stand-in binary under the scanner's name: the
# rule looks at what is run, not at what it does).
set -eu
d=$(mktemp -d /tmp/ainka-attack.XXXXXX)
cp /bin/true "$d/nmap"
"$d/nmap" -sn 127.0.0.1
rm -rf "$d"
