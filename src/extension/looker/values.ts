import type { Cell } from './runQuery';

/** Looker yes/no dimensions come back as "Yes"/"No" (or booleans from some hosts). */
export function isYes(v: Cell | undefined): boolean {
  return v === true || (typeof v === 'string' && v.toLowerCase() === 'yes') || v === 'true';
}

export function toNumber(v: Cell | undefined): number {
  const n = typeof v === 'number' ? v : Number(v ?? 0);
  return Number.isFinite(n) ? n : 0;
}

export function toText(v: Cell | undefined): string | null {
  return v === null || v === undefined || v === '' ? null : String(v);
}
