#!/bin/bash
# A backdoor listener on a new port (perl: in every Debian base system).
set -eu
timeout 30 perl -MIO::Socket::INET -e '
my $l = IO::Socket::INET->new(LocalAddr => "0.0.0.0", LocalPort => 31337, Listen => 1, ReuseAddr => 1) or die "listen: $!";
sleep 2;' || true
