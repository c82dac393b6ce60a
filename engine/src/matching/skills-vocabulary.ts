import { STOP_WORDS, tokenize, type Token } from './text-analysis.js';

/** A skill found in a text: `skill` is the canonical display name, `key` its matching key. */
export interface SkillMatch {
  skill: string;
  key: string;
  start: number;
  end: number;
}

/** Canonical skill name → aliases; plurals and -ing forms are covered by stemming, not listed here. */
export const DEFAULT_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  'Machine Learning': ['ML'],
  'Artificial Intelligence': ['AI'],
  Kubernetes: ['K8s', 'k8'],
  'Product Management': ['PM', 'product manager'],
  'Project Management': ['project manager'],
  JavaScript: ['JS', 'java script'],
  TypeScript: ['TS'],
  'Human Resources': ['HR', 'people operations', 'people ops'],
  Compensation: ['comp', 'salary', 'salaries', 'pay equity'],
  Negotiation: ['negotiate', 'negotiating'],
  'Site Reliability Engineering': ['SRE'],
  'Natural Language Processing': ['NLP'],
  'User Experience': ['UX'],
  'Search Engine Optimization': ['SEO', 'search engine optimisation'],
  'Continuous Integration': ['CI/CD', 'CI'],
  'Data Science': ['data scientist'],
  GDPR: ['General Data Protection Regulation'],
  IVF: ['in vitro fertilization', 'in vitro fertilisation'],
  'Diversity and Inclusion': ['DEI', 'DE&I', 'diversity & inclusion', 'diversity, equity and inclusion'],
  'Amazon Web Services': ['AWS'],
  'Google Cloud Platform': ['GCP'],
  Go: ['Golang'],
  PostgreSQL: ['Postgres'],
  'Front-end Development': ['frontend', 'front end', 'front-end'],
  'Back-end Development': ['backend', 'back end', 'back-end'],
  'Career Change': ['career switch', 'career pivot', 'changing careers'],
  'Parental Leave': ['maternity leave', 'paternity leave'],
  'Public Speaking': ['speaking in public', 'presentation skills'],
  'Venture Capital': ['VC'],
  'Objectives and Key Results': ['OKR'],
};

// Everyday words that are also skill names only count when written as the skill is ("Go", "R", "Rust").
const AMBIGUOUS = new Set(['go', 'r', 'c', 'd', 'it', 'art', 'rest', 'rust', 'swift', 'spring', 'pay']);
// Between the words of a phrase: "front-end", "CI/CD", "node.js", "R&D".
const PHRASE_GAP = /^[\s\-/.&]{1,3}$/;
const MAX_PHRASE_TOKENS = 8;

interface TrieNode {
  next: Map<string, TrieNode>;
  key?: string;
  /** For ambiguous single words: the exact spellings that count. */
  exact?: Set<string>;
}

function phraseTokens(phrase: string): Token[] {
  return tokenize(phrase);
}

function phraseKey(tokens: readonly Token[]): string {
  return tokens.map((t) => t.term).join(' ');
}

/** Skills known from the mentors' own skill lists plus a synonyms table, found in free text with offsets. */
export class SkillsVocabulary {
  private readonly root: TrieNode = { next: new Map() };
  private readonly aliasToKey = new Map<string, string>();
  private readonly displayByKey = new Map<string, string>();
  /** Mentors' skill strings repeat across every query. */
  private readonly keyCache = new Map<string, string>();

  private constructor() {}

  /** `skillLists` are mentors' `skills` arrays; the most common spelling of a skill becomes its display name. */
  static fromMentors(skillLists: Iterable<readonly string[]>, synonyms: Readonly<Record<string, readonly string[]>> = DEFAULT_SYNONYMS): SkillsVocabulary {
    const vocabulary = new SkillsVocabulary();
    for (const [canonical, aliases] of Object.entries(synonyms)) {
      const key = vocabulary.addPhrase(canonical, null);
      if (key === null) continue;
      vocabulary.displayByKey.set(key, canonical);
      for (const alias of aliases) vocabulary.addPhrase(alias, key);
    }
    const spellings = new Map<string, Map<string, number>>();
    for (const skills of skillLists) {
      for (const skill of skills) {
        const key = vocabulary.addPhrase(skill.trim(), null);
        if (key === null || vocabulary.displayByKey.has(key)) continue;
        const counts = spellings.get(key) ?? new Map<string, number>();
        counts.set(skill.trim(), (counts.get(skill.trim()) ?? 0) + 1);
        spellings.set(key, counts);
      }
    }
    for (const [key, counts] of spellings) {
      // Most frequent spelling, then alphabetical, so the display name does not depend on import order.
      const best = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))[0]!;
      vocabulary.displayByKey.set(key, best[0]);
    }
    return vocabulary;
  }

  get size(): number {
    return this.displayByKey.size;
  }

  /** Adds a phrase to the trie; `canonicalKey` null makes the phrase its own canonical (unless already an alias). */
  private addPhrase(phrase: string, canonicalKey: string | null): string | null {
    const tokens = phraseTokens(phrase);
    if (tokens.length === 0 || tokens.length > MAX_PHRASE_TOKENS) return null;
    const own = phraseKey(tokens);
    const key = canonicalKey ?? this.aliasToKey.get(own) ?? own;
    if (!this.aliasToKey.has(own)) this.aliasToKey.set(own, key);
    let node = this.root;
    for (const t of tokens) {
      let child = node.next.get(t.term);
      if (!child) {
        child = { next: new Map() };
        node.next.set(t.term, child);
      }
      node = child;
    }
    node.key ??= this.aliasToKey.get(own)!;
    const first = tokens[0]!;
    if (tokens.length === 1 && (first.surface.length === 1 || AMBIGUOUS.has(first.term) || STOP_WORDS.has(first.surface))) {
      node.exact ??= new Set();
      node.exact.add(phrase.trim());
    }
    return node.key;
  }

  /** The canonical key of any skill phrase; unknown phrases are their own key. */
  keyOf(skill: string): string {
    let key = this.keyCache.get(skill);
    if (key === undefined) {
      const own = phraseKey(phraseTokens(skill));
      key = this.aliasToKey.get(own) ?? own;
      if (this.keyCache.size >= 100_000) this.keyCache.clear();
      this.keyCache.set(skill, key);
    }
    return key;
  }

  display(key: string): string {
    return this.displayByKey.get(key) ?? key;
  }

  /** Longest known skill phrases in `text`, left to right, not overlapping. */
  findSkills(text: string): SkillMatch[] {
    const tokens = tokenize(text);
    const found: SkillMatch[] = [];
    for (let i = 0; i < tokens.length; ) {
      let node: TrieNode | undefined = this.root;
      let best: { key: string; endToken: number } | null = null;
      for (let j = i; j < tokens.length && j - i < MAX_PHRASE_TOKENS; j++) {
        if (j > i && !PHRASE_GAP.test(text.slice(tokens[j - 1]!.end, tokens[j]!.start))) break;
        node = node.next.get(tokens[j]!.term);
        if (!node) break;
        if (node.key === undefined) continue;
        if (node.exact && !node.exact.has(text.slice(tokens[i]!.start, tokens[j]!.end))) continue;
        best = { key: node.key, endToken: j };
      }
      if (best) {
        const start = tokens[i]!.start;
        const end = tokens[best.endToken]!.end;
        found.push({ skill: this.display(best.key), key: best.key, start, end });
        i = best.endToken + 1;
      } else i++;
    }
    return found;
  }
}
