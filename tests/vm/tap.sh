# tests/vm/tap.sh: minimal TAP producer for bash test scripts; source it.
#
#   ok DESC              pass
#   not_ok DESC          fail
#   skip DESC REASON     pass, marked "# SKIP REASON"
#   check DESC CMD...    run CMD (output captured): pass if it exits 0,
#                        else fail and print its output as diagnostics
#   diag TEXT...         "# TEXT" lines (multi-line text is fine)
#   bail_out REASON      "Bail out!" and exit 1
#   done_testing         print the plan "1..N"; returns 1 if anything failed
#
# The plan is printed at the end, which TAP allows; a script that dies half
# way therefore has no plan and a TAP consumer counts it as failed.
# TAP_FAILED holds the number of failures so far.

TAP_N=0
TAP_FAILED=0

diag() {
	local l
	while IFS= read -r l; do
		printf '# %s\n' "$l"
	done <<<"$*"
}

ok() {
	TAP_N=$((TAP_N + 1))
	printf 'ok %d - %s\n' "$TAP_N" "$1"
}

not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	printf 'not ok %d - %s\n' "$TAP_N" "$1"
}

skip() {
	TAP_N=$((TAP_N + 1))
	printf 'ok %d - %s # SKIP %s\n' "$TAP_N" "$1" "${2:-}"
}

check() {
	local desc=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	if [[ $rc -eq 0 ]]; then
		ok "$desc"
	else
		not_ok "$desc"
		diag "command: $* (exit $rc)"
		[[ -n $out ]] && diag "$out"
	fi
	return 0
}

bail_out() {
	printf 'Bail out! %s\n' "$*"
	exit 1
}

done_testing() {
	printf '1..%d\n' "$TAP_N"
	[[ $TAP_FAILED -eq 0 ]]
}
