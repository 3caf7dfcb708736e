/*
 * The rule table: every checkable paragraph as data. Each rule is one SQL
 * query over the registers' tables (sql/0002_access.sql, 0003_register.sql),
 * indexed, returning the failing objects as rows:
 *   object_type, object_id, label, class, since, due, document_id
 * with ?1 = today (YYYY-MM-DD). Labels never carry a classified title: a
 * document is named by its designation (beteckning).
 */
#include <stdio.h>
#include <string.h>

#include "rules/rules.h"

/* The order of the classes, BH < K < H < KH, as an SQL expression. */
#define RANK(x)                                                                                    \
	"(CASE " x " WHEN 'BH' THEN 1 WHEN 'K' THEN 2 WHEN 'H' THEN 3 WHEN 'KH' THEN 4 ELSE 0 "    \
	"END)"

/*
 * Did identity `who` hold `role` on day `day` (SQL expressions)? A decision
 * carries a day, not a time: a grant in force at any moment of that day
 * counts, so one revoked later the same day was held (the writer checked the
 * decider's roles at the moment of writing where the decider wrote it).
 * Days are UTC dates, as model_today() and the times' first ten characters.
 */
#define HELD(who, role, day)                                                                       \
	"EXISTS (SELECT 1 FROM role_grant g WHERE g.identity_id = " who " AND g.role = '" role     \
	"' AND g.valid_from <= " day " AND (g.valid_until IS NULL OR g.valid_until >= " day        \
	") AND (g.revoked_at IS NULL OR substr(g.revoked_at, 1, 10) >= " day "))"

/* A copy's label: the document's designation and the copy number. */
#define COPY_LABEL "d.designation || ' ex ' || c.number"

/* The copies 3 kap. 21 § asks to inventory: KH documents, K and H physical. */
/*
 * The unary + keeps the planner off document_by_class: restricted to a batch's
 * documents, the rule must drive from their ids (2 ms instead of 0.2 s).
 */
#define INVENTORY_SCOPE "(+d.class = 'KH' OR (+d.class IN ('K', 'H') AND d.form = 'physical'))"
#define COPY_HELD       "c.state IN ('in_register', 'issued', 'returned', 'archived')"
#define COPY_SINCE      "coalesce(c.last_inventoried_on, substr(c.created_at, 1, 10))"
#define MEDIUM_SINCE    "coalesce(m.last_inventoried_on, substr(m.created_at, 1, 10))"

/* The privileged grants in force on ?1 and the day their yearly review is due. */
#define GRANT_IN_FORCE                                                                             \
	"g.privileged = 1 AND g.revoked_at IS NULL AND g.valid_from <= ?1 AND (g.valid_until IS "  \
	"NULL OR g.valid_until >= ?1)"
#define GRANT_REVIEWED "coalesce(substr(g.last_review_at, 1, 10), substr(g.created_at, 1, 10))"

/* The time of the first ledger entry (the instance's creation), as a date. */
#define LEDGER_BORN "(SELECT substr(time, 1, 10) FROM ledger WHERE seq = 1)"

#define T_UNIT "tests/unit/test_rules.c"

