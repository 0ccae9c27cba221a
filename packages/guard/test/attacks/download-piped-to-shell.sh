#!/bin/bash
# Execution: an encoded payload decoded straight into a shell, as droppers do (base64 -d | sh); the
# decoder keeps running while the payload streams in, as a download does.
set -eu
{ echo 'ZWNobyBhaW5rYS1kcm9wcGVyCg=='; sleep 1; } | base64 -d | sh
