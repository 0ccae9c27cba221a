#!/bin/bash
# Credential access: steal a user's SSH private key.
set -eu
home=/home/ainka-victim
mkdir -p $home/.ssh
[ -f $home/.ssh/id_ed25519 ] || ssh-keygen -q -t ed25519 -N '' -f $home/.ssh/id_ed25519
cp $home/.ssh/id_ed25519 /tmp/.loot-$$
rm -f /tmp/.loot-$$