static const struct rule rules[] = {
/* 2 kap. 14, 17–19 §§ (the incidents slice's rules) */
#include "rules/table_incidents.inc"
        /* ---- 3 kap. ---- */
        {"doc.system.class", "PMFS 2022:1", 3, 1, NULL, SEV_HIGH,
         "Handling i informationssystem godkänt för lägre klass",
         "Document held in a system approved for a lower class",
         "Säkerhetsskyddsklassificerade uppgifter får behandlas endast i informationssystem som är "
         "godkända för lägst uppgifternas säkerhetsskyddsklass.",
         "Classified information may be processed only in information systems approved for at "
         "least its class.",
         "Flytta handlingen till ett system godkänt för klassen, eller ändra systemets godkännande "
         "genom beslut.",
         "Move the document to a system approved for its class, or change the system's approval "
         "by a decision.",
         "Handling %s finns i ett system som inte är godkänt för dess klass",
         "Document %s is held in a system not approved for its class", "document info_system",
         "SELECT 'document', d.id, d.designation, d.class, substr(d.updated_at, 1, 10), NULL, d.id "
         "FROM info_system s CROSS JOIN document d ON d.system_id = s.id WHERE (s.status <> "
         "'approved' OR s.max_class <> 'KH') AND d.status = 'active' AND (s.status <> 'approved' "
         "OR " RANK("s.max_class") " < " RANK("d.class") ")",
         T_UNIT ":test_rule_fixtures", "document"},
        {"medium.system.class", "PMFS 2022:1", 3, 1, NULL, SEV_HIGH,
         "Lagringsmedium i informationssystem godkänt för lägre klass",
         "Storage medium in a system approved for a lower class",
         "Säkerhetsskyddsklassificerade uppgifter får behandlas endast på lagringsmedium och i "
         "informationssystem som är godkända för lägst uppgifternas klass.",
         "Classified information may be processed only on storage media and in systems approved "
         "for at least its class.",
         "Ta mediet ur systemet eller besluta om systemets godkännande för klassen.",
         "Remove the medium from the system or decide the system's approval for the class.",
         "Lagringsmedium %s används i ett system som inte är godkänt för dess klass",
         "Storage medium %s is used in a system not approved for its class", "medium info_system",
         "SELECT 'medium', m.id, m.identifier, m.class, substr(m.updated_at, 1, 10), NULL, NULL "
         "FROM medium m JOIN info_system s ON s.id = m.system_id WHERE m.state = 'in_use' AND "
         "(s.status <> 'approved' OR " RANK("s.max_class") " < " RANK("m.class") ")",
         T_UNIT ":test_rule_fixtures", "medium"},
        {"receipt.class.noted", "PMFS 2022:1", 3, 2, NULL, SEV_MEDIUM,
         "Kvittens utan angiven säkerhetsskyddsklass", "Receipt without the class noted",
         "Mottagaren ska uppmärksammas på säkerhetsskyddsklassificeringen när uppgiften "
         "överlämnas.",
         "The recipient must be made aware of the classification when the information is handed "
         "over.",
         "Låt mottagaren kvittera på nytt med klassen angiven.",
         "Have the recipient sign again with the class shown.",
         "Kvittens för %s saknar säkerhetsskyddsklass", "The receipt for %s has no class noted",
         "receipt copy document",
         "SELECT 'receipt', r.id, " COPY_LABEL ", d.class, substr(r.issued_at, 1, 10), NULL, d.id "
         "FROM receipt r CROSS JOIN copy c ON c.id = r.copy_id CROSS JOIN document d ON d.id = "
         "c.document_id WHERE r.class NOT IN ('BH', 'K', 'H', 'KH')",
         T_UNIT ":test_rule_fixtures", "document"},
        {"doc.marking.incomplete", "PMFS 2022:1", 3, 4, NULL, SEV_LOW,
         "Fysisk handling (K eller högre) utan antal sidor",
         "Physical document (K or higher) without page count",
         "En handling i klassen konfidentiell eller högre ska förses med anteckning om klass "
         "och, i förekommande fall, beteckning, antal sidor och bilagor (antal sidor gäller "
         "fysiska handlingar).",
         "A document classified K or higher must be marked with its class and, where "
         "applicable, its designation, number of pages and attachments (pages apply to "
         "physical documents).",
         "Ange handlingens antal sidor och bilagor i registret.",
         "Record the document's page count and attachments in the register.",
         "Handling %s saknar antal sidor", "Document %s has no page count", "document",
         "SELECT 'document', d.id, d.designation, d.class, d.registered_on, NULL, d.id FROM "
         "document d WHERE d.status = 'active' AND d.class IN ('K', 'H', 'KH') AND d.form = "
         "'physical' AND d.pages IS NULL",
         T_UNIT ":test_rule_fixtures", "document"},
        {"doc.copies.none", "PMFS 2022:1", 3, 5, NULL, SEV_LOW,
         "Fysisk handling (K eller högre) utan numrerade exemplar",
         "Physical document (K or higher) without numbered copies",
         "En fysisk handling i klassen konfidentiell eller högre ska förses med exemplarnummer.",
         "A physical document classified K or higher must carry a copy number.",
         "Registrera handlingens exemplar (de numreras 1, 2, …).",
         "Register the document's copies (numbered 1, 2, …).",
         "Handling %s har inga registrerade exemplar", "Document %s has no registered copies",
         "document copy",
         "SELECT 'document', d.id, d.designation, d.class, d.registered_on, NULL, d.id FROM "
         "document d WHERE d.status = 'active' AND d.form = 'physical' AND d.class IN ('K', 'H', "
         "'KH') AND NOT EXISTS (SELECT 1 FROM copy c WHERE c.document_id = d.id)",
         T_UNIT ":test_rule_fixtures", "document"},
        {"doc.reclass.decider", "PMFS 2022:1", 3, 6, NULL, SEV_MEDIUM,
         "Omklassificering utan beslutsfattare eller datum",
         "Reclassification without decider or date",
         "Ändrad eller upphävd klassificering ska antecknas med vem som fattade beslutet och när.",
         "A change or removal of the classification must be noted with who decided and when.",
         "Komplettera anteckningen med beslutsfattare och datum.",
         "Complete the note with the decider and the date.",
         "Omklassificering av %s saknar beslutsfattare eller datum",
         "The reclassification of %s lacks its decider or date",
         "reclassification document identity",
         "SELECT 'document', d.id, d.designation, d.class, x.decided_on, NULL, d.id FROM "
         "reclassification x CROSS JOIN document d ON d.id = x.document_id WHERE x.decided_on = '' "
         "OR "
         "NOT EXISTS (SELECT 1 FROM identity i WHERE i.id = x.decided_by)",
         T_UNIT ":test_rule_fixtures", "document"},
        {"doc.reclass.kh_head", "PMFS 2022:1", 3, 7, "1 st.", SEV_HIGH,
         "Sänkning från KH inte beslutad av högsta chef",
         "Lowering from KH not decided by the head",
         "Beslut att en handling inte längre ska vara kvalificerat hemlig fattas av högsta chefen "
         "eller den chefen bestämmer.",
         "Lowering a document from KH is decided by the head of the organisation or whom the "
         "head appoints.",
         "Låt högsta chef fatta (eller bekräfta) beslutet och anteckna det.",
         "Have the head take (or confirm) the decision and note it.",
         "Sänkningen av %s från KH beslutades av någon utan rollen högsta chef",
         "The lowering of %s from KH was decided by someone without the role of head",
         "reclassification document role_grant",
         "SELECT 'document', d.id, d.designation, d.class, x.decided_on, NULL, d.id FROM "
         "reclassification x CROSS JOIN document d ON d.id = x.document_id WHERE x.from_class = "
         "'KH' "
         "AND x.to_class <> 'KH' AND NOT " HELD("x.decided_by", "chief", "x.decided_on"),
         T_UNIT ":test_rule_fixtures", "document"},
        {"doc.reclass.consultation", "PMFS 2022:1", 3, 7, "2 st.", SEV_MEDIUM,
         "Sänkning från KH utan samråd med upprättaren",
         "Lowering from KH without consulting the originator",
         "Har någon annan upprättat handlingen ska samråd ske med den innan beslutet, och "
         "samrådet antecknas.",
         "If someone else drew up the document, they are consulted before the decision and the "
         "consultation is noted.",
         "Anteckna samrådet med upprättaren.", "Note the consultation with the originator.",
         "Sänkningen av %s från KH saknar anteckning om samråd",
         "The lowering of %s from KH has no note of consultation", "reclassification document",
         "SELECT 'document', d.id, d.designation, d.class, x.decided_on, NULL, d.id FROM "
         "reclassification x CROSS JOIN document d ON d.id = x.document_id WHERE x.from_class = "
         "'KH' "
         "AND x.to_class <> 'KH' AND d.originator <> '' AND coalesce(trim(x.consultation), '') = "
         "''",
         T_UNIT ":test_rule_fixtures", "document"},
        {"copy.kh.decision", "PMFS 2022:1", 3, 8, NULL, SEV_HIGH,
         "Kopia av KH-handling utan beslut", "Copy of a KH document without a decision",
         "Kopia av eller utdrag ur en kvalificerat hemlig handling får göras endast efter beslut "
         "av högsta chefen eller den chefen bestämmer.",
         "A copy of or extract from a KH document may be made only after a decision by the head "
         "or whom the head appoints.",
         "Dokumentera beslutet (kh_copy) och knyt exemplaret till det, eller förstör kopian.",
         "Record the decision (kh_copy) and link the copy to it, or destroy the copy.",
         "Exemplar %s av en KH-handling gjordes utan beslut",
         "Copy %s of a KH document was made without a decision", "copy document decision",
         "SELECT 'copy', c.id, " COPY_LABEL ", d.class, substr(c.created_at, 1, 10), NULL, d.id "
         "FROM document d CROSS JOIN copy c ON c.document_id = d.id WHERE d.class = 'KH' AND "
         "c.number > "
         "1 AND NOT EXISTS (SELECT 1 FROM decision x WHERE x.id = c.decision_id AND x.document_id "
         "= d.id AND x.kind IN ('kh_copy', 'kh_extract'))",
         T_UNIT ":test_rule_fixtures", "document"},
        {"decision.kh.head", "PMFS 2022:1", 3, 8, NULL, SEV_HIGH,
         "Beslut om KH-kopia inte fattat av högsta chef",
         "Decision on a KH copy not taken by the head",
         "Beslut om kopia av eller utdrag ur en kvalificerat hemlig handling fattas av högsta "
         "chefen eller den chefen bestämmer.",
         "The decision to copy or extract a KH document is taken by the head or whom the head "
         "appoints.",
         "Låt högsta chef fatta beslutet på nytt.", "Have the head take the decision anew.",
         "Beslutet om kopia av %s fattades av någon utan rollen högsta chef",
         "The decision to copy %s was taken by someone without the role of head",
         "decision document role_grant",
         "SELECT 'decision', x.id, d.designation, d.class, x.decided_on, NULL, d.id FROM decision "
         "x CROSS JOIN document d ON d.id = x.document_id WHERE x.kind IN ('kh_copy', "
         "'kh_extract') AND "
         "NOT " HELD("x.decided_by", "chief", "x.decided_on"),
         T_UNIT ":test_rule_fixtures", "document"},
        {"copy.control", "PMFS 2022:1", 3, 9, NULL, SEV_HIGH,
         "Exemplar varken under kontroll eller i godkänt förvaringsutrymme",
         "Copy neither under control nor in an approved container",
         "En säkerhetsskyddsklassificerad handling ska vara under kontroll eller förvaras i ett "
         "förvaringsutrymme godkänt enligt 5 kap. 10 §.",
         "A classified document must be under control or kept in a container approved under 5 "
         "kap. 10 §.",
         "Lägg exemplaret i ett förvaringsutrymme godkänt för klassen eller lämna ut det mot "
         "kvittens.",
         "Store the copy in a container approved for its class or issue it against a receipt.",
         "Exemplar %s är varken hos en person eller i ett godkänt förvaringsutrymme",
         "Copy %s is neither with a person nor in an approved container",
         "copy document space person",
         "SELECT 'copy', c.id, " COPY_LABEL ", d.class, substr(c.updated_at, 1, 10), NULL, d.id "
         "FROM copy c JOIN document d ON d.id = c.document_id WHERE c.state IN ('in_register', "
         "'returned') AND d.form = 'physical' AND NOT EXISTS (SELECT 1 FROM person p WHERE p.id = "
         "c.holder_person_id AND p.status = 'active') AND NOT EXISTS (SELECT 1 FROM space s WHERE "
         "s.id = c.space_id AND s.kind = 'container' AND s.status = 'approved' AND " RANK(
                 "s.max_class") " >= " RANK("d.class") ")",
         T_UNIT ":test_rule_fixtures", "document"},
        {"copy.recipient", "PMFS 2022:1", 3, 10, NULL, SEV_MEDIUM,
         "Utlämnat exemplar utan aktiv mottagare", "Issued copy without an active recipient",
         "Registret ska visa mottagaren av varje exemplar.",
         "The register must show the recipient of each copy.",
         "Återta exemplaret från den som slutat, eller registrera rätt mottagare.",
         "Recover the copy from the person who left, or register the right recipient.",
         "Exemplar %s är utlämnat men saknar aktiv mottagare",
         "Copy %s is issued but has no active recipient", "copy document person",
         "SELECT 'copy', c.id, " COPY_LABEL ", d.class, substr(c.updated_at, 1, 10), NULL, d.id "
         "FROM copy c JOIN document d ON d.id = c.document_id WHERE c.state = 'issued' AND "
         "NOT "
         "EXISTS (SELECT 1 FROM person p WHERE p.id = c.holder_person_id AND p.status = "
         "'active')",
         T_UNIT ":test_rule_fixtures", "document"},
        {"medium.marking", "PMFS 2022:1", 3, 11, NULL, SEV_MEDIUM, "Omärkt lagringsmedium",
         "Unmarked storage medium",
         "Lagringsmedium ska märkas med säkerhetsskyddsklass och identifieringsuppgift (fast "
         "monterat: utrustningen).",
         "Storage media are marked with class and identifier (if fixed: the equipment).",
         "Märk mediet (eller utrustningen) och anteckna märkningen.",
         "Mark the medium (or the equipment) and record the marking.",
         "Lagringsmedium %s saknar märkning", "Storage medium %s is not marked", "medium",
         "SELECT 'medium', m.id, m.identifier, m.class, substr(m.created_at, 1, 10), NULL, NULL "
         "FROM medium m WHERE m.state = 'in_use' AND trim(m.marking) = '' AND m.fixed = 0",
         T_UNIT ":test_rule_fixtures", "medium"},
        {"shipment.distributor", "PMFS 2022:1", 3, 12, NULL, SEV_HIGH,
         "Försändelse med distributör som inte är godkänd",
         "Shipment with a distributor that is not approved",
         "Försändelser med fysiska handlingar (K eller högre) ska sändas med en distributör som "
         "verksamhetsutövaren godkänt (en distributör utan beslutsreferens är inte godkänd).",
         "Shipments of physical documents (K or higher) go by a distributor the organisation "
         "approved (a distributor without a decision reference was never approved).",
         "Utred försändelsen och använd en godkänd distributör.",
         "Investigate the shipment and use an approved distributor.",
         "Exemplar %s sändes med en distributör som inte är godkänd",
         "Copy %s was sent with a distributor that is not approved",
         "shipment distributor copy document",
         "SELECT 'shipment', s.id, " COPY_LABEL ", d.class, s.sent_on, NULL, d.id FROM shipment s "
         "CROSS JOIN distributor x ON x.id = s.distributor_id CROSS JOIN copy c ON c.id = "
         "s.copy_id CROSS JOIN document d ON d.id = c.document_id WHERE (x.status <> 'approved' "
         "AND s.delivered_on IS NULL) OR trim(x.decision_ref) = ''",
         T_UNIT ":test_rule_fixtures", "document"},
        {"shipment.delivery", "PMFS 2022:1", 3, 12, NULL, SEV_MEDIUM,
         "Leverans inte verifierad inom 14 dagar", "Delivery not verified within 14 days",
         "Det ska kunna verifieras att försändelsen har levererats till mottagaren.",
         "It must be verifiable that the shipment was delivered to the recipient.",
         "Begär leveransbekräftelse och registrera den.",
         "Ask for a delivery confirmation and record it.", "Leveransen av %s är inte bekräftad",
         "The delivery of %s is not confirmed", "shipment copy document",
         "SELECT 'shipment', s.id, " COPY_LABEL ", d.class, s.sent_on, date(s.sent_on, '+14 "
         "days'), d.id FROM shipment s CROSS JOIN copy c ON c.id = s.copy_id CROSS JOIN document d "
         "ON d.id = "
         "c.document_id WHERE s.delivered_on IS NULL AND date(s.sent_on, '+14 days') < ?1",
         T_UNIT ":test_rule_fixtures", "document"},
        {"distributor.decision", "PMFS 2022:1", 3, 12, NULL, SEV_LOW,
         "Distributör utan beslutsreferens", "Distributor without a decision reference",
         "En försändelse med en fysisk handling i klassen konfidentiell eller högre ska sändas "
         "med en distributör som verksamhetsutövaren har godkänt; godkännandet är ett beslut.",
         "A shipment of a physical document classified K or higher goes by a distributor the "
         "organisation approved; the approval is a decision.",
         "Anteckna beslutets referens, eller markera distributören som återkallad.",
         "Record the decision's reference, or mark the distributor withdrawn.",
         "Distributör %s saknar beslutsreferens", "Distributor %s has no decision reference",
         "distributor",
         "SELECT 'distributor', x.id, x.name, NULL, substr(x.created_at, 1, 10), NULL, NULL FROM "
         "distributor x WHERE x.status = 'approved' AND trim(x.decision_ref) = ''",
         T_UNIT ":test_rule_fixtures " T_UNIT ":test_distributor_decision", NULL},
        {"copy.issued.receipt", "PMFS 2022:1", 3, 14, NULL, SEV_HIGH,
         "Utlämnat exemplar utan kvittens", "Issued copy without a receipt",
         "Den som tar emot en fysisk handling i klassen konfidentiell eller högre ska kvittera "
         "mottagandet.",
         "Whoever receives a physical document classified K or higher signs a receipt for it.",
         "Utfärda en kvittens till innehavaren.", "Issue a receipt to the holder.",
         "Exemplar %s är utlämnat utan kvittens", "Copy %s is issued without a receipt",
         "copy document receipt",
         "SELECT 'copy', c.id, " COPY_LABEL ", d.class, substr(c.updated_at, 1, 10), NULL, d.id "
         "FROM copy c JOIN document d ON d.id = c.document_id WHERE c.state = 'issued' AND "
         "d.form = 'physical' AND d.class IN ('K', 'H', 'KH') AND NOT EXISTS (SELECT 1 FROM "
         "receipt r WHERE r.copy_id = c.id AND r.person_id = c.holder_person_id AND r.state <> "
         "'returned')",
         T_UNIT ":test_rule_fixtures", "document"},
        {"receipt.pending", "PMFS 2022:1", 3, 14, NULL, SEV_MEDIUM,
         "Kvittens inte undertecknad inom 14 dagar", "Receipt not signed within 14 days",
         "Mottagandet ska kvitteras i ett register, en liggare eller på ett kvitto.",
         "Receipt must be acknowledged in a register, a ledger or on a slip.",
         "Påminn mottagaren att kvittera, eller registrera en undertecknad papperskvittens.",
         "Remind the recipient to sign, or record a signed paper receipt.",
         "Kvittensen för %s väntar på underskrift", "The receipt for %s awaits signing",
         "receipt copy document",
         "SELECT 'receipt', r.id, " COPY_LABEL ", d.class, substr(r.issued_at, 1, 10), "
         "date(substr(r.issued_at, 1, 10), '+14 days'), d.id FROM receipt r CROSS JOIN copy c ON "
         "c.id = r.copy_id CROSS JOIN document d ON d.id = c.document_id WHERE r.state = 'pending' "
         "AND "
         "r.issued_at < date(?1, '-14 days')",
         T_UNIT ":test_rule_fixtures " T_UNIT ":test_rules_follow_data", "document"},
        {"doc.kh.recipients", "PMFS 2022:1", 3, 15, NULL, SEV_MEDIUM,
         "Elektronisk KH-handling utan antecknade mottagare",
         "Electronic KH document without recipients noted",
         "Mottagare av en elektronisk kvalificerat hemlig handling ska antecknas.",
         "The recipients of an electronic KH document must be noted.",
         "Anteckna mottagarna i registret.", "Note the recipients in the register.",
         "Elektronisk KH-handling %s saknar antecknade mottagare",
         "Electronic KH document %s has no recipients noted", "document kh_recipient",
         "SELECT 'document', d.id, d.designation, d.class, d.registered_on, NULL, d.id FROM "
         "document d WHERE d.class = 'KH' AND d.form = 'electronic' AND d.status = 'active' AND "
         "NOT EXISTS (SELECT 1 FROM kh_recipient k WHERE k.document_id = d.id)",
         T_UNIT ":test_rule_fixtures", "document"},
        {"disclosure.incomplete", "PMFS 2022:1", 3, 17, NULL, SEV_MEDIUM,
         "Muntligt lämnad KH-uppgift utan mottagare eller tidpunkt",
         "KH disclosure without recipient or time",
         "När KH-uppgifter lämnas muntligen eller genom visning antecknas vem som lämnade dem, "
         "när och till vem.",
         "When KH information is told or shown, who gave it, when and to whom is noted.",
         "Komplettera anteckningen.", "Complete the note.",
         "Anteckningen om visning av %s saknar mottagare eller tidpunkt",
         "The disclosure note for %s lacks a recipient or a time", "disclosure document",
         "SELECT 'disclosure', x.id, d.designation, d.class, substr(x.noted_at, 1, 10), NULL, "
         "d.id FROM disclosure x CROSS JOIN document d ON d.id = x.document_id WHERE "
         "trim(x.recipient) "
         "= '' OR trim(x.occurred_at) = ''",
         T_UNIT ":test_rule_fixtures", "document"},
        {"decision.abroad.ssc", "PMFS 2022:1", 3, 19, NULL, SEV_HIGH,
         "Medförande till utlandet utan säkerhetsskyddschefens beslut",
         "Carrying abroad without the security officer's decision",
         "Säkerhetsskyddschefen får besluta att en handling i klassen hemlig eller lägre får "
         "medföras till utlandet.",
         "The security protection officer may decide that a document classified H or lower is "
         "carried abroad.",
         "Låt säkerhetsskyddschefen besluta; KH får inte medföras till utlandet på detta sätt.",
         "Have the security officer decide; KH may not be carried abroad this way.",
         "Beslutet om medförande av %s till utlandet saknar behörig beslutsfattare eller gäller KH",
         "The decision to carry %s abroad lacks a competent decider or concerns KH",
         "decision document role_grant",
         "SELECT 'decision', x.id, d.designation, d.class, x.decided_on, NULL, d.id FROM decision "
         "x CROSS JOIN document d ON d.id = x.document_id WHERE x.kind = 'abroad' AND (d.class = "
         "'KH' "
         "OR NOT (" HELD("x.decided_by", "ssc", "x.decided_on") " OR " HELD("x.decided_by", "chief",
                                                                            "x.decided_on") "))",
         T_UNIT ":test_rule_fixtures", "document"},
        {"decision.carry.head", "PMFS 2022:1", 3, 20, NULL, SEV_HIGH,
         "Medförande av KH-handling utan högsta chefens beslut",
         "Carrying a KH document out without the head's decision",
         "Högsta chefen (eller den chefen bestämmer) beslutar att en KH-handling får medföras från "
         "lokalerna.",
         "The head (or whom the head appoints) decides that a KH document may leave the premises.",
         "Låt högsta chef fatta beslutet.", "Have the head take the decision.",
         "Beslutet om medförande av %s fattades av någon utan rollen högsta chef",
         "The decision to carry %s out was taken by someone without the role of head",
         "decision document role_grant",
         "SELECT 'decision', x.id, d.designation, d.class, x.decided_on, NULL, d.id FROM decision "
         "x CROSS JOIN document d ON d.id = x.document_id WHERE x.kind = 'kh_carry_out' AND "
         "NOT " HELD("x.decided_by", "chief", "x.decided_on"),
         T_UNIT ":test_rule_fixtures", "document"},
        {"doc.inventory.overdue", "PMFS 2022:1", 3, 21, NULL, SEV_HIGH,
         "Exemplar inte inventerat på 12 månader", "Copy not inventoried in 12 months",
         "KH-handlingar, och fysiska handlingar i klassen konfidentiell och hemlig, ska "
         "inventeras minst en gång per år.",
         "KH documents, and physical documents classified K and H, are inventoried at least once "
         "a year.",
         "Inventera exemplaret (Inventering) och registrera resultatet.",
         "Inventory the copy (Inventering) and record the result.",
         "Exemplar %s har inte inventerats på 12 månader",
         "Copy %s has not been inventoried in 12 months", "copy document",
         "SELECT 'copy', c.id, " COPY_LABEL ", d.class, " COPY_SINCE ", date(" COPY_SINCE
         ", '+1 year'), d.id FROM copy c JOIN document d ON d.id = c.document_id WHERE " COPY_HELD
         " AND " INVENTORY_SCOPE " AND " COPY_SINCE " < date(?1, '-1 year')",
         T_UNIT ":test_rule_fixtures " T_UNIT ":test_rules_follow_data", "document"},
        {"doc.inventory.no_copies", "PMFS 2022:1", 3, 21, NULL, SEV_HIGH,
         "Handling utan exemplar har aldrig inventerats",
         "Document without copies has never been inventoried",
         "KH-handlingar, och fysiska handlingar i klassen konfidentiell och hemlig, ska "
         "inventeras minst en gång per år; inventeringen omfattar handlingens exemplar.",
         "KH documents, and physical documents classified K and H, are inventoried at least once "
         "a year; the inventory covers the document's copies.",
         "Inventera handlingen (Inventering: en inventering av KH-handlingar eller fysiska K- och "
         "H-handlingar tar med handlingar utan exemplar), registrera dess exemplar, eller avsluta "
         "handlingen om den inte längre finns.",
         "Inventory the document (Inventering: a campaign over KH documents or physical K and H "
         "documents includes documents without copies), register its copy, or close the "
         "document if it no longer exists.",
         "Handling %s har inga exemplar och har inte inventerats på 12 månader",
         "Document %s has no copies and has not been inventoried in 12 months", "document copy",
         "SELECT 'document', d.id, d.designation, d.class, coalesce(d.last_inventoried_on, "
         "d.registered_on), date(coalesce(d.last_inventoried_on, d.registered_on), '+1 year'), "
         "d.id FROM document d WHERE d.class IN ('K', 'H', 'KH') AND (d.class = 'KH' "
         "OR d.form = 'physical') AND d.status = 'active' AND d.declassified_on IS NULL AND "
         "coalesce(d.last_inventoried_on, d.registered_on) < date(?1, '-1 year') AND NOT EXISTS "
         "(SELECT 1 FROM copy c WHERE "
         "c.document_id = d.id)",
         T_UNIT ":test_rule_fixtures " T_UNIT
                ":test_inventory_no_copies tests/unit/test_inventory.c:test_document_items",
         "document"},
        {"medium.inventory.overdue", "PMFS 2022:1", 3, 21, NULL, SEV_HIGH,
         "Lagringsmedium inte inventerat på 12 månader",
         "Storage medium not inventoried in 12 months",
         "Lagringsmedier för uppgifter i klassen konfidentiell eller högre ska inventeras minst "
         "en gång per år.",
         "Storage media for information classified K or higher are inventoried at least once a "
         "year.",
         "Inventera mediet och registrera resultatet.",
         "Inventory the medium and record the result.",
         "Lagringsmedium %s har inte inventerats på 12 månader",
         "Storage medium %s has not been inventoried in 12 months", "medium",
         "SELECT 'medium', m.id, m.identifier, m.class, " MEDIUM_SINCE ", date(" MEDIUM_SINCE
         ", '+1 year'), NULL FROM medium m WHERE m.state = 'in_use' AND m.class IN ('K', 'H', "
         "'KH') AND " MEDIUM_SINCE " < date(?1, '-1 year')",
         T_UNIT ":test_rule_fixtures", "medium"},
        {"copy.destruction.record", "PMFS 2022:1", 3, 23, NULL, SEV_HIGH,
         "Förstört exemplar utan förstöringsprotokoll", "Destroyed copy without a record",
         "Förstöring av en fysisk handling i klassen konfidentiell eller högre ska dokumenteras.",
         "The destruction of a physical document classified K or higher is documented.",
         "Registrera förstöringen: metod, datum, utförare (och vittne).",
         "Record the destruction: method, date, performer (and witness).",
         "Exemplar %s är förstört utan protokoll", "Copy %s is destroyed without a record",
         "copy document destruction",
         "SELECT 'copy', c.id, " COPY_LABEL ", d.class, substr(c.updated_at, 1, 10), NULL, d.id "
         "FROM copy c JOIN document d ON d.id = c.document_id WHERE c.state = 'destroyed' "
         "AND "
         "d.form = 'physical' AND d.class IN ('K', 'H', 'KH') AND NOT EXISTS (SELECT 1 FROM "
         "destruction x WHERE x.copy_id = c.id)",
         T_UNIT ":test_rule_fixtures", "document"},
        /* ---- 4 kap., applied to skydd itself ---- */
        {"grant.privileged.no_end", "PMFS 2022:1", 4, 8, NULL, SEV_HIGH,
         "Privilegierad behörighet utan slutdatum", "Privileged grant without an end date",
         "Behörigheter som ger systemadministratörsrättigheter tilldelas restriktivt, "
         "tidsbegränsat och efter beslut av säkerhetsskyddschefen.",
         "Privileged rights are granted restrictively, time-limited, decided by the security "
         "officer.",
         "Återkalla behörigheten och besluta en ny med slutdatum (högst 12 månader).",
         "Revoke the grant and decide a new one with an end date (at most 12 months).",
         "Privilegierad behörighet för %s saknar slutdatum",
         "The privileged grant of %s has no end date", "role_grant identity",
         "SELECT 'grant', g.id, i.username || ' (' || g.role || ')', NULL, g.valid_from, NULL, "
         "NULL FROM role_grant g JOIN identity i ON i.id = g.identity_id WHERE " GRANT_IN_FORCE
         " AND g.valid_until IS NULL",
         T_UNIT ":test_rule_fixtures", NULL},
        {"identity.totp.missing", "PMFS 2022:1", 4, 9, NULL, SEV_HIGH,
         "Identitet utan bekräftad tvåfaktorsautentisering",
         "Identity without confirmed two-factor authentication",
         "Autentisering vid åtkomst ska ske med minst två faktorer om det inte är uppenbart "
         "obehövligt.",
         "Access is authenticated with at least two factors unless obviously unnecessary.",
         "Låt användaren logga in och registrera sin autentiseringsapp, eller inaktivera kontot.",
         "Have the user log in and enrol an authenticator app, or disable the account.",
         "Identitet %s har ingen bekräftad TOTP", "Identity %s has no confirmed TOTP",
         "identity credential",
         "SELECT 'identity', i.id, i.username, NULL, substr(i.created_at, 1, 10), NULL, NULL FROM "
         "identity i WHERE i.status = 'active' AND NOT EXISTS (SELECT 1 FROM credential c WHERE "
         "c.identity_id = i.id AND c.totp_confirmed = 1)",
         T_UNIT ":test_rule_fixtures " T_UNIT ":test_rules_api", NULL},
        {"ledger.verify.age", "PMFS 2022:1", 4, 29, NULL, SEV_MEDIUM,
         "Säkerhetsloggen inte verifierad på 30 dagar", "Security log not verified in 30 days",
         "Säkerhetsloggar ska skyddas mot obehörig åtkomst, förändring och förstöring; att de "
         "är oförändrade ska kontrolleras.",
         "Security logs are protected from unauthorised access, change and destruction; that "
         "they are unchanged is checked.",
         "Verifiera loggen (Säkerhetslogg → Verifiera, eller skydd verify).",
         "Verify the log (Security log → Verify, or skydd verify).",
         "Loggen (%s) har inte verifierats på 30 dagar",
         "The log (%s) has not been verified in 30 days", "rule_mark ledger",
         "SELECT 'ledger', 1, 'ledger', NULL, x.since, date(x.since, '+30 days'), NULL FROM "
         "(SELECT coalesce((SELECT substr(at, 1, 10) FROM rule_mark WHERE name = "
         "'verify.ok'), " LEDGER_BORN ") AS since) x WHERE x.since < date(?1, '-30 days')",
         T_UNIT ":test_rule_fixtures", NULL},
        {"ledger.checkpoint.export", "PMFS 2022:1", 4, 29, NULL, SEV_LOW,
         "Ingen kontrollpunkt hämtad för förvaring på 30 dagar",
         "No checkpoint exported for safekeeping in 30 days",
         "Säkerhetsloggar ska skyddas mot förändring och förstöring; en signerad kontrollpunkt "
         "förvarad utanför systemet avslöjar trunkering.",
         "Security logs are protected from change and destruction; a signed checkpoint kept "
         "outside reveals truncation.",
         "Hämta den senaste kontrollpunkten (skydd checkpoint eller API) och förvara den separat.",
         "Fetch the latest checkpoint (skydd checkpoint or the API) and keep it elsewhere.",
         "Ingen kontrollpunkt för %s har hämtats på 30 dagar",
         "No checkpoint of the %s has been exported in 30 days", "rule_mark ledger",
         "SELECT 'ledger', 1, 'ledger', NULL, x.since, date(x.since, '+30 days'), NULL FROM "
         "(SELECT coalesce((SELECT substr(at, 1, 10) FROM rule_mark WHERE name = "
         "'checkpoint.export'), " LEDGER_BORN ") AS since) x WHERE x.since < date(?1, '-30 days')",
         T_UNIT ":test_rule_fixtures", NULL},
        /* ---- 5 kap. ---- */
        {"space.conversation.decision", "PMFS 2022:1", 5, 8, NULL, SEV_LOW,
         "Samtalsrum utan beslutsreferens", "Conversation room without a decision reference",
         "Verksamhetsutövaren beslutar vilka utrymmen som är godkända för regelbundna samtal med "
         "K eller högre, och den högsta klassen.",
         "The organisation decides which rooms are approved for regular classified conversations "
         "(K+), and the highest class.",
         "Anteckna beslutets referens.", "Record the decision's reference.",
         "Godkänt samtalsrum %s saknar beslutsreferens",
         "Approved conversation room %s has no decision reference", "space",
         "SELECT 'space', s.id, s.name, NULL, s.decided_on, NULL, NULL FROM space s WHERE s.kind "
         "= 'conversation' AND s.status = 'approved' AND trim(s.decision_ref) = ''",
         T_UNIT ":test_rule_fixtures", "space"},
        {"space.processing.decision", "PMFS 2022:1", 5, 9, NULL, SEV_LOW,
         "Behandlingsutrymme utan beslutsreferens", "Processing room without a decision reference",
         "Verksamhetsutövaren beslutar vilka utrymmen som är godkända för regelbunden behandling "
         "av uppgifter i K eller högre, och den högsta klassen.",
         "The organisation decides which rooms are approved for regular processing (K+), and the "
         "highest class.",
         "Anteckna beslutets referens.", "Record the decision's reference.",
         "Godkänt behandlingsutrymme %s saknar beslutsreferens",
         "Approved processing room %s has no decision reference", "space",
         "SELECT 'space', s.id, s.name, NULL, s.decided_on, NULL, NULL FROM space s WHERE s.kind "
         "= 'processing' AND s.status = 'approved' AND trim(s.decision_ref) = ''",
         T_UNIT ":test_rule_fixtures", "space"},
        {"space.container.kh_head", "PMFS 2022:1", 5, 10, NULL, SEV_HIGH,
         "KH-förvaringsutrymme inte godkänt av högsta chef",
         "KH container not approved by the head",
         "Förvaringsutrymmen för kvalificerat hemliga uppgifter godkänns av högsta chefen.",
         "Containers for KH information are approved by the head of the organisation.",
         "Låt högsta chef besluta om godkännandet.", "Have the head decide the approval.",
         "Förvaringsutrymme %s för KH godkändes av någon utan rollen högsta chef",
         "KH container %s was approved by someone without the role of head", "space role_grant",
         "SELECT 'space', s.id, s.name, NULL, s.decided_on, NULL, NULL FROM space s WHERE s.kind "
         "= 'container' AND s.status = 'approved' AND s.max_class = 'KH' AND NOT " HELD(
                 "s.decided_by", "chief", "s.decided_on"),
         T_UNIT ":test_rule_fixtures", "space"},
        {"space.container.decision", "PMFS 2022:1", 5, 10, NULL, SEV_LOW,
         "Förvaringsutrymme utan beslutsreferens", "Container without a decision reference",
         "Verksamhetsutövaren beslutar vilka förvaringsutrymmen som är godkända och för vilken "
         "högsta klass.",
         "The organisation decides which containers are approved and for what highest class.",
         "Anteckna beslutets referens.", "Record the decision's reference.",
         "Godkänt förvaringsutrymme %s saknar beslutsreferens",
         "Approved container %s has no decision reference", "space",
         "SELECT 'space', s.id, s.name, NULL, s.decided_on, NULL, NULL FROM space s WHERE s.kind "
         "= 'container' AND s.status = 'approved' AND trim(s.decision_ref) = ''",
         T_UNIT ":test_rule_fixtures", "space"},
/* 2 kap. (the analysis slice's rules) */
#include "rules/table_2kap.inc"
/* 5 kap. 2–4 §§: areas, access authorisations, visitor permits */
#include "rules/table_5kap_access.inc"
/* 5 kap. 5–6 §§: keys, codes and cards */
#include "rules/table_5kap_keys.inc"
/* 6 kap.: positions and training (1–3, 11 §§) */
#include "rules/table_6kap_positions.inc"
/* 6 kap.: vetting and registerkontroll (4–5, 7–15 §§) */
#include "rules/table_6kap_vetting.inc"
/* 6 kap. 6 § exit talks, and clearance against what a person holds (3 kap. with 6 kap.) */
#include "rules/table_6kap_exit.inc"
/* 4 kap. 25–31 §§: security logs and security monitoring of information systems */
#include "rules/table_4kap_seclog.inc"
};

