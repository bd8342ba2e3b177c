/**
 * The YAML 1.2 core schema for js-yaml, resolving every plain scalar exactly as the `yaml`
 * package's core schema does, so a record reads the same whichever of the two loaders
 * src/records/parse.ts picks (js-yaml's own CORE_SCHEMA also reads `0b101`, `-0x1F` and
 * `!!float 1` as numbers, and `+.5` as a string; `yaml` does not). The regular expressions and
 * the conversions are those of yaml/dist/schema/core.
 */
import { FAILSAFE_SCHEMA, Type } from 'js-yaml';

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** js-yaml hands a scalar's text, or null for an empty node. */
const text = (data: unknown) => (typeof data === 'string' ? data : '');

const nullType = new Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data) => NULL.test(text(data)),
  construct: () => null,
});

const boolType = new Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data) => BOOL.test(text(data)),
  construct: (data: string) => data[0] === 't' || data[0] === 'T',
});

const intType = new Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data) => {
    const s = text(data);
    return INT_OCT.test(s) || INT.test(s) || INT_HEX.test(s);
  },
  construct: (s: string) =>
    INT_OCT.test(s)
      ? parseInt(s.slice(2), 8)
      : INT_HEX.test(s)
        ? parseInt(s.slice(2), 16)
        : parseInt(s, 10),
});

const floatType = new Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data) => {
    const s = text(data);
    return FLOAT_NAN.test(s) || FLOAT_EXP.test(s) || FLOAT.test(s);
  },
  construct: (s: string) => {
    if (!FLOAT_NAN.test(s)) return parseFloat(s);
    if (s.slice(-3).toLowerCase() === 'nan') return NaN;
    return s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  },
});

/**
 * js-yaml's schema for records: YAML 1.2 core, as the `yaml` package resolves it. The order is
 * `yaml`'s: null, bool, int (octal, decimal, hex), float (special, exponent, plain).
 * @example
 * load('x: 0b101', { schema: YAML_CORE_SCHEMA }) // { x: '0b101' }
 */
export const YAML_CORE_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [nullType, boolType, intType, floatType],
});
