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
  /** For ambiguous single words: the exact spellings that count, with how many listings use each. */
  exact?: Map<string, number>;
}

// The synonyms table's phrases and spellings count as listed infinitely often: removing mentors never drops them.
const PERMANENT = Number.POSITIVE_INFINITY;

function phraseTokens(phrase: string): Token[] {
  return tokenize(phrase);
}

function phraseKey(tokens: readonly Token[]): string {
  return tokens.map((t) => t.term).join(' ');
}

function isAmbiguous(tokens: readonly Token[]): boolean {
  const first = tokens[0]!;
  return (
    tokens.length === 1 && (first.surface.length === 1 || AMBIGUOUS.has(first.term) || STOP_WORDS.has(first.surface))
  );
}

function increment<K>(counts: Map<K, number>, key: K, by: number): number {
  const next = (counts.get(key) ?? 0) + by;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
  return next;
}

/**
 * Skills known from the mentors' own skill lists plus a synonyms table, found in free text with offsets.
 * It follows writes mentor by mentor (`add`, `remove`): rebuilding it from every mentor took about a second
 * at 100k mentors, which the first question after each write used to wait for. What it holds depends only on
 * the multiset of listed skills, so any order of writes gives what `fromMentors` gives for the same mentors.
 */
export class SkillsVocabulary {
  private readonly root: TrieNode = { next: new Map() };
  private readonly aliasToKey = new Map<string, string>();
  private readonly displayByKey = new Map<string, string>();
  /** Keys whose display name the synonyms table fixes. */
  private readonly tableKeys = new Set<string>();
  /** How many listings reach each phrase (by its own key); PERMANENT for the table's. */
  private readonly phraseCounts = new Map<string, number>();
  /** Per key of a mentor-only skill, how many listings use each spelling: the most common is displayed. */
  private readonly spellings = new Map<string, Map<string, number>>();
  /** Mentors' skill strings repeat across every query; a phrase's key never changes, so entries stay valid. */
  private readonly keyCache = new Map<string, string>();
  /** The same strings repeat across mentors too: each is tokenised once. */
  private readonly phraseCache = new Map<string, { tokens: Token[]; own: string } | null>();

  constructor(synonyms: Readonly<Record<string, readonly string[]>> = DEFAULT_SYNONYMS) {
    for (const [canonical, aliases] of Object.entries(synonyms)) {
      const key = this.addTablePhrase(canonical, null);
      if (key === null) continue;
      this.displayByKey.set(key, canonical);
      this.tableKeys.add(key);
      for (const alias of aliases) this.addTablePhrase(alias, key);
    }
  }

  /** `skillLists` are mentors' `skills` arrays; the most common spelling of a skill becomes its display name. */
  static fromMentors(
    skillLists: Iterable<readonly string[]>,
    synonyms: Readonly<Record<string, readonly string[]>> = DEFAULT_SYNONYMS,
  ): SkillsVocabulary {
    const vocabulary = new SkillsVocabulary(synonyms);
    for (const skills of skillLists) vocabulary.add(skills);
    return vocabulary;
  }

  get size(): number {
    return this.displayByKey.size;
  }

  /** Counts one mentor's skill list in. */
  add(skills: readonly string[]): void {
    for (const skill of skills) this.count(skill.trim(), 1);
  }

  /** Counts one mentor's skill list out, as it was added; skills no other mentor lists are forgotten. */
  remove(skills: readonly string[]): void {
    for (const skill of skills) this.count(skill.trim(), -1);
  }

  /** Adds a phrase of the synonyms table; `canonicalKey` null makes the phrase its own canonical (unless already an alias). */
  private addTablePhrase(phrase: string, canonicalKey: string | null): string | null {
    const tokens = phraseTokens(phrase);
    if (tokens.length === 0 || tokens.length > MAX_PHRASE_TOKENS) return null;
    const own = phraseKey(tokens);
    if (!this.aliasToKey.has(own)) this.aliasToKey.set(own, canonicalKey ?? own);
    this.phraseCounts.set(own, PERMANENT);
    const node = this.path(tokens);
    node.key ??= this.aliasToKey.get(own)!;
    if (isAmbiguous(tokens)) {
      node.exact ??= new Map();
      node.exact.set(phrase, PERMANENT);
    }
    return node.key;
  }

  private count(skill: string, by: 1 | -1): void {
    let phrase = this.phraseCache.get(skill);
    if (phrase === undefined) {
      const tokens = phraseTokens(skill);
      phrase = tokens.length === 0 || tokens.length > MAX_PHRASE_TOKENS ? null : { tokens, own: phraseKey(tokens) };
      if (this.phraseCache.size >= 100_000) this.phraseCache.clear();
      this.phraseCache.set(skill, phrase);
    }
    if (phrase === null) return;
    const { tokens, own } = phrase;
    if (by < 0 && !this.phraseCounts.has(own)) return;
    if (!this.aliasToKey.has(own)) this.aliasToKey.set(own, own);
    const key = this.aliasToKey.get(own)!;
    const path = this.pathNodes(tokens);
    const node = path[path.length - 1]!;
    node.key ??= key;
    if (isAmbiguous(tokens)) {
      node.exact ??= new Map();
      if (increment(node.exact, skill, by) === 0 && node.exact.size === 0) delete node.exact;
    }
    if (!this.tableKeys.has(key)) {
      const counts = this.spellings.get(key) ?? new Map<string, number>();
      increment(counts, skill, by);
      if (counts.size === 0) {
        this.spellings.delete(key);
        this.displayByKey.delete(key);
      } else {
        this.spellings.set(key, counts);
        // Most frequent spelling, then alphabetical, so the display name does not depend on write order.
        let best: [string, number] | null = null;
        for (const entry of counts)
          if (!best || entry[1] > best[1] || (entry[1] === best[1] && entry[0] < best[0])) best = entry;
        this.displayByKey.set(key, best![0]);
      }
    }
    if (increment(this.phraseCounts, own, by) === 0) {
      this.aliasToKey.delete(own);
      delete node.key;
      delete node.exact;
      this.prune(tokens, path);
    }
  }

  private path(tokens: readonly Token[]): TrieNode {
    return this.pathNodes(tokens).at(-1)!;
  }

  /** The root and the node of each token of the phrase, created where missing. */
  private pathNodes(tokens: readonly Token[]): TrieNode[] {
    const nodes = [this.root];
    for (const t of tokens) {
      const node = nodes[nodes.length - 1]!;
      let child = node.next.get(t.term);
      if (!child) {
        child = { next: new Map() };
        node.next.set(t.term, child);
      }
      nodes.push(child);
    }
    return nodes;
  }

  /** Drops the nodes of a forgotten phrase that lead to no other phrase. */
  private prune(tokens: readonly Token[], path: readonly TrieNode[]): void {
    for (let i = tokens.length; i > 0; i--) {
      const node = path[i]!;
      if (node.key !== undefined || node.next.size > 0) return;
      path[i - 1]!.next.delete(tokens[i - 1]!.term);
    }
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
