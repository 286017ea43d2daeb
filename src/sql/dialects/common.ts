/** Rules shared by every dialect: what a safe identifier is. */

// Any name of 1 to 300 characters without control characters (line breaks, tabs, NUL) is quotable: the dialect
// escapes its quote character inside (column names of real exports have spaces, dots, quotes). Config validation
// keeps tables, datasets and projects to plain names.
// eslint-disable-next-line no-control-regex
const UNQUOTABLE = /[\u0000-\u001f\u007f]/;

export function assertQuotable(name: string, what = 'identifier'): void {
  if (name === '' || name.length > 300 || UNQUOTABLE.test(name)) {
    throw new Error(
      `invalid ${what} ${JSON.stringify(name)}: use 1 to 300 characters without line breaks, tabs or other control characters`,
    );
  }
}

export function assertFiniteNumber(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return String(value);
}
