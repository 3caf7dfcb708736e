// The registers described by the server (GET /api/v1/registers, issue 16): read once after the
// login, they decide which generic register pages exist, which the navigation shows and which
// record look-ups a page may ask for. The description holds only what the logged-in user may
// read, so no role list for these pages lives in JS.
import * as api from '../api.js';

let described = [];

// Reads the description (an empty list when logged out or when the call fails: then the
// register pages are simply not offered).
export async function loadRegisters(me) {
  described = [];
  if (!me) return described;
  try {
    const r = await api.get('/registers');
    described = (r && Array.isArray(r.registers)) ? r.registers : [];
  } catch {
    described = [];
  }
  return described;
}

export const registers = () => described;
export const registerNamed = (name) => described.find((d) => d.name === name || d.one === name) || null;
export const registerAt = (slug) => described.find((d) => d.slug === slug) || null;

// A path of the description ("/api/v1/persons/{id}") as api.js takes it ("/persons/5").
export function apiPath(path, id) {
  const p = String(path).replace(/^\/api\/v1/, '');
  return id === undefined ? p : p.replace('{id}', encodeURIComponent(String(id)));
}
