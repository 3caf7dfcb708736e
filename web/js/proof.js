// Independent checks in the browser (RFC 6962 / RFC 9162 with WebCrypto SHA-256):
// the leaf hash of an entry's canonical bytes, and an inclusion proof up to its root.

function b64(s) {
  try {
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

// Hashes come as base64 (or hex); anything else is not a 32-byte hash.
export function decodeHash(s) {
  if (typeof s !== 'string') return null;
  if (/^[0-9a-f]{64}$/i.test(s)) return Uint8Array.from(s.match(/../g).map((x) => parseInt(x, 16)));
  const b = b64(s.replace(/-/g, '+').replace(/_/g, '/'));
  return b && b.length === 32 ? b : null;
}

async function sha256(parts) {
  const len = parts.reduce((n, p) => n + p.length, 0);
  const buf = new Uint8Array(len);
  let o = 0;
  for (const p of parts) { buf.set(p, o); o += p.length; }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

function equal(a, b) {
  return a && b && a.length === b.length && a.every((x, i) => x === b[i]);
}

export function available() {
  return !!(globalThis.crypto && crypto.subtle);
}

// SHA-256(0x00 || canonical) == leafHash ?
export async function leafMatches(canonical, leafHash) {
  const want = decodeHash(leafHash);
  if (!want || typeof canonical !== 'string') return null;
  return equal(await sha256([new Uint8Array([0]), new TextEncoder().encode(canonical)]), want);
}

// RFC 9162 2.1.3.2: true / false, or null when the input cannot be checked.
export async function inclusionMatches(index, size, leafHash, proof, root) {
  let r = decodeHash(leafHash);
  const want = decodeHash(root);
  const path = (proof || []).map(decodeHash);
  if (!r || !want || path.some((p) => !p) || !(index < size)) return null;
  let fn = BigInt(index);
  let sn = BigInt(size) - 1n;
  const one = new Uint8Array([1]);
  for (const p of path) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await sha256([one, p, r]);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = await sha256([one, r, p]);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equal(r, want);
}
