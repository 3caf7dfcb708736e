// What a register's page shows beyond its description, in one place: a rule the page states,
// what follows the page (after(ctx, page): page.def, page.reload(), page.onLoad(list → …)),
// which records a reference offers (choices: field → record → bool; the server checks again),
// what a value shows besides itself (cells: field → (row, shown) → shown), which commands
// apply to a row beyond their `when` (applies), arguments the form leaves out (skip), and a
// workflow page of its own for a record (detail(ctx, id), its title word kind; created: where
// the create form goes; rowCommands: false when the commands are that page's), and what follows
// a record's own page (record(ctx, rec, reload)), fields its page leaves out (hidden). Keyed by the register's name; a register
// without an entry is drawn from its description alone.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { registerNamed } from './registers.js';
import { lostSection } from '../pages/incidents.js';
import * as incidentPage from '../pages/incident.js';
import { planTools, CELLS as DEVIATION_CELLS, changes } from '../pages/deviations.js';
import { personRecord } from './person.js';
import * as visitPage from '../pages/visit.js';
import { keyRecord } from './keys.js';
import { vettingRecord, regcheckRecord } from './vetting.js';
import { ALERT_CELLS } from './log_alerts.js';

const active = (p) => p.status === 'active';

export const EXTENSIONS = {
  // 3 kap., 5 kap. 5–6 §§, 6 kap.: a person's clearance, placements, training, vetting, exit
  // talk and what they still have when they leave, on their page (person.js)
  persons: {
    record: personRecord,
  },
  // 5 kap. 10 §: a KH container is approved by the head
  spaces: {
    rule: 'reg.spaces.rule',
    after: () => (registerNamed('systems') || registerNamed('distributors')
      ? h('p', {}, h('a', { href: '#/godkannanden' }, t('reg.approvals.link'))) : null),
  },
  // 3 kap. 11, 22–24 §§: kept in an approved storage container or by an active person; a
  // destruction performed and witnessed by active persons
  media: {
    choices: {
      space_id: (s) => s.kind === 'container' && s.status === 'approved',
      holder_id: active,
      performer_id: active,
      witness_id: active,
      system_id: (s) => s.status === 'approved',
    },
  },
  // 2 kap. 15–19 §§: the incident's workflow (assessment, measures, lessons, the report to
  // Säkerhetspolisen, closing) is its own page; the lost cases of the inventory follow the list;
  // a lost case and the person who detected it are given from those pages, not the report form
  incidents: {
    detail: (ctx) => incidentPage.render(ctx),
    kind: 'title.kind.incident',
    created: (ctx, def, rec, msg) => {
      ctx.announceNext(msg);
      ctx.navigate(`#/${def.slug}/${encodeURIComponent(rec.id)}`);
    },
    rowCommands: false,
    skip: ['lost_case_id', 'detected_person_id'],
    after: lostSection,
  },
  // 5 kap. 5–6 §§: the spare in an approved container, handed to active persons; the item's
  // page adds what it opens and its hand-outs (keys.js); the holder signs on the Kvittera page, a hand-out is
  // returned or its paper receipt recorded from the item's page, not by typing its number
  keys: {
    choices: {
      spare_space_id: (s) => s.kind === 'container' && s.status === 'approved',
      person_id: active,
    },
    applies: (cmd, row) => !['sign', 'return', 'receipt'].includes(cmd.name)
      && (cmd.name !== 'change' || row.kind === 'code'),
    // the generic "lost" is the item's; a holder's copy is lost from its hand-out's row
    skip: ['issue_id'],
    record: keyRecord,
  },
  // 2 kap. 14 §: deviations from findings and by hand (deviations.js), final once done
  deviations: {
    cells: DEVIATION_CELLS,
    applies: changes,
    after: planTools,
  },
  // 5 kap. 3 §: a visit's page issues the permit (a host by name, its areas), checks the visitor
  // in and out and prints the permit; the host is chosen there, the list checks in and out
  visits: {
    detail: (ctx, id) => visitPage.render(ctx, id),
    kind: 'title.kind.visit',
    created: (ctx, def, rec, msg) => {
      ctx.announceNext(msg);
      ctx.navigate(`#/${def.slug}/${encodeURIComponent(rec.id)}`);
    },
    skip: ['host_id', 'escort'],
    applies: (cmd) => !['issue', 'update'].includes(cmd.name),
  },
  // 6 kap. 4–5 §§: a vetting's follow-up conversations; 7–14 §§: a registerkontroll's renewal
  // triggers and its application as a print page (vetting.js)
  vettings: { choices: { person_id: active }, record: vettingRecord },
  regchecks: { choices: { person_id: active }, record: regcheckRecord },
  // 4 kap. 30 §: an alert's rule values in words and its messages linked to Säkerhetsloggar;
  // the system's name is a field for those who do not read the systems register, shown once;
  // who handled it by name, not by the login's number
  log_alerts: { cells: ALERT_CELLS, hidden: ['system', 'handled_by'] },
  // 5 kap. 2 §: an authorisation to an active person, for an active area
  access: {
    choices: { person_id: active, area_id: active },
  },
  // 5 kap. 2, 4 §§: an area's page lists its zones and, for the readers of the authorisations,
  // who may enter today (directly, or through an area that opens its zones: least access)
  areas: {
    choices: { parent_id: active },
    cells: {
      zones: (row, shown) => (row.zone_list ? (row.zone_list.length
        ? h('ul', { class: 'area-zones' }, row.zone_list.map((z) => h('li', {}, h('a', { href: `#/omraden/${encodeURIComponent(z.id)}` }, z.name))))
        : t('area.detail.no_zones')) : shown),
      authorised: (row, shown) => (row.may_enter ? (row.may_enter.length
        ? h('ul', { class: 'area-entrants' }, row.may_enter.map((x) => h('li', {}, x.person, x.through ? ` (${t('area.detail.through', { area: x.area })})` : '')))
        : t('area.detail.none')) : shown),
    },
  },
};
