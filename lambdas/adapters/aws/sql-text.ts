// Splits PostgreSQL text into code and the parts placeholders never live in: string literals (with
// E'' backslash escapes), quoted identifiers, -- and nested /* */ comments, and dollar-quoted bodies.
// The Data API adapter rewrites $n to :pn in the code parts; the Data API double rewrites :name back.
export interface SqlPart {
  /** True for SQL code; false for a literal, quoted identifier, comment or dollar-quoted body. */
  code: boolean;
  text: string;
}

export function splitSqlText(sql: string): SqlPart[] {
  const parts: SqlPart[] = [];
  let code = '';
  const other = (text: string) => {
    if (code) parts.push({ code: true, text: code });
    code = '';
    parts.push({ code: false, text });
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1] ?? '';
    const prev = sql[i - 1] ?? '';
    let end = -1;
    if (c === "'" || c === '"') {
      const escapes = c === "'" && /[eE]/.test(prev) && !/[A-Za-z0-9_]/.test(sql[i - 2] ?? '');
      end = closingQuote(sql, i, c, escapes);
    } else if (c === '-' && next === '-') {
      end = indexOrEnd(sql, '\n', i);
    } else if (c === '/' && next === '*') {
      end = blockCommentEnd(sql, i);
    } else if (c === '$' && !/[A-Za-z0-9_$]/.test(prev)) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))?.[0];
      if (tag) end = indexOrEnd(sql, tag, i + tag.length) + tag.length;
    }
    if (end === -1) {
      code += c;
      i += 1;
    } else {
      other(sql.slice(i, end));
      i = end;
    }
  }
  if (code) parts.push({ code: true, text: code });
  return parts;
}

/** Applies fn to the code parts only. */
export const mapSqlCode = (sql: string, fn: (code: string) => string): string =>
  splitSqlText(sql)
    .map((p) => (p.code ? fn(p.text) : p.text))
    .join('');

function closingQuote(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    if (backslashEscapes && sql[i] === '\\') i += 2;
    else if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2; // a doubled quote is a quote
      else return i + 1;
    } else i += 1;
  }
  return sql.length;
}

/** Block comments nest in PostgreSQL. */
function blockCommentEnd(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql.startsWith('/*', i)) {
      depth += 1;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else i += 1;
  }
  return sql.length;
}

function indexOrEnd(sql: string, needle: string, from: number): number {
  const at = sql.indexOf(needle, from);
  return at === -1 ? sql.length : at;
}
