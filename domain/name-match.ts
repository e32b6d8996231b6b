// Person-name matching for Spanish and Portuguese names: does the name an applicant typed match the
// registry's name for their national ID, and are two registry records probably the same person?
// Pure, no I/O, and allocation-light: deduplication runs it over whole candidate sets.
//
// The score is a "weakest link" over tokens. Both names are normalized to tokens (accents, case,
// punctuation and particles gone); the shorter name's tokens are paired one-to-one with the longer
// name's so as to maximize the score (order never matters, since registries write "Silva, Maria" as
// often as "Maria Silva"); each pair is scored by edit distance (see tokenSimilarity); then
//
//   score = 0.8 × (worst pair) + 0.2 × (mean pair) − 0.05 × (tokens of the longer name left unpaired)
//
// capped at 0.5 when the shorter name holds under half the longer's tokens, or a single token
// against several. The worst pair dominates so that sharing surnames can never outvote a different
// first name: siblings share every surname, and that must not add up to a match however many
// surnames there are.

/** Connecting particles of Spanish and Portuguese names, dropped before comparing. */
export const NAME_PARTICLES: ReadonlySet<string> = new Set(['de', 'da', 'do', 'das', 'dos', 'del', 'la', 'las', 'los', 'y', 'e', 'di']);

/**
 * Names scoring at or above this are the same name. Chosen from the score's structure, with the
 * scores of each class (examples asserted in test/name-match.test.ts):
 *
 * - 1.00  the same tokens in any order, with or without accents and particles
 *         ("Silva, Maria José" / "Maria José da Silva")
 * - 0.95  one name missing one token of the other ("Ana Costa" / "Ana Costa Ribeiro"); 0.90 for two
 * - 0.775 and up: one typo (substitution, insertion, deletion or adjacent swap) in one token; 0.775
 *         is the worst case, a 4-letter token in a two-token name ("Luis Gomes" / "Luiz Gomes")
 * - 0.77  a typo in a 5-letter token plus a missing token ("Ana Csota" / "Ana Costa Ribeiro")
 * - < 0.74 however many surnames are shared: a token two edits from its pair in tokens of up to 7
 *         letters ("João Pereira Lima" / "José Pereira Lima" 0.52, "Carla …" / "Carlos …" 0.67,
 *         "Maria José Silva" / "Mariana José Silva" 0.71), one edit in a 3-letter token, or one edit
 *         plus a different first letter in a 4-letter one (Raul/Saul, 0.71 in two tokens)
 * - ≤ 0.60 a gender pair (Paulo/Paula, Gabriel/Gabriela); 0.5 a single token against a full name
 *
 * 0.75 sits in the gap between the worst accepting class (0.77) and the best rejecting one (0.74).
 * Deliberately accepted: a subset whose tokens are all within a typo, since a missing middle name or
 * second surname is the commonest registry discrepancy ("Ana Costa" / "Ana Costa Ribeiro"), whichever
 * token is missing ("Aparecida Souza" / "Maria Aparecida Souza": Brazilians often drop a leading
 * Maria). Deliberately rejected: two different first names, even sharing every surname; a typo in a
 * 4-letter token together with a missing token (0.725: two discrepancies on a short name are too
 * many); two typos in a short token. Not separable by spelling: names one edit apart that are really
 * different (Marta/Maria 0.82, Cristian/Cristina). So a match is only ever one signal: verification
 * is anchored on the national ID, and deduplication also requires the same date of birth and
 * municipality, and sends what it finds to a person.
 */
export const NAME_MATCH_THRESHOLD = 0.75;

const WORST_WEIGHT = 0.8;
const UNPAIRED_PENALTY = 0.05;
/** Typos rarely hit a name's first letter: tokens differing there score 10% lower (Raul/Saul). */
const FIRST_LETTER_FACTOR = 0.9;
/** Paulo/Paula, Gabriel/Gabriela: one edit apart, yet different people. */
const GENDER_PAIR_CAP = 0.5;
/** Each edit beyond the first costs this much more: one typo in a token is common, two are not. */
const EXTRA_EDIT_COST = 0.05;
/**
 * A name holding under half the other's tokens, or one token against several ("Maria" / "Maria
 * Silva"), says too little to be the same name.
 */
