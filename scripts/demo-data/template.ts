import { intBetween, pick, type Rng } from './prng.js';

/**
 * Fragment templates are plain strings so the data tables stay readable:
 *   {#3-40}      a whole number in that range
 *   {a|b|c}      one of the literal alternatives
 *   {name}       a value from the render context (pronouns, verb endings, role ...)
 * Templates are compiled once and cached; rendering a million bios must stay cheap.
 */
type Part = string | { num: [number, number] } | { alt: string[] } | { key: string };

const cache = new Map<string, Part[]>();
const TOKEN = /\{([^{}]+)\}/g;

function compile(template: string): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const m of template.matchAll(TOKEN)) {
    const body = m[1] as string;
    if (m.index > last) parts.push(template.slice(last, m.index));
    const num = /^#(\d+)-(\d+)$/.exec(body);
    if (num) parts.push({ num: [Number(num[1]), Number(num[2])] });
    else if (body.includes('|')) parts.push({ alt: body.split('|') });
    else parts.push({ key: body });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  return parts;
}

export type TemplateContext = Readonly<Record<string, string>>;

/** `extra` holds per-sentence slots; looked up before `ctx` so the context need not be copied. */
export function render(template: string, rng: Rng, ctx: TemplateContext, extra?: TemplateContext): string {
  let parts = cache.get(template);
  if (!parts) {
    parts = compile(template);
    cache.set(template, parts);
  }
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') out += part;
    else if ('num' in part) out += String(intBetween(rng, part.num[0], part.num[1]));
    else if ('alt' in part) out += pick(rng, part.alt);
    else {
      const value = extra?.[part.key] ?? ctx[part.key];
      if (value === undefined) throw new Error(`template "${template}" uses unknown slot {${part.key}}`);
      out += value;
    }
  }
  return out;
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "a UX researcher", "an SRE", "an ICU nurse": by sound, which the first letter alone gets wrong. */
const articleCache = new Map<string, string>();
export function withArticle(phrase: string): string {
  let result = articleCache.get(phrase);
  if (result === undefined) {
    result = `${articleFor(phrase)} ${phrase}`;
    articleCache.set(phrase, result);
  }
  return result;
}

function articleFor(phrase: string): 'a' | 'an' {
  const first = phrase.split(/[\s-]/)[0] ?? '';
  const acronym = /^[A-Z0-9]{2,}$/.test(first);
  let an: boolean;
  if (acronym) an = /^[AEFHILMNORSX8]/.test(first);
  else if (/^(uni|use|usa|ux|eu|one)/i.test(first)) an = false;
  else if (/^(hour|honest|heir)/i.test(first)) an = true;
  else an = /^[aeiou]/i.test(first);
  return an ? 'an' : 'a';
}

export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const space = c === 32 || c === 10 || c === 9 || c === 13;
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}
