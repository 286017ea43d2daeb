/** Rules shared by every dialect: what a safe identifier is. */

// Letters, digits, underscores, dashes (BigQuery project ids) and spaces are quotable everywhere;
// anything else (quotes, backticks, newlines, semicolons) is refused rather than escaped.
const QUOTABLE = /^[A-Za-z0-9_][A-Za-z0-9_ -]*$/;

export function assertQuotable(name: string, what = 'identifier'): void {
  if (!QUOTABLE.test(name) || name.length > 300) {
    throw new Error(`invalid ${what} ${JSON.stringify(name)}: use letters, digits, underscores or dashes`);
  }
}

export function assertFiniteNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}
