#!/bin/bash
# Credential access: steal a user's SSH private key.
set -eu
# /root/.ssh/ is always watched (home directories are listed when the guard starts)
key=/root/.ssh/id_ainka_attack
mkdir -p /root/.ssh
rm -f $key $key.pub
ssh-keygen -q -t ed25519 -N '' -f $key
cp $key /tmp/.loot-$$
rm -f /tmp/.loot-$$ $key $key.pub
