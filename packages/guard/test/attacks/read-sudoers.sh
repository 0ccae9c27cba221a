#!/bin/bash
# Discovery / credential access: read sudoers and root's shell history.
set -u
cat /etc/sudoers > /dev/null 2>&1
cat /root/.bash_history > /dev/null 2>&1 || true
