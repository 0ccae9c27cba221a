#!/bin/bash
# Persistence: a new account put into the sudo group (removed again at the end).
set -eu
useradd -M -s /bin/bash ainka-attack
trap 'userdel ainka-attack 2>/dev/null || true' EXIT
usermod -aG sudo ainka-attack
