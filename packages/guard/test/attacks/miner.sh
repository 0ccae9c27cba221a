#!/bin/bash
# A crypto-miner: connects to a "pool" on the stratum port 3333, then burns a core (20 s at most).
set -eu
secs=${MINER_SECONDS:-20}
python3 - "$secs" <<'PY'
import socket, sys, time
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(('127.0.0.1', 3333)); l.listen(1)
c = socket.create_connection(('127.0.0.1', 3333))
end = time.time() + float(sys.argv[1])
x = 0
while time.time() < end:
    for i in range(100000):
        x = (x * 1103515245 + 12345) & 0xffffffff
PY
