#!/bin/bash
# Negative control: breaks "every worker gets TORCHELASTIC_RUN_ID". With
# --no-python the script is wrapped in `env -u TORCHELASTIC_RUN_ID`; other
# command lines pass through unchanged. Options come as --opt=value (the
# runner renders them so), so the first argument without a dash is the script.
# With FIXED_RUN_ID set (fixed_run_id.json) the variable is set to that value
# instead: every job gets the same run id, as if --standalone reused one.
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
        if [ -n "${FIXED_RUN_ID-}" ]; then
          exec "$refrun" "${args[@]:0:$i}" /usr/bin/env TORCHELASTIC_RUN_ID="$FIXED_RUN_ID" "${args[@]:$i}"
        fi
        exec "$refrun" "${args[@]:0:$i}" /usr/bin/env -u TORCHELASTIC_RUN_ID "${args[@]:$i}"
      fi
      break
      ;;
  esac
done
exec "$refrun" "$@"
