# Sourced by .ci/run: `step COMMAND...` runs COMMAND as one timed step of the run
# and prints its wall time ("ci: step 'npm test' took 243 s"); a step that fails
# is named with its time on stderr; the run's total is printed at exit. A step
# is named without its .ci/with-private-tmp.
ci_started=$SECONDS
step_name=""
step_started=0

ci_seconds() {
  if [ "$1" -ge 60 ]; then echo "$1 s ($(($1 / 60)) min $(($1 % 60)) s)"; else echo "$1 s"; fi
}

ci_on_exit() {
  local status=$?
  if [ -n "$step_name" ]; then
    echo "ci: step '$step_name' failed after $(ci_seconds $((SECONDS - step_started)))" >&2
  fi
  echo "ci: total $(ci_seconds $((SECONDS - ci_started))), exit status $status"
}
trap ci_on_exit EXIT

step() {
  step_name="$*"
  step_name="${step_name#.ci/with-private-tmp }"
  step_started=$SECONDS
  "$@"
  echo "ci: step '$step_name' took $(ci_seconds $((SECONDS - step_started)))"
  step_name=""
}
