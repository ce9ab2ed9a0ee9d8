#!/usr/bin/env bash
# An example with few steps: its run.sh must succeed (each script exits non-zero when its
# loss does not fall) and write every file named after the arguments, non-empty; PNGs must
# carry the PNG signature.   smoke.sh EXAMPLE OUT_DIR "RUN ARGS" FILE...
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
example=$1 out=$2 args=$3
shift 3
rm -rf "$out"
# shellcheck disable=SC2086
DLC_OUT="$out" bash "$root/examples/$example/run.sh" $args
status=0
for f in "$@"; do
  if [ ! -s "$out/$f" ]; then
    echo "FAIL: $example did not write $out/$f"; status=1
  elif [[ $f == *.png ]] && [ "$(head -c 8 "$out/$f" | od -An -tx1 | tr -d ' \n')" != 89504e470d0a1a0a ]; then
    echo "FAIL: $out/$f is not a PNG"; status=1
  fi
done
[ $status -eq 0 ] && echo "PASS: $example wrote $*"
exit $status