/*
 * The registers rules need (struct rule's needs). A need is met when its
 * register holds a row: the check is whether anything is there to check, not
 * whether it is complete (that is the rules' work).
 */
static const struct rules_need needs[] = {
        {"analysis", "SELECT 1 FROM analysis LIMIT 1", "ingen säkerhetsskyddsanalys",
         "no security protection analysis"},
        {"analysis_approved",
         "SELECT 1 FROM analysis WHERE state IN ('approved', 'superseded') "
         "LIMIT 1",
         "ingen fastställd säkerhetsskyddsanalys", "no approved security protection analysis"},
        {"secplan", "SELECT 1 FROM secplan LIMIT 1", "ingen säkerhetsskyddsplan",
         "no security plan"},
        {"document", "SELECT 1 FROM document LIMIT 1", "inga handlingar i registret",
         "no documents in the register"},
        {"medium", "SELECT 1 FROM medium LIMIT 1", "inga lagringsmedier i registret",
         "no storage media in the register"},
        {"space", "SELECT 1 FROM space LIMIT 1",
         "inga godkända utrymmen eller förvaringsutrymmen i registret",
         "no approved rooms or containers in the register"},
        {"area", "SELECT 1 FROM area LIMIT 1", "inga områden i registret",
         "no areas in the register"},
        {"key", "SELECT 1 FROM key_item LIMIT 1", "inga nycklar, koder eller kort i förteckningen",
         "no keys, codes or cards in the list"},
        {"vetting", "SELECT 1 FROM vetting LIMIT 1", "inga säkerhetsprövningar i registret",
         "no vettings in the register"},
        {"regcheck", "SELECT 1 FROM regcheck LIMIT 1", "inga registerkontroller i registret",
         "no registerkontroller in the register"},
        {"position", "SELECT 1 FROM position LIMIT 1", "inga befattningar i förteckningen",
         "no positions in the list"},
        {"training", "SELECT 1 FROM training_course LIMIT 1", "ingen utbildningsplan",
         "no training plan"},
};

