#!/bin/bash
# Defense evasion / persistence: a binary planted in /usr/bin and a login hook below /etc.
set -eu
cp /bin/true /usr/bin/ainka-planted
echo 'true # ainka attack test' > /etc/profile.d/ainka-attack.sh
rm -f /usr/bin/ainka-planted /etc/profile.d/ainka-attack.sh
