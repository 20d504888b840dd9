// Datetime columns: the formats a table may write its dates in, parsed to milliseconds since the
// epoch (UTC) and written back in the same form. A format is a pattern of tokens (YYYY MM DD HH mm
// ss SSS MMM); everything else in it is literal. Times carry no zone: they are read and written as UTC.

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The formats inference tries, in this order; the first that reads every value of a column wins. */
export const DATETIME_FORMATS = [
  'YYYY-MM-DD',
  'YYYY-MM-DD HH:mm',
  'YYYY-MM-DD HH:mm:ss',
  'YYYY-MM-DDTHH:mm',
  'YYYY-MM-DDTHH:mm:ss',
  'YYYY-MM-DDTHH:mm:ssZ',
  'YYYY-MM-DDTHH:mm:ss.SSS',
  'YYYY-MM-DDTHH:mm:ss.SSSZ',
  'YYYY/MM/DD',
  'YYYY/MM/DD HH:mm',
  'YYYY/MM/DD HH:mm:ss',
  'MM/DD/YYYY',
  'DD/MM/YYYY',
  'MMM DD YYYY',
  'DD MMM YYYY',
] as const;

type Token = 'YYYY' | 'MMM' | 'SSS' | 'MM' | 'DD' | 'HH' | 'mm' | 'ss';
const TOKENS: Token[] = ['YYYY', 'MMM', 'SSS', 'MM', 'DD', 'HH', 'mm', 'ss'];
const TOKEN_REGEX: Record<Token, string> = {
  YYYY: '(\\d{4})',
  MMM: '([A-Za-z]{3})',
  SSS: '(\\d{3})',
  MM: '(\\d{2})',
  DD: '(\\d{2})',
  HH: '(\\d{2})',
  mm: '(\\d{2})',
  ss: '(\\d{2})',
};
/** The smallest unit each token writes, in ms: decoded values are rounded to the format's finest. */
const TOKEN_UNIT: Record<Token, number> = { YYYY: 0, MMM: 0, MM: 0, DD: 86_400_000, HH: 3_600_000, mm: 60_000, ss: 1000, SSS: 1 };

type Part = { token: Token } | { literal: string };

export interface DatetimeFormat {
  pattern: string;
  /** ms since the epoch, or undefined when the text is not a valid date in this format. */
  parse(text: string): number | undefined;
  format(ms: number): string;
  /** The format's resolution in ms (a day for dates), so generated values can be rounded to it. */
  unit: number;
}

function tokenize(pattern: string): Part[] {
  const parts: Part[] = [];
  let i = 0;
  while (i < pattern.length) {
    const token = TOKENS.find((t) => pattern.startsWith(t, i));
    if (token) {
      parts.push({ token });
      i += token.length;
    } else {
      const last = parts[parts.length - 1];
      if (last && 'literal' in last) last.literal += pattern[i];
      else parts.push({ literal: pattern[i]! });
      i++;
    }
  }
  return parts;
}

const pad = (v: number, width: number) => String(v).padStart(width, '0');

const cache = new Map<string, DatetimeFormat>();
const MEMO_LIMIT = 100_000;

/** The format for a pattern such as "YYYY-MM-DD"; throws when it has no year, month and day. */
export function datetimeFormat(pattern: string): DatetimeFormat {
  const known = cache.get(pattern);
  if (known) return known;
  const parts = tokenize(pattern);
  const tokens = parts.flatMap((p) => ('token' in p ? [p.token] : []));
  const has = (t: Token) => tokens.includes(t);
  if (!has('YYYY') || !(has('MM') || has('MMM')) || !has('DD')) {
    throw new Error(`datetime format "${pattern}" must have a year (YYYY), a month (MM or MMM) and a day (DD)`);
  }
  const regex = new RegExp(
    '^' + parts.map((p) => ('token' in p ? TOKEN_REGEX[p.token] : p.literal.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('') + '$',
  );
  const unit = Math.min(...tokens.map((t) => TOKEN_UNIT[t]).filter((u) => u > 0));
  const memo = new Map<string, number | undefined>();
  const parseText = (text: string): number | undefined => {
    const m = regex.exec(text.trim());
    if (!m) return undefined;
    const f: Partial<Record<Token, number>> = {};
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const s = m[i + 1]!;
      if (t === 'MMM') {
        const month = MONTHS.findIndex((name) => name.toLowerCase() === s.toLowerCase());
        if (month < 0) return undefined;
        f.MM = month + 1;
      } else f[t] = Number(s);
    }
    const [y, mo, d, h, mi, sec, ms] = [f.YYYY!, f.MM!, f.DD!, f.HH ?? 0, f.mm ?? 0, f.ss ?? 0, f.SSS ?? 0];
    const time = Date.UTC(y, mo - 1, d, h, mi, sec, ms);
    const back = new Date(time);
    // Date.UTC rolls over (Feb 30 -> Mar 2, hour 25): a value is valid only if it reads back the same.
    const valid =
      back.getUTCFullYear() === y &&
      back.getUTCMonth() === mo - 1 &&
      back.getUTCDate() === d &&
      back.getUTCHours() === h &&
      back.getUTCMinutes() === mi &&
      back.getUTCSeconds() === sec;
    return valid ? time : undefined;
  };
  const made: DatetimeFormat = {
    pattern,
    unit,
    parse(text) {
      // Columns repeat their dates: remember what each text parsed to (up to a bound).
      const known = memo.get(text);
      if (known !== undefined || memo.has(text)) return known;
      const time = parseText(text);
      if (memo.size < MEMO_LIMIT) memo.set(text, time);
      return time;
    },
    format(msTime) {
      const t = new Date(msTime);
      const values: Record<Token, string> = {
        YYYY: pad(t.getUTCFullYear(), 4),
        MMM: MONTHS[t.getUTCMonth()]!,
        MM: pad(t.getUTCMonth() + 1, 2),
        DD: pad(t.getUTCDate(), 2),
        HH: pad(t.getUTCHours(), 2),
        mm: pad(t.getUTCMinutes(), 2),
        ss: pad(t.getUTCSeconds(), 2),
        SSS: pad(t.getUTCMilliseconds(), 3),
      };
      return parts.map((p) => ('token' in p ? values[p.token] : p.literal)).join('');
    },
  };
  cache.set(pattern, made);
  return made;
}

/** The first known format that reads every one of `texts`, if any. */
export function inferDatetimeFormat(texts: readonly string[]): DatetimeFormat | undefined {
  if (texts.length === 0) return undefined;
  for (const pattern of DATETIME_FORMATS) {
    const f = datetimeFormat(pattern);
    if (texts.every((t) => f.parse(t) !== undefined)) return f;
  }
  return undefined;
}