const struct rules_need *rules_needs(size_t *n)
{
	*n = sizeof(needs) / sizeof(needs[0]);
	return needs;
}

const struct rules_need *rules_need_find(const char *id)
{
	for (size_t i = 0; id && i < sizeof(needs) / sizeof(needs[0]); i++) {
		if (strcmp(needs[i].id, id) == 0)
			return &needs[i];
	}
	return NULL;
}

const struct rule *rules_table(size_t *n)
{
	*n = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

const struct rule *rules_find(const char *id)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		if (strcmp(rules[i].id, id) == 0)
			return &rules[i];
	}
	return NULL;
}

void rules_ref(const struct rule *r, char *out, size_t cap)
{
	snprintf(out, cap, "%d kap. %d §%s%s", r->chapter, r->section, r->point ? " " : "",
	         r->point ? r->point : "");
}

const char *rules_severity_name(enum rule_severity s)
{
	return s == SEV_HIGH ? "high" : s == SEV_MEDIUM ? "medium" : "low";
}

int rules_severity_parse(const char *s)
{
	if (strcmp(s, "high") == 0)
		return SEV_HIGH;
	if (strcmp(s, "medium") == 0)
		return SEV_MEDIUM;
	if (strcmp(s, "low") == 0)
		return SEV_LOW;
	return -1;
}

