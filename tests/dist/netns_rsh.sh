#!/bin/sh
# Open MPI's rsh agent for tests/dist/multihost.py: instead of ssh HOST COMMAND, enter the
# network namespace that plays HOST. DLC_NETNS_HOSTS maps addresses to namespaces:
# "10.1.2.1=nsA 10.1.2.2=nsB".
host="$1"
shift
for pair in $DLC_NETNS_HOSTS; do
  if [ "${pair%%=*}" = "$host" ]; then
    exec ip netns exec "${pair#*=}" sh -c "$*"
  fi
done
echo "netns_rsh.sh: no namespace for host '$host' in DLC_NETNS_HOSTS='$DLC_NETNS_HOSTS'" >&2
exit 1
