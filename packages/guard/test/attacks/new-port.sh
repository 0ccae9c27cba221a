#!/bin/bash
# A backdoor listener on a new port.
set -eu
timeout 30 python3 -c "
import socket, time
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(('0.0.0.0', 31337)); l.listen(1); time.sleep(2)" || true
