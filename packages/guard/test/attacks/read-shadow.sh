#!/bin/bash
# Credential access: dump the password hashes.
set -eu
python3 -c "print(len(open('/etc/shadow').read()))" > /dev/null
