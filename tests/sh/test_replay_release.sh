#!/bin/sh
# An instance written by the previous release (0.2.0, before registers became
# data: tests/data/release-0.2.0, made by that release's test_records.sh and
# kept as it was) must verify and replay byte for byte with this build: the
# generic projection (src/model/register.c) rebuilds persons, spaces, systems,
# distributors and storage media exactly as the hand-written one did. A changed row must
# still be caught, so the comparison is shown to fail when it should.
set -u
# shellcheck source=tests/sh/lib.sh
. "$(dirname "$0")/lib.sh"
need_file "$SKYDD"
need_prog sqlite3 gzip
setup_tmp

FIX=tests/data/release-0.2.0

# fresh NAME: a copy of the old instance in $I.
fresh() {
	I=$T/$1
	mkdir -p "$I" && chmod 700 "$I" &&
		gzip -dc "$FIX/skydd.db.gz" >"$I/skydd.db" &&
		cp "$FIX/checkpoints.log" "$FIX/verifier.key" "$I/"
}

fresh good
run "$SKYDD" verify --data "$I" --replay
expect_rc 0 "the 0.2.0 instance verifies and replays with this build"
KINDS=$(sqlite3 "$I/skydd.db" "SELECT count(DISTINCT kind) FROM ledger WHERE kind IN \
	('person.created', 'person.updated', 'person.ended', 'space.approved', 'space.updated', \
	'space.withdrawn', 'system.approved', 'distributor.approved', 'distributor.updated', \
	'medium.registered', 'medium.updated', 'medium.decommissioned', 'medium.reused', \
	'medium.destroyed', 'medium.lost')")
check "its ledger holds every records event kind the move touches" [ "$KINDS" -eq 15 ]

# The same instance with one projected value changed behind skydd's back.
for change in "UPDATE person SET unit = unit || 'x' WHERE id = 1" \
	"UPDATE space SET decided_by = decided_by + 1 WHERE id = (SELECT max(id) FROM space)" \
	"UPDATE distributor SET decision_ref = 'X' WHERE id = 1" \
	"UPDATE person SET ended_on = NULL WHERE status = 'ended'" \
	"UPDATE medium SET end_method = 'x' WHERE state = 'destroyed'" \
	"UPDATE medium SET holder_person_id = NULL WHERE holder_person_id IS NOT NULL"; do
	fresh "changed-$(printf '%s' "$change" | cksum | cut -d' ' -f1)"
	sqlite3 "$I/skydd.db" "PRAGMA trusted_schema=1; $change" 2>"$T/sq.err"
	run "$SKYDD" verify --data "$I" --replay
	check "replay catches: $change" [ "$RC" -eq 1 ]
done

finish
