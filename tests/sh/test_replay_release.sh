#!/bin/sh
# Instances written by the previous release (0.2.0, before registers became
# data) must verify and replay byte for byte with this build:
# tests/data/release-0.2.0, made by that release's test_records.sh, and
# tests/data/release-0.2.0-incidents, made by its test_incidents.sh (with a
# few more calls so that every incident and deviation kind is there), each
# kept as it was. The generic projection (src/model/register.c) rebuilds
# persons, spaces, systems, distributors, storage media, incidents and the
# action plan exactly as the hand-written ones did. A changed row must still
# be caught, so the comparison is shown to fail when it should.
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

# ---- incidents and the action plan ----
# An older instance lacks the tables of later schemas (verify does not migrate): a table the
# replay leaves empty is nothing to compare, but a table the ledger fills must be there.
fresh dropped
sqlite3 "$I/skydd.db" "PRAGMA foreign_keys=0; DROP TABLE destruction" 2>"$T/sq.err"
run "$SKYDD" verify --data "$I" --replay
if [ "$RC" -eq 1 ] && grep -q "table destruction is missing" "$T/err"; then
	ok "replay catches a missing table the ledger fills (destruction)"
else
	not_ok "replay catches a missing table the ledger fills (destruction)"
	show_output
fi

FIX=tests/data/release-0.2.0-incidents
fresh incidents
run "$SKYDD" verify --data "$I" --replay
expect_rc 0 "the 0.2.0 incidents instance verifies and replays with this build"
KINDS=$(sqlite3 "$I/skydd.db" "SELECT count(DISTINCT kind) FROM ledger WHERE kind IN \
	('incident.reported', 'incident.updated', 'incident.report.filed', \
	'incident.assessment.started', 'incident.assessment.finished', \
	'incident.measure.recorded', 'incident.investigated', 'incident.closed', \
	'deviation.created', 'deviation.updated', 'deviation.status', 'deviation.resolved')")
check "its ledger holds every incident and deviation event kind" [ "$KINDS" -eq 12 ]

for change in "UPDATE incident SET closed_by = closed_by + 1 WHERE state = 'closed'" \
	"UPDATE incident SET reported_by = reported_by + 1 WHERE id = 1" \
	"UPDATE incident SET reportable = NULL WHERE id = 1" \
	"UPDATE incident SET detected_by = 'x' WHERE id = 3" \
	"UPDATE incident SET report_ref = 'x' WHERE id = 1" \
	"UPDATE incident SET updated_at = created_at WHERE id = 3" \
	"UPDATE incident_measure SET text = 'x'" \
	"UPDATE deviation SET status_reason = NULL WHERE status = 'written_off'" \
	"UPDATE deviation SET resolved_by = 'user' WHERE resolved_by = 'rule'" \
	"UPDATE deviation SET finding_rule = 'x' WHERE finding_rule IS NOT NULL" \
	"UPDATE deviation SET responsible = 'x' WHERE title = 'Kontroll 1b'"; do
	fresh "changed-$(printf '%s' "$change" | cksum | cut -d' ' -f1)"
	sqlite3 "$I/skydd.db" "PRAGMA trusted_schema=1; $change" 2>"$T/sq.err"
	run "$SKYDD" verify --data "$I" --replay
	check "replay catches: $change" [ "$RC" -eq 1 ]
done

finish
