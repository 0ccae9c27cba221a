#!/bin/bash
# Injection: attach with ptrace (PTRACE_ATTACH) to a process of another user.
set -eu
setpriv --reuid=65534 --regid=65534 --clear-groups sleep 30 &
victim=$!
sleep 0.5
perl -e '
my $pid = 0 + shift;
if (syscall(101, 16, $pid, 0, 0) == 0) { waitpid($pid, 0); syscall(101, 17, $pid, 0, 0); }' "$victim"
kill $victim 2>/dev/null || true
wait $victim 2>/dev/null || true