const LOW_COVERAGE_CAP = 0.5;

const COMBINING_MARKS = /\p{M}+/gu;
const APOSTROPHES = /['’ʼ`´]/g;
const LETTER_OR_MARK = /[\p{L}\p{M}]/u;

/** Letters and combining marks beyond ASCII (the name is lowercased by then). */
function isOtherLetter(code: number, s: string, i: number): boolean {
  if (code >= 0xc0 && code <= 0x24f) return code !== 0xd7 && code !== 0xf7; // Latin-1 to Latin Extended-B, but × and ÷
  if (code >= 0x300 && code <= 0x36f) return true; // combining marks, in names typed decomposed
  return code >= 128 && LETTER_OR_MARK.test(s[i]!);
}

const isApostrophe = (code: number): boolean => code === 39 || code === 0x2019 || code === 0x2bc || code === 96 || code === 0xb4;

function isAsciiLetter(code: number): boolean {
  return code >= 97 && code <= 122;
}

/** Base letter of each lowercase precomposed Latin letter up to U+024F (á→a, ç→c, ñ→n), 0 where none. */
const FOLD = new Uint8Array(0x250);
for (let code = 0xc0; code < 0x250; code++) {
  const base = String.fromCharCode(code).normalize('NFD').charCodeAt(0);
  if (isAsciiLetter(base)) FOLD[code] = base;
}

/** A token without accents and apostrophes: by table for Latin letters, by NFKD for anything else (ª→a). */
function fold(token: string): string {
  let out = '';
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (isAsciiLetter(code)) out += token[i];
    else if (code < 0x250 && FOLD[code] !== 0) out += String.fromCharCode(FOLD[code]!);
    else if (!isApostrophe(code)) return token.normalize('NFKD').replace(COMBINING_MARKS, '').replace(APOSTROPHES, '');
  }
  return out;
}

/**
 * Lowercase tokens with accents and diacritics stripped (ç→c, ñ→n, ã→a), apostrophes joined
 * ("D'Ávila"→"davila"), other punctuation as separators, and particles (da, de, del, y, ...) dropped.
 */
export function normalizeName(name: string): string[] {
  const s = name.toLowerCase();
  const tokens: string[] = [];
  let start = -1;
  let rewrite = false; // the token holds accents or apostrophes: fold it (rare, so the common path only slices)
  for (let i = 0; i <= s.length; i++) {
    const code = i < s.length ? s.charCodeAt(i) : 32;
    if (isAsciiLetter(code)) {
      if (start < 0) start = i;
      continue;
    }
    if (isOtherLetter(code, s, i)) {
      if (start < 0) start = i;
      rewrite = true;
      continue;
    }
    if (start >= 0 && isApostrophe(code) && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (isAsciiLetter(next) || isOtherLetter(next, s, i + 1)) {
        rewrite = true;
        continue;
      }
    }
    if (start < 0) continue;
    let token = s.slice(start, i);
    if (rewrite) token = fold(token);
    if (token !== '' && !NAME_PARTICLES.has(token)) tokens.push(token);
    start = -1;
    rewrite = false;
  }
  return tokens;
}

// Bit masks of where each character occurs in the pattern, for the bit-parallel distance below.
// Indexed by UTF-16 code unit; always left all-zero between calls.
const positions = new Int32Array(65536);

/**
 * Optimal string alignment distance: Levenshtein plus adjacent transpositions, each costing 1.
 * Bit-parallel (Hyyrö 2003, Myers' algorithm with transpositions): one pass over `text` with the
 * pattern's columns in a 32-bit word, so O(pattern + text) for tokens of up to 31 characters.
 */
