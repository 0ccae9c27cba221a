#!/bin/bash
# Persistence: a cron job dropped below /etc, and a binary planted in /usr/bin.
set -eu
echo '* * * * * root /tmp/.x' > /etc/cron.d/ainka-backdoor
cp /bin/true /usr/bin/ainka-planted
rm -f /etc/cron.d/ainka-backdoor /usr/bin/ainka-planted
