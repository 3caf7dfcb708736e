/*
 * Every paragraph of PMFS 2022:1 (Säkerhetspolisens föreskrifter om
 * säkerhetsskydd), enumerated from the regulation's text, with what it asks in
 * a few words and — where no rule of the table covers it — why none can, or
 * how skydd meets it otherwise. The traceability document is generated from
 * this list and the rule table (rules_markdown).
 */
#include "rules/rules.h"

#define JUDGEMENT  "a judgement, not a record: no rule can decide it"
#define LATER(reg) "awaits the " reg " register (a later issue)"
#define AUTHORITY  "concerns the authorities, not the operator's records"
#define DEFINITION "scope, definitions or references: nothing to check"

static const struct rules_paragraph paragraphs[] = {
        {1, 1, "the regulations supplement the Act and the Ordinance", DEFINITION},
        {1, 2, "Försvarsmakten and FMV: only the registerkontroll procedure applies", DEFINITION},
        {1, 3, "international agreements take precedence", DEFINITION},
        {1, 4, "assessments, decisions, plans, measures and follow-up are documented",
         "every change is a ledger entry (actor, time, kind, object) hashed into an RFC 6962 "
         "tree: tests/unit/test_store.c, test_entry.c, tests/sh/test_tamper.sh"},
        {1, 5, "definitions", DEFINITION},
        {2, 1, "a security protection analysis (säkerhetsskyddsanalys) is made", NULL},
        {2, 2, "activity described; parts of importance by category", NULL},
        {2, 3, "protected assets identified", NULL},
        {2, 4, "assets assessed for confidentiality, integrity, availability", NULL},
        {2, 5, "non-information assets in consequence levels A–D", NULL},
        {2, 6, "threats identified", NULL},
        {2, 7, "Säkerhetspolisen provides dimensioning antagonistic capabilities", AUTHORITY},
        {2, 8, "vulnerabilities identified per asset", NULL},
        {2, 9, "necessary measures assessed and dimensioned", NULL},
        {2, 10, "the analysis approved by the head", NULL},
        {2, 11, "the analysis handed to the supervisor on request",
         "a hand-over is an export recorded in the ledger (analysis.exported: who, to whom, "
         "why): tests/unit/test_analysis.c, tests/sh/test_analysis.sh"},
        {2, 12, "a security plan: measures, when, responsible function", NULL},
        {2, 13, "special assessment before outsourcing or transfer", NULL},
        {2, 14, "systematic follow-up; action plan of deviations", NULL},
        {2, 15, "routines for security-threatening events",
         "the routine is the organisation's own document (a judgement); each event is recorded in "
         "the incident register: tests/unit/test_incidents.c, tests/sh/test_incidents.sh"},
        {2, 16, "minimise damage, return to normal", JUDGEMENT},
        {2, 17, "investigate and evaluate each event", NULL},
        {2, 18, "report on Säkerhetspolisen's form", NULL},
        {2, 19, "damage assessment started no later than the report", NULL},
        {2, 20, "without an SSC, the head takes the SSC's decisions",
         "enforced when deciding: privileged grants and reviews accept chief only when nobody "
         "holds ssc (model/grant.c); rules accept the head where the SSC decides: "
         "tests/unit/test_api.c (grants)"},
        {3, 1, "classified information only in systems and media approved for its class", NULL},
        {3, 2, "the recipient made aware of the classification", NULL},
        {3, 3, "routines for handling classified information", LATER("routines")},
        {3, 4, "K+: class, designation, pages, attachments noted", NULL},
        {3, 5, "K+ physical: copy number on every copy", NULL},
        {3, 6, "reclassification noted with who decided and when", NULL},
        {3, 7, "lowering from KH by the head, after consulting the originator", NULL},
        {3, 8, "KH copies and extracts only after the head's decision", NULL},
        {3, 9, "under control or in an approved container", NULL},
        {3, 10, "register of K+ physical documents: designation, class, copies, recipients", NULL},
        {3, 11, "storage media marked with class and identifier", NULL},
        {3, 12, "distribution by an approved distributor; delivery verifiable", NULL},
        {3, 13, "the supervisor may allow other channels abroad", AUTHORITY},
        {3, 14, "receipt on taking over a K+ physical document", NULL},
        {3, 15, "KH electronic document: recipients noted", NULL},
        {3, 16, "registry, archive and print staff exempt from 14–15 §§",
         "an exception to 14–15 §§, not a duty: record it as an exemption-like scope of the "
         "registrar role (no check)"},
        {3, 17, "KH told or shown: who, when, to whom noted", NULL},
        {3, 18, "carried to or from the premises: under control or in a container",
         "a copy carried is issued to a person (under control): copy.control and copy.recipient "
         "check the state the register holds"},
        {3, 19, "carrying abroad (H or lower) decided by the SSC", NULL},
        {3, 20, "carrying KH out of the premises decided by the head", NULL},
        {3, 21, "inventory at least yearly (SäkF 3 kap. 8 §)", NULL},
        {3, 22, "destruction so that nothing can be restored",
         "the method is recorded with each destruction; whether it suffices is a judgement"},
        {3, 23, "destruction of K+ physical documents documented", NULL},
        {3, 24, "routines for decommissioning or reuse of storage media", LATER("routines")},
        {4, 1, "review own software for vulnerabilities",
         "for skydd itself: libFuzzer targets, ASan+UBSan test runs, warnings as errors: "
         "tests/fuzz/, make check SANITIZE=1; for other systems " LATER("information systems")},
        {4, 2, "review hardware and third-party software", LATER("information systems")},
        {4, 3, "test protections before going live", LATER("information systems")},
        {4, 4, "assess resources before going live", LATER("information systems")},
        {4, 5, "routines for information systems", LATER("routines")},
        {4, 6, "yearly security review of H/KH systems", LATER("information systems")},
        {4, 7, "identities unique over time, access traceable",
         "for skydd itself: ids never reused, usernames bound forever, every entry names its "
         "actor: tests/unit/test_api.c (username reuse), test_store.c"},
        {4, 8, "privileged rights restrictive, decided by the SSC, time-limited, reviewed yearly",
         "the yearly review is met by construction, so no rule checks it (the former "
         "grant.privileged.review could never fire, and was removed): skydd refuses a privileged "
         "grant without an end date or running more than 12 months (src/model/grant.c, "
         "tests/unit/test_api.c:test_grants), so it is decided anew at least once a year; the "
         "review "
         "(Ompröva) is offered in Kommande"},
        {4, 9, "multi-factor authentication", NULL},
        {4, 10, "password rules",
         "for skydd itself: ≥ 12 characters, libpwquality, not one of the last 5: "
         "tests/unit/test_auth.c, test_api.c (test_password_change)"},
        {4, 11, "written-down passwords under control", JUDGEMENT},
        {4, 12, "a central identity function protected like its systems",
         "for skydd itself: TLS off loopback, keys 0600, sealed TOTP secrets, serve --user: "
         "tests/sh/test_serve.sh, tests/unit/test_http.c"},
        {4, 13, "emanation protection for K+ systems", LATER("information systems")},
        {4, 14, "controlled communication", LATER("information systems")},
        {4, 15, "BH/K systems logically separated", LATER("information systems")},
        {4, 16, "H/KH systems physically separated", LATER("information systems")},
        {4, 17, "one-way transfer into separated systems", LATER("information systems")},
        {4, 18, "hardened configuration", LATER("information systems")},
        {4, 19, "software kept patched", LATER("information systems")},
        {4, 20, "documentation of dependencies", LATER("information systems")},
        {4, 21, "KH systems: hardware and software inventory", LATER("information systems")},
        {4, 22, "malware protection", LATER("information systems")},
        {4, 23, "detect unauthorised change",
         "for skydd itself: verify --replay rebuilds every register and compares: "
         "tests/unit/test_store.c (replay), tests/sh/test_tamper.sh"},
        {4, 24, "intrusion detection for connected systems", LATER("information systems")},
        {4, 25, "log security events",
         "for skydd itself: logins, failures, grants, identities and tokens are ledger entries: "
         "tests/unit/test_api.c"},
        {4, 26, "routines for logging", LATER("routines")},
        {4, 27, "log use and change of privileged rights",
         "for skydd itself: every request resting on a privileged role alone is a privilege.used "
         "entry: tests/unit/test_api.c (test_privileged_use); for other systems: the monitoring "
         "routine names their privileged accounts and hours (Övervakning, "
         "tests/unit/test_seclog_model.c)"},
        {4, 28, "keep security logs ≥ 10 years (KH 25)",
         "for skydd itself: the ledger is append-only, triggers refuse deletion: "
         "tests/sh/test_tamper.sh; for other systems: each log source's retention is 10 years, 25 "
         "for a KH system, or longer (Loggkällor, tests/unit/test_seclog_model.c)"},
        {4, 29, "protect logs from access, change and destruction",
         "other systems' logs are read only by their log readers within clearance "
         "(Loggläsare, tests/unit/test_seclog_model.c)"},
        {4, 30, "security monitoring of H/KH systems",
         "the monitor raises alerts over arriving logs (Larm, tests/unit/test_seclog_model.c)"},
        {4, 31, "routines for security monitoring",
         "the routine per system: what is watched, who responds (Övervakning)"},
        {4, 32, "continuity of protected systems", LATER("information systems")},
        {4, 33, "backups test-restored", LATER("information systems")},
        {5, 1, "physical protection dimensioned from threats and the analysis", JUDGEMENT},
        {5, 2, "access to areas controlled", NULL},
        {5, 3, "written permit for visitors", NULL},
        {5, 4, "how identity and authorisation are checked at access", NULL},
        {5, 5, "cards, keys and codes protected", NULL},
        {5, 6, "register of codes, cards and keys", NULL},
        {5, 7, "routines against unauthorised objects", LATER("routines")},
        {5, 8, "rooms approved for classified conversations", NULL},
        {5, 9, "rooms approved for classified processing", NULL},
        {5, 10, "approved storage containers; KH approved by the head", NULL},
        {6, 1, "security training before access and regularly", NULL},
        {6, 2, "positions in security class listed", NULL},
        {6, 3, "positions vetted without class listed", NULL},
        {6, 4, "basic investigation with vetting interview", NULL},
        {6, 5, "information from vetting documented for follow-up", NULL},
        {6, 6, "exit security talk", NULL},
        {6, 7, "application for registerkontroll on the form", NULL},
        {6, 8, "class 1: the government's decision", NULL},
        {6, 9, "supplier staff only after the SUA is reported", NULL},
        {6, 10, "consent documented", NULL},
        {6, 11, "control reason stated", NULL},
        {6, 12, "answers to the applicant", AUTHORITY},
        {6, 13, "renewed registerkontroll on change", NULL},
        {6, 14, "spouse check (class 1–2) ended and reported", NULL},
        {6, 15, "a function for registerkontroller reported", NULL},
        {7, 1, "notification of a procedure requiring an SUA", LATER("security agreement")},
        {7, 2, "SUA levels 1–3", LATER("security agreement")},
        {7, 3, "multi-party agreements: highest level", LATER("security agreement")},
        {7, 4, "level 1: inspect the counterparty's premises", LATER("security agreement")},
        {7, 5, "positions of the counterparty to be cleared", LATER("security agreement")},
        {7, 6, "counterparty staff cleared", LATER("security agreement")},
        {7, 7, "level 1: the counterparty's instruction approved", LATER("security agreement")},
        {7, 8, "compliance controlled during the agreement", LATER("security agreement")},
        {7, 9, "at the end: documents returned or destroyed", LATER("security agreement")},
        {7, 10, "cooperation between operators", LATER("security agreement")},
        {7, 11, "BH procurements", LATER("security agreement")},
        {7, 12, "consultation notifications: attachments", LATER("security agreement")},
        {7, 13, "consultation before transfer of the activity", LATER("security agreement")},
        {7, 14, "consultation before transfer of shares", LATER("security agreement")},
        {8, 1, "decisions may not be appealed", AUTHORITY},
        {8, 2, "exemptions granted by Säkerhetspolisen or the supervisor",
         "recorded as exemptions (exemption.* entries); a covered finding is shown as covered, "
         "an expired exemption stops covering: tests/unit/test_rules.c:test_exemptions, "
         "tests/sh/test_rules.sh"},
};

static const char *const chapter_titles[] = {
        "",
        "Allmänna bestämmelser",
        "Grundläggande bestämmelser om säkerhetsskydd",
        "Informationssäkerhet",
        "Informationssäkerhet i och kring informationssystem",
        "Fysisk säkerhet",
        "Personalsäkerhet",
        "Skyldigheter när en annan aktör kan få tillgång till säkerhetskänslig verksamhet",
        "Överklagande och undantag från föreskrifterna",
};

const struct rules_paragraph *rules_paragraphs(size_t *n)
{
	*n = sizeof(paragraphs) / sizeof(paragraphs[0]);
	return paragraphs;
}

const char *rules_chapter_title(int chapter)
{
	return chapter >= 1 && chapter <= 8 ? chapter_titles[chapter] : "";
}
