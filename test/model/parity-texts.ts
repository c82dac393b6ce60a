/** Deterministic, varied texts for comparing the ONNX encoder with the reference runtime. */

const handPicked: string[] = [
  '',
  'mentor',
  'Kubernetes',
  'hello world',
  'HELLO WORLD',
  'hElLo WoRlD',
  ' leading space',
  'trailing space ',
  'two  spaces   and    more',
  '\ttab\tseparated\nand new lines\r\n',
  'Non\u00a0breaking\u00a0spaces',
  ':) smiley first',
  ':-) another smiley',
  'ends with a smiley :(',
  '://weird start',
  'Meeting at 10:30, then 11:00 and 12:45.',
  'Call +1 (555) 123-4567 or email jane.doe@example.com',
  'https://example.com/path?query=1&x=y#frag',
  'Version 2.3.4-beta+build.5 released on 2024-05-06',
  '3.14159 2.71828 1.41421 0 -42 1e10 ½ ¾ ① ² ﬁ',
  '!!!???...,,,;;;:::',
  '"Quoted" \'single\' «guillemets» „low“ ”5” — en–dash … ellipsis',
  '<s> </s> extra_token_id_1 special-looking tokens',
  '�replacement char�',
  '😀',
  'I love mentoring 😀👍🏽🚀 so much!!!',
  '👩‍💻 engineer, 🇩🇪 flag, ❤️ heart',
  'Привет, как дела? Я ищу наставника по машинному обучению.',
  'Γειά σου Κόσμε, ψάχνω μέντορα.',
  'مرحبا بالعالم، أبحث عن مرشد في علوم البيانات',
  'שלום עולם',
  'नमस्ते दुनिया, मुझे एक गुरु चाहिए',
  '日本語のテキストです。メンターを探しています。',
  '我正在寻找一位数据科学方面的导师。',
  '한국어 텍스트입니다',
  'Ünïcödé àccénts çà et là, naïve café, Straße, Ærøskøbing',
  'Ｆｕｌｌｗｉｄｔｈ ＡＳＣＩＩ ｔｅｘｔ １２３',
  'C++ / C# / F# / .NET / Node.js / Vue.js',
  'snake_case camelCase PascalCase kebab-case SCREAMING_CASE',
  '#hashtag @mention $dollar %percent ^caret &and *star',
  'a',
  'I',
  '42',
  '.',
  ' ',
  '    ',
  'Call me at 2222 or 1111, room 333, code 9222',
  'hahaha ahahah lololol zzz aaa',
  '2000 1999 2024 2025 100000 0.001',
  'Mentoring since 2010: 120+ mentees, 4.9/5 rating!',
  'résumé review & LinkedIn profile tips',
];

const subjects = [
  'I',
  'My mentee',
  'The team',
  'A junior developer',
  'Our manager',
  'She',
  'He',
  'They',
  'The new hire',
  'A product designer',
];
const verbs = [
  'wants to learn',
  'needs help with',
  'is struggling with',
  'would like advice on',
  'is curious about',
  'has questions about',
  'plans to improve',
  'keeps postponing',
];
const topics = [
  'distributed systems design',
  'public speaking',
  'negotiating a salary',
  'Kubernetes operators',
  'career growth into management',
  'writing clean TypeScript',
  'machine learning in production',
  'UX research interviews',
  'SQL query performance',
  'giving difficult feedback',
  'time management',
  'React state management',
  'cloud cost optimisation',
  'security threat modelling',
  'data visualisation',
  'technical writing',
];
const tails = [
  '.',
  '!',
  '?',
  ' ASAP.',
  ' in Q3 2025.',
  ' for 6 months.',
  ', please help!',
  ' (urgent)',
  '...',
  ' :)',
  ' 🙏',
  '',
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function parityTexts(): string[] {
  const rand = rng(20240506);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const sentence = () => {
    let s = `${pick(subjects)} ${pick(verbs)} ${pick(topics)}${pick(tails)}`;
    const r = rand();
    if (r < 0.15) s = s.toUpperCase();
    else if (r < 0.3) s = s.toLowerCase();
    else if (r < 0.4) s = s.replace(/\b(\w)/g, (c) => c.toUpperCase());
    if (rand() < 0.2) s += ` ${Math.floor(rand() * 10000)}`;
    return s;
  };
  const texts = [...handPicked];
  for (let i = 0; i < 130; i++) {
    const n = 1 + Math.floor(rand() * 4);
    texts.push(Array.from({ length: n }, sentence).join(' '));
  }
  // 300+ words: longer than the model's 128-token window, which both runtimes clip.
  for (let i = 0; i < 12; i++) {
    const words: string[] = [];
    while (words.length < 300 + i * 20) words.push(...sentence().split(' '));
    texts.push(words.join(' '));
  }
  // Exactly around the 128-token boundary.
  for (let n = 120; n <= 136; n += 2)
    texts.push(Array.from({ length: n }, (_, i) => topics[i % topics.length]!.split(' ')[0]).join(' '));
  return texts;
}
