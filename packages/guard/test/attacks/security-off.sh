#!/bin/bash
# Defense evasion: the firewall flushed (its rules saved and put back afterwards, so the guest is as before).
set -eu
saved=$(mktemp)
nft list ruleset > "$saved"
nft flush ruleset
nft -f "$saved"
rm -f "$saved"
