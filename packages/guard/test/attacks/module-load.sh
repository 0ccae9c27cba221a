#!/bin/bash
# A kernel module load (rootkits arrive as modules); a harmless one, removed again.
set -u
modprobe dummy 2>/dev/null || python3 -c "
import ctypes, os
fd = os.open('/dev/null', os.O_RDONLY)
ctypes.CDLL(None).syscall(313, fd, b'', 0)"
modprobe -r dummy 2>/dev/null || true
