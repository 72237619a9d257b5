# Every query command's output on one store, for golden-*.sh: each command
# line, then its stdout, its stderr and its exit status, so that a change
# to any output shows in the golden .out file. Sourced after lib.sh with
# the store in ./db; $NALL the -n of the long listings (0: all); $ISSUER and $SUBJECT are substrings that match there,
# $HOSTGLOB a --host pattern, $AT a time inside the certificates' validity.
# (Not a test itself: run.sh runs only files named <cmd>-<case>.sh.)

# Times vary from run to run, and so does the corpus's path.
gfilter() {
	sed -e 's/"seconds":[0-9.]*/"seconds":S/' \
	    -e 's/^seconds\( *\)[0-9.]*$/seconds\1S/' \
	    -e 's/ in [0-9.]* s$/ in S s/' -e "s|$CORPUS|\$CORPUS|g"
}

# g ARGS...: runs certsift ARGS and prints what it did.
g() {
	echo "\$ certsift $*" | gfilter
	"$CS" "$@" >_gout 2>_gerr
	echo "[exit $?]"
	gfilter <_gout
	[ ! -s _gerr ] || gfilter <_gerr | sed 's/^/[stderr] /'
}

# gsum ARGS...: the same, with stdout as its sha256 and line count (for
# outputs too long to read in a diff).
gsum() {
	echo "\$ certsift $*"
	"$CS" "$@" >_gout 2>_gerr
	echo "[exit $?]"
	echo "[stdout: $(wc -l <_gout) lines, sha256 $(sha256sum <_gout | cut -c1-64)]"
	[ ! -s _gerr ] || sed 's/^/[stderr] /' _gerr
}

# gfig ARGS...: for certificate objects (JSON Lines or an array): the
# sha256 and line count of stdout, then each one's figures, readable.
gfig() {
	gsum "$@"
	jq -c 'if type == "array" then .[] else . end | [.sha256[:16],
	    .count, .leaf_count, .hosts, .first_seen, .last_seen, .errors]' \
	    _gout
}

# gdir DIR: the files of an export directory with their sha256.
gdir() {
	echo "[dir $1: $(ls "$1" | wc -l) files, sha256 of their list and" \
	    "contents $( (cd "$1" && sha256sum -- *) | sha256sum | cut -c1-64)]"
}

golden_queries() {
	local sel what fmt by s

	g stats --db db
	g stats --db db --json
	# every selection option, alone and combined
	SELS="
--error SEC_ERROR_UNKNOWN_ISSUER
--error -8179 --error -12276
--error -8181
--ca
--leaf
--self-signed
--min-count 3
--min-hosts 2
--issuer $ISSUER
--subject $SUBJECT
--host $HOSTGLOB
--valid-at $AT
--expired-at $AT
--error -8179 --leaf --min-hosts 2
--error -12276 --ca
--error -8179 --host $HOSTGLOB"
	for what in issuers certs hosts errors; do
		g top --db db "$what"
		g top --db db -n $NALL "$what"
		gsum top --db db -n 0 "$what"
		if [ "$what" = certs ]; then
			gfig top --db db -n $NALL --json "$what"
		else
			g top --db db -n $NALL --json "$what"
		fi
		g top --db db -n $NALL --csv "$what"
		g top --db db -n 3 --min-host-reports 2 "$what"
		echo "$SELS" | while read -r sel; do
			[ -n "$sel" ] || continue
			# shellcheck disable=SC2086
			g top --db db -n $NALL $sel "$what"
		done
		for fmt in --json --csv; do
			if [ "$what$fmt" = certs--json ]; then
				gfig top --db db -n $NALL $fmt --error -8179 "$what"
				gfig top --db db -n $NALL $fmt --ca "$what"
			else
				g top --db db -n $NALL $fmt --error -8179 "$what"
				g top --db db -n $NALL $fmt --ca "$what"
			fi
		done
	done
	for by in reports certs hosts; do
		g top --db db -n $NALL --by "$by" issuers
		g top --db db -n $NALL --by "$by" --error -8179 issuers
	done
	for by in count leaf_count hosts; do
		g top --db db -n $NALL --by "$by" certs
		g top --db db -n $NALL --by "$by" --error -8179 certs
	done
	for by in reports certs; do
		g top --db db -n $NALL --by "$by" hosts
		g top --db db -n $NALL --by "$by" errors
		g top --db db -n $NALL --by "$by" --error -8179 hosts
	done

	# export: every format, with and without a selection
	if [ "$NALL" = 0 ]; then
		g export --db db --format jsonl
	else
		gfig export --db db --format jsonl
	fi
	echo "$SELS" | while read -r sel; do
		# shellcheck disable=SC2086
		[ -z "$sel" ] || gfig export --db db --format jsonl $sel
	done
	gsum export --db db --format csv
	gsum export --db db --format csv --error -8179 --leaf
	gsum export --db db --format pem
	gsum export --db db --format pem --ca
	g export --db db --format der --dir der
	gdir der
	g export --db db --format chains --dir chains
	gdir chains
	g export --db db --format chains --dir chains-e --error -8179 --leaf
	gdir chains-e
	g export --db db --format der --dir der-e --error -8179 --host "$HOSTGLOB"
	gdir der-e

	# missing: no roots, the store's self-signed certificates as roots
	g export --db db --format pem --self-signed -o roots.pem
	g export --db db --format pem --ca -o known.pem
	for s in "--no-roots" "--roots roots.pem" "--no-roots --known known.pem"; do
		# shellcheck disable=SC2086
		g missing --db db $s
		# shellcheck disable=SC2086
		g missing --db db -n $NALL $s --json
		# shellcheck disable=SC2086
		g missing --db db -n $NALL $s --csv
		echo "$SELS" | while read -r sel; do
			[ -n "$sel" ] || continue
			# shellcheck disable=SC2086
			g missing --db db -n $NALL $s $sel
		done
	done
	g missing --db db --no-roots --pem
	g missing --db db --no-roots --pem -n 2 -o b.pem
	g missing --db db --no-roots --error -8179 --pem -o b2.pem --json
	head -n 8 b.pem
	sha256sum b.pem b2.pem

	# show and hosts of the first certificates of each ranking
	for s in $("$CS" top --db db -n 3 --csv certs | tail -n +2 | cut -c1-64) \
	    $("$CS" top --db db -n 2 --csv --by hosts certs | tail -n +2 |
	    cut -c1-64); do
		g show --db db "$s"
		g show --db db --json "$s"
		g show --db db --min-host-reports 3 "$s"
		g hosts --db db -n $NALL "$s"
		gsum hosts --db db "$s"
		g hosts --db db -n 3 --json "$s"
		g hosts --db db --min-host-reports 2 "$s"
	done
	g show --db db "$(echo "$s" | cut -c1-12)"
}
