#!/bin/bash
# Negative control: breaks "every worker gets TORCHELASTIC_RUN_ID". With
# --no-python the script is wrapped in `env -u TORCHELASTIC_RUN_ID`; other
# command lines pass through unchanged. Options come as --opt=value (the
# runner renders them so), so the first argument without a dash is the script.
refrun=$1
shift
args=("$@")
no_python=0
for i in "${!args[@]}"; do
  case ${args[$i]} in
    --no-python | --no_python) no_python=1 ;;
    -*) ;;
    *)
      if [ "$no_python" = 1 ]; then
        exec "$refrun" "${args[@]:0:$i}" /usr/bin/env -u TORCHELASTIC_RUN_ID "${args[@]:$i}"
      fi
      break
      ;;
  esac
done
exec "$refrun" "$@"
