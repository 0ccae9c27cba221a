#!/bin/bash
# Privilege escalation attempt: an unprivileged process asks the kernel for uid 0 (fails with EPERM).
set -u
setpriv --reuid=65534 --regid=65534 --clear-groups perl -e '$< = 0; $> = 0; exit 0'