function editDistance(a: string, b: string): number {
  const pattern = a.length <= b.length ? a : b;
  const text = pattern === a ? b : a;
  const m = pattern.length,
    n = text.length;
  if (m === 0) return n;
  if (m > 31) return editDistanceTable(pattern, text);
  for (let i = 0; i < m; i++) positions[pattern.charCodeAt(i)]! |= 1 << i;
  const last = 1 << (m - 1);
  let vp = (1 << m) - 1,
    vn = 0,
    score = m,
    d0 = 0,
    pmPrev = 0;
  for (let j = 0; j < n; j++) {
    const pm = positions[text.charCodeAt(j)]!;
    const transposed = ((~d0 & pm) << 1) & pmPrev;
    d0 = (((pm & vp) + vp) ^ vp) | pm | vn | transposed;
    let hp = vn | ~(d0 | vp);
    let hn = vp & d0;
    if (hp & last) score++;
    else if (hn & last) score--;
    hp = (hp << 1) | 1;
    hn <<= 1;
    vp = hn | ~(d0 | hp);
    vn = hp & d0;
    pmPrev = pm;
  }
  for (let i = 0; i < m; i++) positions[pattern.charCodeAt(i)] = 0;
  return score;
}

/** The same distance by the textbook table, for tokens longer than a machine word. */
function editDistanceTable(a: string, b: string): number {
  const n = a.length,
    m = b.length;
  let before = new Int32Array(m + 1),
    prev = new Int32Array(m + 1),
    cur = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    const ac = a.charCodeAt(i - 1);
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const bc = b.charCodeAt(j - 1);
      let v = Math.min(prev[j - 1]! + (ac === bc ? 0 : 1), prev[j]! + 1, cur[j - 1]! + 1);
      if (i > 1 && j > 1 && ac !== bc && ac === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bc) v = Math.min(v, before[j - 2]! + 1);
      cur[j] = v;
    }
    [before, prev, cur] = [prev, cur, before];
  }
  return prev[m]!;
}

const A = 97,
  O = 111;

/** Masculine/feminine forms of one name: stem+o / stem+a, or stem / stem+a (Gabriel/Gabriela). */
function isGenderPair(a: string, b: string): boolean {
  const la = a.length,
    lb = b.length;
  if (la === lb) {
    if (la < 3) return false;
    const x = a.charCodeAt(la - 1),
      y = b.charCodeAt(lb - 1);
    if (!((x === A && y === O) || (x === O && y === A))) return false;
    for (let i = 0; i < la - 1; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) return false;
    return true;
  }
  const [short, long] = la < lb ? [a, b] : [b, a];
  if (long.length !== short.length + 1 || short.length < 3) return false;
  if (long.charCodeAt(long.length - 1) !== A || short.charCodeAt(short.length - 1) === A) return false;
  return long.startsWith(short);
}

/**
 * Similarity of two normalized tokens in [0, 1]: 1 − edit distance / longer length, less 0.05 per
 * edit beyond the first, 10% less for a different first letter, at most 0.5 for a gender pair.
 */
export function tokenSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const longer = a.length > b.length ? a.length : b.length;
  if (longer === 0) return 1;
  const distance = editDistance(a, b);
  let sim = 1 - distance / longer;
  if (distance > 1) sim -= EXTRA_EDIT_COST * (distance - 1);
  if (sim < 0) sim = 0;
  if (a.charCodeAt(0) !== b.charCodeAt(0)) sim *= FIRST_LETTER_FACTOR;
  if (sim > GENDER_PAIR_CAP && isGenderPair(a, b)) sim = GENDER_PAIR_CAP;
  return sim;
}

// Pairing search state, module-level so the search allocates nothing.
const MAX_SEARCH_COLUMNS = 8;
let pairSims = new Float64Array(64);
let searchRows = 0;
let searchCols = 0;
let searchBest = 0;

function pairScore(worst: number, sum: number): number {
  return WORST_WEIGHT * worst + ((1 - WORST_WEIGHT) * sum) / searchRows;
}

