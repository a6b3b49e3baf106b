#!/bin/sh
# valgrind-wrap.sh: LOG_COMPILER of `make check-valgrind`: runs a test program under valgrind;
# shell tests run as usual and put $OPSIN_VALGRIND in front of every opsin they start.
case "$1" in
  *.sh) exec sh "$@" ;;
esac
exec $OPSIN_VALGRIND "$@"
