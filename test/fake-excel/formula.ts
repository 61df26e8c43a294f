/**
 * A small formula evaluator, enough for what the add-in writes (sums over source cells, quoted
 * sheet references, IF over a division) and for what Excel makes of text typed into a cell that
 * is not formatted as text ('=1+1' → 2, '@SUM(A1)' → a formula): so a test sees the value a user
 * would see. Anything it does not know evaluates to #NAME?, as in Excel.
 */
import type { RawValue, ValueType } from '../../src/engine/grid';
import { parseCellAddress } from '../../src/engine/grid';

export interface FormulaCells {
  /** The value of a cell; `sheet` null for the formula's own sheet; undefined when no such sheet. */
  cell(sheet: string | null, row: number, col: number): { value: RawValue; type: ValueType } | undefined;
}

export class FormulaSyntaxError extends Error {}

class ErrorValue {
  constructor(readonly text: string) {}
}

interface RangeValue {
  kind: 'range';
  sheet: string | null;
  r0: number;
  c0: number;
  r1: number;
  c1: number;
}

/** null: an empty cell. */
type Value = number | string | boolean | null | ErrorValue | RangeValue;

type Token =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'sheet'; v: string }
  | { t: 'word'; v: string }
  | { t: 'op'; v: string };

const OPS = ['<>', '<=', '>=', '+', '-', '*', '/', '^', '&', '=', '<', '>', '(', ')', ',', ':', '%', '@'];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new FormulaSyntaxError('unterminated string');
        if (src[i] === '"') {
          if (src[i + 1] === '"') {
            s += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i++];
      }
      out.push({ t: 'str', v: s });
      continue;
    }
    if (ch === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new FormulaSyntaxError('unterminated sheet name');
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i++];
      }
      if (src[i] !== '!') throw new FormulaSyntaxError('quoted name without !');
      i++;
      out.push({ t: 'sheet', v: s });
      continue;
    }
    const num = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(src.slice(i));
    if (num && !/^[A-Za-z$]/.test(src.slice(i + num[0].length, i + num[0].length + 1))) {
      out.push({ t: 'num', v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) {
      out.push({ t: 'op', v: op });
      i += op.length;
      continue;
    }
    let word = '';
    while (i < src.length && !/[\s"'+\-*/^&=<>(),:%@!]/.test(src[i])) word += src[i++];
    if (word === '') throw new FormulaSyntaxError(`unexpected ${JSON.stringify(ch)}`);
    if (src[i] === '!') {
      i++;
      out.push({ t: 'sheet', v: word });
    } else out.push({ t: 'word', v: word });
  }
  return out;
}

const isError = (v: Value): v is ErrorValue => v instanceof ErrorValue;
const isRange = (v: Value): v is RangeValue => typeof v === 'object' && v !== null && !(v instanceof ErrorValue);

class Evaluator {
  private pos = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly cells: FormulaCells,
  ) {}

  run(): Value {
    const v = this.comparison();
    if (this.pos !== this.tokens.length) throw new FormulaSyntaxError('unexpected token');
    return v;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isOp(v: string): boolean {
    const t = this.peek();
    return t !== undefined && t.t === 'op' && t.v === v;
  }

  private expectOp(v: string): void {
    if (!this.isOp(v)) throw new FormulaSyntaxError(`expected ${v}`);
    this.pos++;
  }

  private comparison(): Value {
    let left = this.concat();
    for (;;) {
      const t = this.peek();
      if (!t || t.t !== 'op' || !['=', '<>', '<', '>', '<=', '>='].includes(t.v)) return left;
      this.pos++;
      const right = this.concat();
      left = compare(this.scalar(left), this.scalar(right), t.v);
    }
  }

  private concat(): Value {
    let left = this.additive();
    while (this.isOp('&')) {
      this.pos++;
      const right = this.additive();
      const a = this.scalar(left);
      const b = this.scalar(right);
      left = isError(a) ? a : isError(b) ? b : text(a) + text(b);
    }
    return left;
  }

  private additive(): Value {
    let left = this.multiplicative();
    for (;;) {
      const t = this.peek();
      if (!t || t.t !== 'op' || (t.v !== '+' && t.v !== '-')) return left;
      this.pos++;
      const right = this.multiplicative();
      left = arith(this.scalar(left), this.scalar(right), (a, b) => (t.v === '+' ? a + b : a - b));
    }
  }

  private multiplicative(): Value {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (!t || t.t !== 'op' || (t.v !== '*' && t.v !== '/')) return left;
      this.pos++;
      const right = this.unary();
      left = arith(this.scalar(left), this.scalar(right), (a, b) => (t.v === '*' ? a * b : b === 0 ? new ErrorValue('#DIV/0!') : a / b));
    }
  }

  private unary(): Value {
    if (this.isOp('-')) {
      this.pos++;
      return arith(0, this.scalar(this.unary()), (_a, b) => -b);
    }
    if (this.isOp('+') || this.isOp('@')) {
      this.pos++;
      return this.unary();
    }
    return this.power();
  }

  private power(): Value {
    let left = this.postfix();
    while (this.isOp('^')) {
      this.pos++;
      const right = this.postfix();
      left = arith(this.scalar(left), this.scalar(right), (a, b) => a ** b);
    }
    return left;
  }

  private postfix(): Value {
    let v = this.primary();
    while (this.isOp('%')) {
      this.pos++;
      v = arith(this.scalar(v), 100, (a, b) => a / b);
    }
    return v;
  }

  private primary(): Value {
    const t = this.peek();
    if (!t) throw new FormulaSyntaxError('unexpected end');
    this.pos++;
    if (t.t === 'num') return t.v;
    if (t.t === 'str') return t.v;
    if (t.t === 'op') {
      if (t.v !== '(') throw new FormulaSyntaxError(`unexpected ${t.v}`);
      const v = this.comparison();
      this.expectOp(')');
      return v;
    }
    if (t.t === 'sheet') {
      const ref = this.peek();
      if (!ref || ref.t !== 'word') throw new FormulaSyntaxError('sheet without reference');
      this.pos++;
      return this.reference(t.v, ref.v);
    }
    const upper = t.v.toUpperCase();
    if (this.isOp('(')) {
      this.pos++;
      const args: Value[] = [];
      if (!this.isOp(')')) {
        for (;;) {
          args.push(this.comparison());
          if (this.isOp(',')) {
            this.pos++;
            continue;
          }
          break;
        }
      }
      this.expectOp(')');
      return this.call(upper, args);
    }
    if (upper === 'TRUE') return true;
    if (upper === 'FALSE') return false;
    return this.reference(null, t.v);
  }

  private reference(sheet: string | null, first: string): Value {
    const a = parseCellAddress(first);
    if (!a) return new ErrorValue('#NAME?');
    let b = a;
    if (this.isOp(':')) {
      this.pos++;
      const next = this.peek();
      if (!next || next.t !== 'word') throw new FormulaSyntaxError('bad range');
      this.pos++;
      const parsed = parseCellAddress(next.v);
      if (!parsed) throw new FormulaSyntaxError('bad range');
      b = parsed;
    }
    return { kind: 'range', sheet, r0: Math.min(a.row, b.row), c0: Math.min(a.col, b.col), r1: Math.max(a.row, b.row), c1: Math.max(a.col, b.col) };
  }

  private cellValue(sheet: string | null, row: number, col: number): Value {
    const c = this.cells.cell(sheet, row, col);
    if (!c) return new ErrorValue('#REF!');
    if (c.type === 'Error') return new ErrorValue(String(c.value));
    if (c.type === 'Empty' || c.value === '') return null;
    return c.value;
  }

  private scalar(v: Value): Exclude<Value, RangeValue> {
    if (!isRange(v)) return v;
    if (v.r0 !== v.r1 || v.c0 !== v.c1) return new ErrorValue('#VALUE!');
    return this.cellValue(v.sheet, v.r0, v.c0) as Exclude<Value, RangeValue>;
  }

  private call(name: string, args: Value[]): Value {
    switch (name) {
      case 'SUM': {
        let sum = 0;
        for (const arg of args) {
          if (isRange(arg)) {
            for (let r = arg.r0; r <= arg.r1; r++) {
              for (let c = arg.c0; c <= arg.c1; c++) {
                const v = this.cellValue(arg.sheet, r, c);
                if (isError(v)) return v;
                if (typeof v === 'number') sum += v;
              }
            }
          } else {
            const n = toNumber(arg);
            if (isError(n)) return n;
            sum += n;
          }
        }
        return sum;
      }
      case 'IF': {
        if (args.length < 2 || args.length > 3) throw new FormulaSyntaxError('IF takes 2 or 3 arguments');
        const cond = this.scalar(args[0]);
        if (isError(cond)) return cond;
        let truth: boolean;
        if (typeof cond === 'string') {
          if (/^true$/i.test(cond)) truth = true;
          else if (/^false$/i.test(cond)) truth = false;
          else return new ErrorValue('#VALUE!');
        } else truth = Boolean(cond);
        const chosen = truth ? args[1] : (args[2] ?? false);
        return isRange(chosen) ? this.scalar(chosen) : chosen;
      }
      default:
        return new ErrorValue('#NAME?');
    }
  }
}

function text(v: Exclude<Value, RangeValue | ErrorValue>): string {
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return String(v);
}

function toNumber(v: Exclude<Value, RangeValue>): number | ErrorValue {
  if (isError(v)) return v;
  if (v === null) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  const t = v.trim();
  if (t !== '' && Number.isFinite(Number(t))) return Number(t);
  return new ErrorValue('#VALUE!');
}

function arith(a: Exclude<Value, RangeValue>, b: Exclude<Value, RangeValue>, f: (x: number, y: number) => number | ErrorValue): Value {
  const x = toNumber(a);
  if (isError(x)) return x;
  const y = toNumber(b);
  if (isError(y)) return y;
  const r = f(x, y);
  if (isError(r)) return r;
  return Number.isFinite(r) ? r : new ErrorValue('#NUM!');
}

function compare(a: Exclude<Value, RangeValue>, b: Exclude<Value, RangeValue>, op: string): Value {
  if (isError(a)) return a;
  if (isError(b)) return b;
  // Excel orders numbers < text < booleans; an empty cell compares as 0 or "".
  const rank = (v: Exclude<Value, RangeValue | ErrorValue>): number => (typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : typeof v === 'boolean' ? 2 : -1);
  let x: Exclude<Value, RangeValue | ErrorValue> = a;
  let y: Exclude<Value, RangeValue | ErrorValue> = b;
  if (x === null) x = typeof y === 'string' ? '' : typeof y === 'boolean' ? false : 0;
  if (y === null) y = typeof x === 'string' ? '' : typeof x === 'boolean' ? false : 0;
  let cmp: number;
  if (rank(x) !== rank(y)) cmp = rank(x) - rank(y);
  else if (typeof x === 'string' && typeof y === 'string') cmp = x.toLowerCase() < y.toLowerCase() ? -1 : x.toLowerCase() > y.toLowerCase() ? 1 : 0;
  else cmp = Number(x) - Number(y);
  switch (op) {
    case '=':
      return cmp === 0;
    case '<>':
      return cmp !== 0;
    case '<':
      return cmp < 0;
    case '>':
      return cmp > 0;
    case '<=':
      return cmp <= 0;
    default:
      return cmp >= 0;
  }
}

/** Throws FormulaSyntaxError when `formula` (with its '=') does not parse. */
export function checkFormula(formula: string): void {
  tokenize(formula.replace(/^=/, ''));
}

/** Evaluates a formula ('=…') as Excel would present its result. */
export function evaluateFormula(formula: string, cells: FormulaCells): { value: RawValue; type: ValueType } {
  const v = new Evaluator(tokenize(formula.replace(/^=/, '')), cells).run();
  const scalar: Value = isRange(v) ? (v.r0 === v.r1 && v.c0 === v.c1 ? (cells.cell(v.sheet, v.r0, v.c0)?.value ?? 0) : new ErrorValue('#VALUE!')) : v;
  if (scalar instanceof ErrorValue) return { value: scalar.text, type: 'Error' };
  if (scalar === null || scalar === '') return scalar === null ? { value: 0, type: 'Double' } : { value: '', type: 'String' };
  if (typeof scalar === 'number') return Number.isFinite(scalar) ? { value: scalar, type: 'Double' } : { value: '#NUM!', type: 'Error' };
  if (typeof scalar === 'boolean') return { value: scalar, type: 'Boolean' };
  if (typeof scalar === 'string') return { value: scalar, type: 'String' };
  return { value: '#VALUE!', type: 'Error' };
}

/** Parses and evaluates, or says why the formula is not one Excel would accept. */
export function tryEvaluate(formula: string, cells: FormulaCells): { value: RawValue; type: ValueType } | FormulaSyntaxError {
  try {
    return evaluateFormula(formula, cells);
  } catch (e) {
    if (e instanceof FormulaSyntaxError) return e;
    throw e;
  }
}
