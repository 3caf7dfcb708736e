// Times and dates. The server speaks RFC 3339 UTC; people read Swedish time.

const TZ = 'Europe/Stockholm';

const dtf = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});
const df = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit',
});

// "2026-11-25T13:01:02.123456Z" → Date (fractions beyond milliseconds dropped).
export function parseTime(s) {
  if (typeof s !== 'string') return null;
  const d = new Date(s.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(d.getTime()) ? null : d;
}

// "2026-11-25 14:01:02" in Swedish time, or '–'.
export function fmtTime(s) {
  const d = parseTime(s);
  return d ? dtf.format(d) : (s || '–');
}

// Today as the server counts days (UTC, model_today()) as YYYY-MM-DD: the date forms offer and
// count from. In Swedish time it is already tomorrow between midnight and 01:00 (02:00 in
// summer); a form filled with the Swedish date then was refused as a day in the future.
export function todayISO() {
  return new Date().toISOString().slice(0, 10);
}

function parts(date) {
  const o = {};
  for (const p of dtf.formatToParts(date)) o[p.type] = p.value;
  return o;
}

// Offset of Swedish time from UTC at instant ms, in ms.
function offsetAt(ms) {
  const p = parts(new Date(ms));
  const asUtc = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

// A datetime-local value ("2026-11-25T14:30") read as Swedish time → RFC 3339 UTC.
export function localToUTC(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value || '');
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
  let ms = wall - offsetAt(wall);
  ms = wall - offsetAt(ms); // second pass settles daylight-saving edges
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

// RFC 3339 UTC → a datetime-local value in Swedish time.
export function utcToLocal(s) {
  const d = parseTime(s);
  if (!d) return '';
  const p = parts(d);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

// Whole days from today (Swedish date) to YYYY-MM-DD; negative when past.
export function daysUntil(dateStr) {
  const a = /^(\d{4})-(\d{2})-(\d{2})$/.exec(todayISO());
  const b = /^(\d{4})-(\d{2})-(\d{2})/.exec(dateStr || '');
  if (!a || !b) return null;
  return Math.round((Date.UTC(+b[1], +b[2] - 1, +b[3]) - Date.UTC(+a[1], +a[2] - 1, +a[3])) / 86400000);
}

// YYYY-MM-DD plus n months (clamped to the month's end), for date input bounds.
export function addMonths(dateStr, n) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateStr || '');
  if (!m) return '';
  const y = +m[1], mo = +m[2] - 1 + n, d = +m[3];
  const last = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, mo, Math.min(d, last))).toISOString().slice(0, 10);
}

export function addDays(dateStr, n) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateStr || '');
  if (!m) return '';
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3] + n)).toISOString().slice(0, 10);
}

// Date part of an RFC 3339 time, in Swedish time; plain dates pass through.
export function fmtDate(s) {
  if (!s) return '–';
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return s;
  const d = parseTime(s);
  return d ? df.format(d) : s;
}
