#!/bin/bash
# Defense evasion: a payload copied into an anonymous memory file (memfd_create) and run through
# /proc/self/fd, under a kernel thread's name: no binary ever lands on disk.
set -eu
python3 - <<'PY'
import os
fd = os.memfd_create('')
os.write(fd, open('/bin/sleep', 'rb').read())
pid = os.fork()
if pid == 0:
    os.execv(f'/proc/self/fd/{fd}', ['[kworker/u4:2]', '0.2'])
os.waitpid(pid, 0)
PY