/* ---- deadlines (Kommande) ---- */

static const struct rules_deadline_query deadlines[] = {
        {"inventory", "doc.inventory.overdue", "copy document person",
         "SELECT 'copy', c.id, " COPY_LABEL ", d.class, date(" COPY_SINCE
         ", '+1 year') AS due, (SELECT p.identity_id FROM person p WHERE p.id = "
         "c.holder_person_id) FROM copy c JOIN document d ON d.id = c.document_id WHERE " COPY_HELD
         " AND " INVENTORY_SCOPE " AND " COPY_SINCE " >= date(?1, '-1 year') AND " COPY_SINCE
         " <= date(?2, '-1 year')"},
        {"inventory", "doc.inventory.no_copies", "document copy",
         "SELECT 'document', d.id, d.designation, d.class, date(coalesce(d.last_inventoried_on, "
         "d.registered_on), '+1 year'), NULL FROM document d WHERE d.class IN ('K', 'H', 'KH') "
         "AND (d.class = 'KH' OR d.form = 'physical') AND d.status = 'active' AND "
         "d.declassified_on IS NULL AND coalesce(d.last_inventoried_on, d.registered_on) >= "
         "date(?1, '-1 year') AND coalesce(d.last_inventoried_on, d.registered_on) <= date(?2, "
         "'-1 year') AND NOT EXISTS "
         "(SELECT 1 FROM copy c WHERE c.document_id = d.id)"},
        {"inventory", "medium.inventory.overdue", "medium person",
         "SELECT 'medium', m.id, m.identifier, m.class, date(" MEDIUM_SINCE
         ", '+1 year'), (SELECT p.identity_id FROM person p WHERE p.id = m.holder_person_id) FROM "
         "medium m WHERE m.state = 'in_use' AND m.class IN ('K', 'H', 'KH') AND " MEDIUM_SINCE
         " >= date(?1, '-1 year') AND " MEDIUM_SINCE " <= date(?2, '-1 year')"},
        /* no rule: a privileged grant lasts at most 12 months (see paragraphs.c, 4 kap. 8 §) */
        {"grant_review", NULL, "role_grant identity",
         "SELECT 'grant', g.id, i.username || ' (' || g.role || ')', NULL, date(" GRANT_REVIEWED
         ", '+1 year'), NULL FROM role_grant g JOIN identity i ON i.id = g.identity_id "
         "WHERE " GRANT_IN_FORCE " AND " GRANT_REVIEWED
         " >= date(?1, '-1 year') AND " GRANT_REVIEWED " <= date(?2, '-1 year')"},
        {"grant_expiry", NULL, "role_grant identity",
         "SELECT 'grant', g.id, i.username || ' (' || g.role || ')', NULL, g.valid_until, "
         "g.identity_id FROM role_grant g JOIN identity i ON i.id = g.identity_id "
         "WHERE " GRANT_IN_FORCE " AND g.valid_until BETWEEN ?1 AND ?2"},
        {"receipt", "receipt.pending", "receipt copy document person",
         "SELECT 'receipt', r.id, " COPY_LABEL ", d.class, date(substr(r.issued_at, 1, 10), '+14 "
         "days'), (SELECT p.identity_id FROM person p WHERE p.id = r.person_id) FROM receipt r "
         "JOIN copy c ON c.id = r.copy_id JOIN document d ON d.id = c.document_id WHERE r.state = "
         "'pending' AND r.issued_at >= date(?1, '-14 days')"},
        {"shipment", "shipment.delivery", "shipment copy document",
         "SELECT 'shipment', s.id, " COPY_LABEL ", d.class, date(s.sent_on, '+14 days'), NULL "
         "FROM shipment s JOIN copy c ON c.id = s.copy_id JOIN document d ON d.id = c.document_id "
         "WHERE s.delivered_on IS NULL AND date(s.sent_on, '+14 days') >= ?1"},
        {"exemption", NULL, "exemption",
         "SELECT 'exemption', e.id, e.reference, NULL, e.valid_until, NULL FROM exemption e WHERE "
         "e.revoked_at IS NULL AND e.valid_until BETWEEN ?1 AND ?2"},
        {"verify", "ledger.verify.age", "rule_mark ledger",
         "SELECT 'ledger', 1, 'ledger', NULL, date(x.since, '+30 days'), NULL FROM (SELECT "
         "coalesce((SELECT substr(at, 1, 10) FROM rule_mark WHERE name = 'verify.ok'), " LEDGER_BORN
         ") AS since) x WHERE x.since >= date(?1, '-30 days') AND x.since <= date(?2, '-30 "
         "days')"},
        /* the incidents slice: measures of the action plan, reports to Säkerhetspolisen */
        {"deviation", "deviation.overdue", "deviation",
         "SELECT 'deviation', v.id, '#' || v.id, NULL, v.due_on, NULL FROM deviation v WHERE "
         "v.status IN ('open', 'in_progress') AND v.due_on BETWEEN ?1 AND ?2"},
        {"incident_report", "incident.reportable.unanswered", "incident",
         "SELECT 'incident', i.id, '#' || i.id, NULL, date(i.detected_on, '+1 day'), NULL FROM "
         "incident i WHERE i.reportable IS NULL AND date(i.detected_on, '+1 day') BETWEEN ?1 AND "
         "?2"},
        {"incident_report", "incident.report.missing", "incident",
         "SELECT 'incident', i.id, '#' || i.id, NULL, date(i.detected_on, '+1 day'), NULL FROM "
         "incident i WHERE i.reportable = 1 AND i.report_date IS NULL AND date(i.detected_on, "
         "'+1 day') BETWEEN ?1 AND ?2"},
        /* the analysis's review (issue 15: in Kommande, named only to those cleared for it) */
        {"analysis_review", "analysis.review.overdue", "analysis",
         "SELECT 'analysis', a.id, a.title || ' v' || a.version, a.class, a.next_review_due, "
         "NULL FROM analysis a WHERE a.state = 'approved' AND a.next_review_due BETWEEN ?1 AND "
         "?2"},
};

const struct rules_deadline_query *rules_deadline_queries(size_t *n)
{
	*n = sizeof(deadlines) / sizeof(deadlines[0]);
	return deadlines;
}