/** Depth-first over one-to-one pairings of rows into columns, pruned by the best score so far. */
function searchPairings(row: number, used: number, worst: number, sum: number): void {
  if (row === searchRows) {
    const score = pairScore(worst, sum);
    if (score > searchBest) searchBest = score;
    return;
  }
  // Upper bound: every remaining pair perfect.
  if (pairScore(worst, sum + (searchRows - row)) <= searchBest) return;
  const base = row * searchCols;
  for (let j = 0; j < searchCols; j++) {
    if (used & (1 << j)) continue;
    const s = pairSims[base + j]!;
    searchPairings(row + 1, used | (1 << j), s < worst ? s : worst, sum + s);
  }
}

/**
 * When each row's best column (first best on ties) differs from every other row's, pairing each
 * row with it maximizes the worst pair and the sum at once: the score, with no search. Otherwise -1.
 */
function bestColumnsIfDistinct(): number {
  let used = 0,
    worst = 1,
    sum = 0;
  for (let i = 0; i < searchRows; i++) {
    let bestJ = 0,
      bestS = -1;
    for (let j = 0; j < searchCols; j++) {
      const s = pairSims[i * searchCols + j]!;
      if (s > bestS) {
        bestS = s;
        bestJ = j;
      }
    }
    if (bestJ >= 31 || used & (1 << bestJ)) return -1;
    used |= 1 << bestJ;
    if (bestS < worst) worst = bestS;
    sum += bestS;
  }
  return pairScore(worst, sum);
}

/** Long names (more than 8 tokens, not seen in practice): each row takes its best free column. */
function greedyPairing(): number {
  let used = 0,
    worst = 1,
    sum = 0;
  for (let i = 0; i < searchRows; i++) {
    let bestJ = -1,
      bestS = -1;
    for (let j = 0; j < searchCols && j < 31; j++) {
      const s = pairSims[i * searchCols + j]!;
      if (!(used & (1 << j)) && s > bestS) {
        bestS = s;
        bestJ = j;
      }
    }
    if (bestJ < 0) return 0;
    used |= 1 << bestJ;
    if (bestS < worst) worst = bestS;
    sum += bestS;
  }
  return pairScore(worst, sum);
}

function compareTokenLists(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}

/**
 * Similarity of two names already passed through normalizeName, in [0, 1]. Use this in
 * deduplication: normalize each record once, compare many times.
 */
export function normalizedNameSimilarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  // Rows are the shorter name; for equal lengths a canonical order keeps the result exactly symmetric.
  let rows = a,
    cols = b;
  if (a.length > b.length) {
    rows = b;
    cols = a;
  } else if (a.length === b.length) {
    const order = compareTokenLists(a, b);
    if (order === 0) return 1;
    if (order > 0) {
      rows = b;
      cols = a;
    }
  }
  searchRows = rows.length;
  searchCols = cols.length;
  if (searchRows * searchCols > pairSims.length) pairSims = new Float64Array(searchRows * searchCols);
  for (let i = 0; i < searchRows; i++) {
    for (let j = 0; j < searchCols; j++) pairSims[i * searchCols + j] = tokenSimilarity(rows[i]!, cols[j]!);
  }
  let paired = bestColumnsIfDistinct();
  if (paired >= 0) {
    // Every row's best column is a different one: that pairing is optimal outright.
  } else if (searchCols <= MAX_SEARCH_COLUMNS) {
    searchBest = -1;
    searchPairings(0, 0, 1, 0);
    paired = searchBest;
  } else {
    paired = greedyPairing();
  }
  let score = paired - UNPAIRED_PENALTY * (searchCols - searchRows);
  const lowCoverage = (searchRows === 1 && searchCols > 1) || searchRows * 2 < searchCols;
  if (lowCoverage && score > LOW_COVERAGE_CAP) score = LOW_COVERAGE_CAP;
  return score < 0 ? 0 : score > 1 ? 1 : score;
}

/** How alike two person names are, in [0, 1]; symmetric; 1 for the same name however written. */
export function nameSimilarity(a: string, b: string): number {
  return normalizedNameSimilarity(normalizeName(a), normalizeName(b));
}

/** Whether two person names are the same name, allowing for accents, order, typos and a missing token. */
export function namesMatch(a: string, b: string): boolean {
  return nameSimilarity(a, b) >= NAME_MATCH_THRESHOLD;
}
