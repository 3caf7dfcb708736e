/*
 * The rules of 2 kap. 14 and 17–19 §§ PMFS 2022:1 (the action plan of
 * deviations and incidents), kept by the incidents slice: entries of the
 * rules[] initializer in table.c, which includes this file inside the array.
 * Tables: sql/0007_incidents.sql. Labels are "#id": an incident's title is
 * free text and may say more than a finding should.
 */
#define T_INCIDENTS "tests/unit/test_incidents.c:test_rules_fixtures"

/* ---- 2 kap. ---- */
{"deviation.responsible", "PMFS 2022:1", 2, 14, "2 st.", SEV_MEDIUM,
 "Avvikelse i åtgärdsplanen utan ansvarig funktion",
 "Deviation in the action plan without a responsible function",
 "I åtgärdsplanen ska det anges vilken funktion som ansvarar för åtgärderna.",
 "The action plan states which function is responsible for the measures.",
 "Ange ansvarig funktion för avvikelsen (Åtgärdsplan).",
 "Name the responsible function of the deviation (Action plan).",
 "Avvikelse %s saknar ansvarig funktion", "Deviation %s has no responsible function",
 "deviation",
 "SELECT 'deviation', v.id, '#' || v.id, NULL, substr(v.created_at, 1, 10), v.due_on, NULL "
 "FROM deviation v WHERE v.status IN ('open', 'in_progress') AND trim(v.responsible) = ''",
 T_UNIT ":test_rule_fixtures " T_INCIDENTS},
{"deviation.overdue", "PMFS 2022:1", 2, 14, "2 st.", SEV_MEDIUM,
 "Åtgärd i åtgärdsplanen har passerat sitt slutdatum",
 "Measure in the action plan is past its due date",
 "Åtgärdsplanen ska redovisa de åtgärder som behövs för att omhänderta avvikelser och "
 "uppdateras löpande.",
 "The action plan shows the measures needed to deal with deviations and is kept current.",
 "Genomför åtgärden, eller ändra slutdatum eller status med motivering.",
 "Carry the measure out, or change its due date or status with a reason.",
 "Åtgärd %s har passerat sitt slutdatum", "Measure %s is past its due date", "deviation",
 "SELECT 'deviation', v.id, '#' || v.id, NULL, v.due_on, v.due_on, NULL FROM deviation v "
 "WHERE v.status IN ('open', 'in_progress') AND v.due_on < ?1",
 T_UNIT ":test_rule_fixtures " T_INCIDENTS},
{"incident.closed.evaluation", "PMFS 2022:1", 2, 17, NULL, SEV_MEDIUM,
 "Avslutad händelse utan utredning och utvärdering",
 "Closed incident without investigation and evaluation",
 "Omständigheterna vid säkerhetshotande händelser ska utredas och hanteringen av dem "
 "utvärderas.",
 "The circumstances of security-threatening events are investigated and their handling "
 "evaluated.",
 "Anteckna utredning och utvärdering för händelsen (Incidenter).",
 "Record the investigation and evaluation of the incident (Incidents).",
 "Händelse %s avslutades utan utredning och utvärdering",
 "Incident %s was closed without investigation and evaluation", "incident",
 "SELECT 'incident', i.id, '#' || i.id, NULL, i.closed_on, NULL, NULL FROM incident i WHERE "
 "i.state = 'closed' AND (trim(coalesce(i.investigation, '')) = '' OR "
 "trim(coalesce(i.evaluation, '')) = '')",
 T_UNIT ":test_rule_fixtures " T_INCIDENTS},
{"incident.report.missing", "PMFS 2022:1", 2, 18, NULL, SEV_HIGH,
 "Anmälningspliktig händelse inte anmäld till Säkerhetspolisen",
 "Reportable incident not reported to Säkerhetspolisen",
 "Säkerhetshotande händelser enligt 2 kap. 4 § säkerhetsskyddsförordningen anmäls utan "
 "dröjsmål på blankett anvisad av Säkerhetspolisen.",
 "Security-threatening events under 2 kap. 4 § of the Ordinance are reported without delay "
 "on Säkerhetspolisen's form.",
 "Anmäl händelsen och anteckna datum och blankettens referens.",
 "Report the event and record the date and the form's reference.",
 "Händelse %s är anmälningspliktig men inte anmäld",
 "Incident %s is reportable but has not been reported", "incident",
 "SELECT 'incident', i.id, '#' || i.id, NULL, i.detected_on, date(i.detected_on, '+1 day'), "
 "NULL FROM incident i WHERE i.reportable = 1 AND i.report_date IS NULL AND i.detected_on < "
 "?1",
 T_UNIT ":test_rule_fixtures " T_INCIDENTS},
{"incident.assessment.late", "PMFS 2022:1", 2, 19, NULL, SEV_HIGH,
 "Skadebedömning inte påbörjad senast vid anmälan",
 "Damage assessment not started by the report",
 "Arbetet med en skadebedömning påbörjas snarast, dock senast i samband med att anmälan görs "
 "till Säkerhetspolisen.",
 "The damage assessment starts as soon as possible, at the latest when the event is reported "
 "to Säkerhetspolisen.",
 "Påbörja skadebedömningen och anteckna när den påbörjades.",
 "Start the damage assessment and record when it started.",
 "Skadebedömningen för händelse %s påbörjades inte senast vid anmälan",
 "The damage assessment of incident %s did not start by the report", "incident",
 "SELECT 'incident', i.id, '#' || i.id, NULL, i.report_date, i.report_date, NULL FROM "
 "incident i WHERE i.reportable = 1 AND i.report_date IS NOT NULL AND "
 "(i.assessment_started_on IS NULL OR i.assessment_started_on > i.report_date)",
 T_UNIT ":test_rule_fixtures " T_INCIDENTS},
