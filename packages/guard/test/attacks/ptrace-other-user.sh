#!/bin/bash
# Injection: attach with ptrace to a process of another user.
set -eu
setpriv --reuid=65534 --regid=65534 --clear-groups sleep 30 &
victim=$!
sleep 0.5
python3 -c "
import ctypes, sys, os, time
libc = ctypes.CDLL(None)
pid = int(sys.argv[1])
if libc.ptrace(16, pid, 0, 0) == 0:
    os.waitpid(pid, 0)
    libc.ptrace(17, pid, 0, 0)
" "$victim"
kill $victim 2>/dev/null || true
wait $victim 2>/dev/null || true
