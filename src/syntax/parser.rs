//! spaCy's greedy arc-eager dependency parser (`TransitionBasedParser.v2`, hidden 64,
//! maxout 2, 8 state features) with the exact moves and validity rules of spaCy's
//! `arc_eager.pyx` / `_state.pxd`, then `nonproj.deprojectivize` for the `X||Y` labels.

use safetensors::SafeTensors;

use super::tok2vec::WIDTH;
use super::SyntaxError;
use std::collections::HashMap;

use crate::nn::{KeyHash, PackedMatrix};

pub(crate) const HIDDEN: usize = 64;
const PIECES: usize = 2;
const N_FEATS: usize = 8;
const SLOT: usize = HIDDEN * PIECES;
/// One token's precomputed contribution to the hidden layer for every feature slot.
const ROW: usize = N_FEATS * SLOT;
/// Tokens whose rows are kept: a ring over the token sequence, so a long document needs
/// 2 MB here per thread, not 4 KB per token. Longer than nearly every sentence: the
/// stack seldom reaches behind it (the FAR rows cover that).
const RING: usize = 512;
/// Rows computed at once as the buffer advances.
const AHEAD: usize = 256;
/// Rows of tokens behind the ring (deep in a long stack), computed on demand.
const FAR: usize = 8;
/// Rows computed at once below a token behind the ring that lies just under the ring or
/// under the last such block: a long stack unwinds in decreasing order, and one row per
/// product would cost several times a block's row (a giant sentence of glued symbols
/// spent half its time there).
const BACK: usize = 64;
/// States whose scores are kept for reuse (a few hundred floats each: 2 MB per thread);
/// cleared when full.
const MEMO_LIMIT: usize = 4096;
/// The row id of a padding feature in a state's memo key.
const PAD_ID: u32 = u32::MAX;

/// The parser's per-thread buffers: the precomputed rows of the tokens around the buffer
/// (a ring) and a few of earlier tokens. A row is the same bits whether computed alone or
/// with others (the product treats rows independently), so this is exact.
pub(crate) struct ParserBuffers {
    ring: Vec<f32>,
    /// Tokens the ring holds for this document: `limit`, or fewer for a short one.
    size: usize,
    /// RING (smaller in tests).
    pub(crate) limit: usize,
    /// Rows of tokens lo..hi are in the ring, token t at slot t % size.
    lo: usize,
    hi: usize,
    far: Vec<f32>,
    far_token: [usize; FAR],
    /// Rows of tokens back_lo..back_hi (below the ring), see [`BACK`].
    back: Vec<f32>,
    back_lo: usize,
    back_hi: usize,
    dedup: Dedup,
    /// Scores of the states seen in this document, by their feature row ids (tests turn
    /// the reuse off with `allow_memo`).
    pub(crate) allow_memo: bool,
    memo: HashMap<[u32; N_FEATS], u32, KeyHash>,
    memo_scores: Vec<f32>,
}

/// Scratch for computing a block's rows once per distinct token vector.
#[derive(Default)]
struct Dedup {
    index: HashMap<u32, u32, KeyHash>,
    slots: Vec<u32>,
    input: Vec<f32>,
    output: Vec<f32>,
}

impl Default for ParserBuffers {
    fn default() -> Self {
        ParserBuffers {
            ring: Vec::new(),
            size: RING,
            limit: RING,
            lo: 0,
            hi: 0,
            far: vec![0.0; FAR * ROW],
            far_token: [usize::MAX; FAR],
            back: Vec::new(),
            back_lo: 0,
            back_hi: 0,
            dedup: Dedup::default(),
            allow_memo: true,
            memo: HashMap::default(),
            memo_scores: Vec::new(),
        }
    }
}

/// The arc-eager moves (spaCy's SHIFT, REDUCE, LEFT, RIGHT, BREAK).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Move {
    Shift,
    Reduce,
    Left,
    Right,
    Break,
}

pub(crate) struct ParserNet {
    project_w: PackedMatrix,
    project_b: Vec<f32>,
    /// (N_FEATS * SLOT) x HIDDEN: each feature slot's contribution to the hidden layer.
    lower_w: PackedMatrix,
    lower_b: Vec<f32>,
    lower_pad: Vec<f32>,
    /// The output layer transposed (HIDDEN x n_actions), so each hidden unit adds its
    /// column to all scores at once; every score still sums its terms in unit order.
    upper_wt: Vec<f32>,
    upper_b: Vec<f32>,
    /// (move, index into `labels`) in output-layer order.
    actions: Vec<(Move, usize)>,
    /// Arc labels; decorated ones (`X||Y`) are split by `deprojectivize`.
    pub(crate) labels: Vec<String>,
}

/// One token's parse: its head (token index; roots point to themselves) and label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Arc {
    pub head: usize,
    pub label: String,
}

impl ParserNet {
    pub(crate) fn load(
        st: &SafeTensors,
        actions: &[(String, String)],
    ) -> Result<Self, SyntaxError> {
        let mut labels: Vec<String> = Vec::new();
        let mut parsed = Vec::new();
        for (m, label) in actions {
            let mv = match m.as_str() {
                "S" => Move::Shift,
                "D" => Move::Reduce,
                "L" => Move::Left,
                "R" => Move::Right,
                "B" => Move::Break,
                other => {
                    return Err(SyntaxError::Config(format!(
                        "unknown parser move {other:?}"
                    )))
                }
            };
            let idx = match labels.iter().position(|l| l == label) {
                Some(i) => i,
                None => {
                    labels.push(label.clone());
                    labels.len() - 1
                }
            };
            parsed.push((mv, idx));
        }
        let n = parsed.len();
        let tensor = |st: &SafeTensors, name: &str, shape: &[usize]| {
            crate::nn::tensor(st, name, shape).map_err(SyntaxError::Weights)
        };
        let upper_w = tensor(st, "parser.upper.W", &[n, HIDDEN])?;
        let mut upper_wt = vec![0.0f32; n * HIDDEN];
        for a in 0..n {
            for j in 0..HIDDEN {
                upper_wt[j * n + a] = upper_w[a * HIDDEN + j];
            }
        }
        Ok(ParserNet {
            project_w: PackedMatrix::new(
                &tensor(st, "parser.project.W", &[HIDDEN, WIDTH])?,
                HIDDEN,
                WIDTH,
            ),
            project_b: tensor(st, "parser.project.b", &[HIDDEN])?,
            lower_w: PackedMatrix::new(
                &tensor(st, "parser.lower.W", &[N_FEATS, HIDDEN, PIECES, HIDDEN])?,
                N_FEATS * SLOT,
                HIDDEN,
            ),
            lower_b: tensor(st, "parser.lower.b", &[HIDDEN, PIECES])?,
            lower_pad: tensor(st, "parser.lower.pad", &[1, N_FEATS, HIDDEN, PIECES])?,
            upper_wt,
            upper_b: tensor(st, "parser.upper.b", &[n])?,
            actions: parsed,
            labels,
        })
    }

    /// The input projection (with its bias) of token vectors (m x WIDTH) into `out`
    /// (m x HIDDEN).
    pub(crate) fn project(&self, tokvecs: &[f32], out: &mut [f32]) {
        let m = out.len() / HIDDEN;
        self.project_w.matmul(tokvecs, WIDTH, m, out, HIDDEN);
        for row in out.chunks_exact_mut(HIDDEN) {
            row.iter_mut()
                .zip(&self.project_b)
                .for_each(|(v, b)| *v += b);
        }
    }

    /// The rows (all feature slots' contributions) of tokens `range` into `out`, computed
    /// once per distinct token vector: tokens with equal `row_ids` have equal projected
    /// vectors, and a row is the same bits whichever rows are computed with it.
    fn lower_rows(
        &self,
        projected: &[f32],
        row_ids: &[u32],
        range: std::ops::Range<usize>,
        out: &mut [f32],
        d: &mut Dedup,
    ) {
        let (s, e) = (range.start, range.end);
        d.index.clear();
        d.slots.clear();
        d.input.clear();
        for t in s..e {
            let next = d.index.len() as u32;
            let j = *d.index.entry(row_ids[t]).or_insert(next);
            if j == next {
                d.input
                    .extend_from_slice(&projected[t * HIDDEN..(t + 1) * HIDDEN]);
            }
            d.slots.push(j);
        }
        let m = d.index.len();
        if m == e - s {
            // No repeats (natural text): straight into place.
            self.lower_w
                .matmul(&projected[s * HIDDEN..e * HIDDEN], HIDDEN, e - s, out, ROW);
            return;
        }
        crate::nn::resize_stale(&mut d.output, m * ROW);
        self.lower_w.matmul(&d.input, HIDDEN, m, &mut d.output, ROW);
        for (dst, &j) in out.chunks_exact_mut(ROW).zip(&d.slots) {
            let j = j as usize;
            dst.copy_from_slice(&d.output[j * ROW..(j + 1) * ROW]);
        }
    }

    /// Adds token `t`'s contribution for feature slot `f` to `unmaxed`, computing its row
    /// if it is not at hand (spaCy's precomputable affine, computed as the buffer moves).
    fn add_feature(
        &self,
        projected: &[f32],
        row_ids: &[u32],
        buf: &mut ParserBuffers,
        t: usize,
        f: usize,
        unmaxed: &mut [f32; SLOT],
    ) {
        let (n, size) = (projected.len() / HIDDEN, buf.size);
        if t >= buf.hi {
            let start = buf.hi.max((t + 1).saturating_sub(size));
            let end = n.min((t + 1).max(start + AHEAD)).min(start + size);
            // Exactly the ring: a doubling growth would keep up to twice that per thread.
            buf.ring
                .reserve_exact((size * ROW).saturating_sub(buf.ring.len()));
            buf.ring.resize(size * ROW, 0.0);
            let mut s = start;
            while s < end {
                // Up to the end of the ring's storage, then wrap.
                let e = end.min(s + size - s % size);
                let slot = s % size;
                self.lower_rows(
                    projected,
                    row_ids,
                    s..e,
                    &mut buf.ring[slot * ROW..(slot + e - s) * ROW],
                    &mut buf.dedup,
                );
                s = e;
            }
            if start > buf.hi {
                buf.lo = start;
            }
            buf.hi = end;
            buf.lo = buf.lo.max(end.saturating_sub(size));
        }
        let below = |edge: usize| t < edge && t + BACK >= edge;
        if !(t >= buf.lo && t < buf.hi || t >= buf.back_lo && t < buf.back_hi)
            && (below(buf.lo) || below(buf.back_lo))
        {
            let lo = (t + 1).saturating_sub(BACK);
            buf.back.resize(BACK * ROW, 0.0);
            self.lower_rows(
                projected,
                row_ids,
                lo..t + 1,
                &mut buf.back[..(t + 1 - lo) * ROW],
                &mut buf.dedup,
            );
            buf.back_lo = lo;
            buf.back_hi = t + 1;
        }
        let src = if t >= buf.lo && t < buf.hi {
            &buf.ring[(t % size) * ROW + f * SLOT..(t % size) * ROW + (f + 1) * SLOT]
        } else if t >= buf.back_lo && t < buf.back_hi {
            let r = t - buf.back_lo;
            &buf.back[r * ROW + f * SLOT..r * ROW + (f + 1) * SLOT]
        } else {
            let k = t % FAR;
            if buf.far_token[k] != t {
                self.lower_w.matmul(
                    &projected[t * HIDDEN..(t + 1) * HIDDEN],
                    HIDDEN,
                    1,
                    &mut buf.far[k * ROW..(k + 1) * ROW],
                    ROW,
                );
                buf.far_token[k] = t;
            }
            &buf.far[k * ROW + f * SLOT..k * ROW + (f + 1) * SLOT]
        };
        unmaxed.iter_mut().zip(src).for_each(|(u, s)| *u += s);
    }

    /// The output layer's scores (n_actions) of a state with feature tokens `ids`.
    fn scores(
        &self,
        projected: &[f32],
        row_ids: &[u32],
        buf: &mut ParserBuffers,
        ids: &[Option<usize>; N_FEATS],
        scores: &mut [f32],
    ) {
        let mut unmaxed = [0.0f32; SLOT];
        let mut hidden = [0.0f32; HIDDEN];
        for (f, id) in ids.iter().enumerate() {
            match *id {
                Some(t) => self.add_feature(projected, row_ids, buf, t, f, &mut unmaxed),
                None => unmaxed
                    .iter_mut()
                    .zip(&self.lower_pad[f * SLOT..(f + 1) * SLOT])
                    .for_each(|(u, s)| *u += s),
            }
        }
        unmaxed
            .iter_mut()
            .zip(&self.lower_b)
            .for_each(|(u, b)| *u += b);
        for (h, pair) in hidden.iter_mut().zip(unmaxed.chunks_exact(PIECES)) {
            *h = if pair[1] > pair[0] { pair[1] } else { pair[0] };
        }
        crate::nn::columns_dot(&hidden, &self.upper_wt, self.actions.len(), scores);
        scores
            .iter_mut()
            .zip(&self.upper_b)
            .for_each(|(s, b)| *s += b);
    }

    /// Parses one document from its projected token vectors (n x HIDDEN, from
    /// [`ParserNet::project`]); `row_ids[i]` is equal for tokens with equal projected
    /// vectors (their rows are computed once). `is_space[i]` marks whitespace tokens (deprojectivize skips
    /// them as new heads); `preset_starts[i]` (may be shorter) marks tokens that must start
    /// a sentence, as spaCy honours sentence starts set on a Doc before the parser runs.
    pub(crate) fn parse(
        &self,
        projected: &[f32],
        row_ids: &[u32],
        is_space: &[bool],
        preset_starts: &[bool],
        buf: &mut ParserBuffers,
    ) -> Vec<Arc> {
        let n = is_space.len();
        if n == 0 {
            return Vec::new();
        }
        // Ids of the wrong length would be a caller's bug: every row then counts as distinct.
        let own_ids: Vec<u32>;
        let row_ids = if row_ids.len() == n {
            row_ids
        } else {
            own_ids = (0..n as u32).collect();
            &own_ids
        };
        buf.size = buf.limit.clamp(1, n);
        buf.lo = 0;
        buf.hi = 0;
        buf.far_token = [usize::MAX; FAR];
        (buf.back_lo, buf.back_hi) = (0, 0);
        let mut st = State::new(n);
        for (flag, &preset) in st.sent_start.iter_mut().zip(preset_starts) {
            *flag |= preset;
        }
        let n_actions = self.actions.len();
        let mut scores = vec![0.0f32; n_actions];
        // A state's scores are a function of its feature tokens' rows, so of their row ids
        // (or padding): when the document repeats its token vectors (symbol runs, tables),
        // a state whose ids were seen reuses the scores. Natural text repeats few, and
        // skips the lookups.
        let distinct = row_ids.iter().max().map_or(0, |&m| m as usize + 1);
        let memoize = buf.allow_memo && distinct * 2 <= n;
        buf.memo.clear();
        buf.memo_scores.clear();
        while !st.is_final() {
            let ids = st.context(n);
            let key = memoize.then(|| ids.map(|id| id.map_or(PAD_ID, |t| row_ids[t])));
            match key.and_then(|k| buf.memo.get(&k)) {
                Some(&j) => {
                    let j = j as usize;
                    scores.copy_from_slice(&buf.memo_scores[j * n_actions..(j + 1) * n_actions]);
                }
                None => {
                    self.scores(projected, row_ids, buf, &ids, &mut scores);
                    if let Some(k) = key {
                        if buf.memo.len() >= MEMO_LIMIT {
                            buf.memo.clear();
                            buf.memo_scores.clear();
                        }
                        buf.memo.insert(k, buf.memo.len() as u32);
                        buf.memo_scores.extend_from_slice(&scores);
                    }
                }
            }
            let valid = st.valid_moves();
            let mut best: Option<usize> = None;
            for (a, &(mv, _)) in self.actions.iter().enumerate() {
                if valid[mv as usize] && best.is_none_or(|b| scores[a] > scores[b]) {
                    best = Some(a);
                }
            }
            match best {
                Some(a) => {
                    let (mv, label) = self.actions[a];
                    st.apply(mv, label);
                }
                // Cannot happen (REDUCE or SHIFT is always valid before the end); spaCy
                // forces the final state too.
                None => break,
            }
        }
        self.annotate(&st, is_space)
    }

    /// spaCy's `ArcEager.set_annotations` then `nonproj.deprojectivize`.
    fn annotate(&self, st: &State, is_space: &[bool]) -> Vec<Arc> {
        let n = st.heads.len();
        let root = self.labels.iter().position(|l| l == "ROOT");
        let mut heads: Vec<usize> = (0..n).collect();
        let mut labels: Vec<String> = vec![String::new(); n];
        for i in 0..n {
            if let Some(h) = st.heads[i] {
                heads[i] = h;
                labels[i] = self.labels[st.labels[i]].clone();
            }
            if heads[i] == i {
                labels[i] = root.map_or_else(|| "ROOT".to_string(), |r| self.labels[r].clone());
            }
        }
        let edges = Edges::from_heads(&heads);
        // Reattach X||Y arcs: breadth-first from the current head, the first descendant
        // labelled Y becomes the head. Children come from the edges computed before the
        // loop and the heads as they change, exactly as spaCy's Token.children does then.
        for i in 0..n {
            let Some((new_label, head_label)) = labels[i].split_once("||") else {
                continue;
            };
            let (new_label, head_label) = (new_label.to_string(), head_label.to_string());
            let mut found = None;
            let mut queue = vec![heads[i]];
            let mut guard = 0usize;
            'search: while !queue.is_empty() {
                let mut next = Vec::new();
                for &q in &queue {
                    for c in edges.children(q, &heads) {
                        if is_space[c] || c == i {
                            continue;
                        }
                        if labels[c] == head_label {
                            found = Some(c);
                            break 'search;
                        }
                        next.push(c);
                    }
                }
                queue = next;
                // A cycle cannot occur in a tree; bound the search anyway.
                guard += 1;
                if guard > n {
                    break;
                }
            }
            if let Some(h) = found {
                heads[i] = h;
            }
            labels[i] = new_label;
        }
        heads
            .into_iter()
            .zip(labels)
            .map(|(head, label)| Arc { head, label })
            .collect()
    }
}

/// spaCy's per-token left/right edges (`set_children_from_heads`), which bound where
/// `Token.children` looks.
pub(crate) struct Edges {
    pub l_edge: Vec<usize>,
    pub r_edge: Vec<usize>,
}

impl Edges {
    pub(crate) fn from_heads(heads: &[usize]) -> Self {
        let n = heads.len();
        let mut e = Edges {
            l_edge: (0..n).collect(),
            r_edge: (0..n).collect(),
        };
        // Up to 11 passes, as spaCy, until every head lies within its sentence.
        for _ in 0..12 {
            if e.pass(heads) {
                break;
            }
        }
        e
    }

    fn pass(&mut self, heads: &[usize]) -> bool {
        let n = heads.len();
        for (i, &h) in heads.iter().enumerate() {
            if self.l_edge[i] < self.l_edge[h] {
                self.l_edge[h] = self.l_edge[i];
            }
            if self.r_edge[i] > self.r_edge[h] {
                self.r_edge[h] = self.r_edge[i];
            }
        }
        for i in (0..n).rev() {
            let h = heads[i];
            if self.r_edge[i] > self.r_edge[h] {
                self.r_edge[h] = self.r_edge[i];
            }
            if self.l_edge[i] < self.l_edge[h] {
                self.l_edge[h] = self.l_edge[i];
            }
        }
        let mut is_start = vec![false; n];
        for (i, &h) in heads.iter().enumerate() {
            if h == i {
                is_start[self.l_edge[i]] = true;
            }
        }
        let mut cur_start = 0;
        for (i, &start) in is_start.iter().enumerate() {
            if (i > 0 && start) || i + 1 == n {
                // Heads of the tokens before this boundary must lie within [cur_start, i].
                let cur_end = i;
                if heads[cur_start..cur_end]
                    .iter()
                    .any(|&h| h < cur_start || h > cur_end)
                {
                    return false;
                }
                cur_start = i;
            }
        }
        true
    }

    /// Children of `q` in order: left ones scanned from its left edge, then right ones.
    fn children(&self, q: usize, heads: &[usize]) -> Vec<usize> {
        let mut out: Vec<usize> = (self.l_edge[q]..q).filter(|&p| heads[p] == q).collect();
        out.extend((q + 1..=self.r_edge[q]).filter(|&p| heads[p] == q));
        out
    }

    /// Sentence starts: the left edge of every root (and nothing else).
    pub(crate) fn sentence_starts(&self, heads: &[usize]) -> Vec<bool> {
        let mut starts = vec![false; heads.len()];
        for (i, &h) in heads.iter().enumerate() {
            if h == i {
                starts[self.l_edge[i]] = true;
            }
        }
        starts
    }
}

/// The parser state (spaCy's `StateC`).
struct State {
    stack: Vec<usize>,
    rebuffer: Vec<usize>,
    b_i: usize,
    heads: Vec<Option<usize>>,
    labels: Vec<usize>,
    unshiftable: Vec<bool>,
    sent_start: Vec<bool>,
    /// Per head, its left (right) children in the order the arcs were added.
    left_arcs: Vec<Vec<usize>>,
    right_arcs: Vec<Vec<usize>>,
}

impl State {
    fn new(n: usize) -> Self {
        let mut sent_start = vec![false; n];
        // spaCy's Doc marks its first token as a sentence start.
        sent_start[0] = true;
        State {
            stack: Vec::new(),
            rebuffer: Vec::new(),
            b_i: 0,
            heads: vec![None; n],
            labels: vec![0; n],
            unshiftable: vec![false; n],
            sent_start,
            left_arcs: vec![Vec::new(); n],
            right_arcs: vec![Vec::new(); n],
        }
    }

    fn len(&self) -> usize {
        self.heads.len()
    }

    fn s(&self, i: usize) -> Option<usize> {
        self.stack.len().checked_sub(i + 1).map(|k| self.stack[k])
    }

    fn b(&self, i: usize) -> Option<usize> {
        if i < self.rebuffer.len() {
            return Some(self.rebuffer[self.rebuffer.len() - 1 - i]);
        }
        let b = self.b_i + (i - self.rebuffer.len());
        (b < self.len()).then_some(b)
    }

    fn buffer_length(&self) -> usize {
        (self.len() - self.b_i) + self.rebuffer.len()
    }

    fn is_final(&self) -> bool {
        self.stack.is_empty() && self.buffer_length() == 0
    }

    fn is_sent_start(&self, w: Option<usize>) -> bool {
        w.is_some_and(|w| self.sent_start[w])
    }

    /// The most recently attached child on that side (spaCy's `L(head, 1)` / `R(head, 1)`).
    fn last_child(arcs: &[Vec<usize>], head: Option<usize>) -> Option<usize> {
        head.and_then(|h| arcs[h].last().copied())
    }

    /// The 8 context tokens: B0, B1, S0, S1, S2, L(B0), L(S0), R(S0).
    fn context(&self, _n: usize) -> [Option<usize>; N_FEATS] {
        let b0 = self.b(0);
        let s0 = self.s(0);
        [
            b0,
            self.b(1),
            s0,
            self.s(1),
            self.s(2),
            Self::last_child(&self.left_arcs, b0),
            Self::last_child(&self.left_arcs, s0),
            Self::last_child(&self.right_arcs, s0),
        ]
    }

    /// Validity of each move, indexed by `Move as usize`.
    fn valid_moves(&self) -> [bool; 5] {
        let depth = self.stack.len();
        let blen = self.buffer_length();
        let b0 = self.b(0);
        let shift = if depth == 0 {
            true
        } else {
            !(blen < 2 || self.is_sent_start(b0) || b0.is_some_and(|b| self.unshiftable[b]))
        };
        // No token is marked "cannot start a sentence" before parsing, so REDUCE only
        // needs a non-empty stack.
        let reduce = depth > 0;
        let arc = depth > 0 && blen > 0 && !self.is_sent_start(b0);
        let brk = blen >= 2 && {
            let (b0, b1) = (self.b(0), self.b(1));
            matches!((b0, b1), (Some(x), Some(y)) if y == x + 1) && !self.is_sent_start(b1)
        };
        [shift, reduce, arc, arc, brk]
    }

    fn push(&mut self) {
        let b0 = match self.rebuffer.pop() {
            Some(b) => b,
            None => {
                self.b_i += 1;
                self.b_i - 1
            }
        };
        self.stack.push(b0);
    }

    fn add_arc(&mut self, head: usize, child: usize, label: usize) {
        if let Some(old) = self.heads[child] {
            // spaCy removes the old arc only when it is the head's latest one (its
            // in-place removal of older arcs edits a copy); in arc-eager it always is.
            let arcs = if old > child {
                &mut self.left_arcs[old]
            } else {
                &mut self.right_arcs[old]
            };
            if arcs.last() == Some(&child) {
                arcs.pop();
            }
        }
        if head > child {
            self.left_arcs[head].push(child);
        } else {
            self.right_arcs[head].push(child);
        }
        self.heads[child] = Some(head);
        self.labels[child] = label;
    }

    fn apply(&mut self, mv: Move, label: usize) {
        match mv {
            Move::Shift => self.push(),
            Move::Reduce => {
                let Some(s0) = self.s(0) else { return };
                if self.heads[s0].is_some() || self.stack.len() == 1 {
                    self.stack.pop();
                } else {
                    // Unshift: back onto the buffer, not to be shifted again until a
                    // left arc changes the stack.
                    self.stack.pop();
                    self.unshiftable[s0] = true;
                    self.rebuffer.push(s0);
                }
            }
            Move::Left => {
                if let (Some(b0), Some(s0)) = (self.b(0), self.s(0)) {
                    self.add_arc(b0, s0, label);
                    self.unshiftable[b0] = false;
                    self.stack.pop();
                }
            }
            Move::Right => {
                if let (Some(b0), Some(s0)) = (self.b(0), self.s(0)) {
                    self.add_arc(s0, b0, label);
                    self.push();
                }
            }
            Move::Break => {
                if let Some(b1) = self.b(1) {
                    self.sent_start[b1] = true;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_starts_are_left_edges_of_roots() {
        // 0 and 2 attach to the root 1; 4 attaches to the root 3.
        let heads = [1, 1, 1, 3, 3];
        let edges = Edges::from_heads(&heads);
        assert_eq!(edges.l_edge, vec![0, 0, 2, 3, 4]);
        assert_eq!(edges.r_edge[1], 2);
        assert_eq!(
            edges.sentence_starts(&heads),
            vec![true, false, false, true, false]
        );
    }

    #[test]
    fn break_marks_a_start_that_shift_and_arcs_respect() {
        let mut st = State::new(3);
        st.apply(Move::Shift, 0);
        st.apply(Move::Break, 0);
        // B0 = 1, B1 = 2 now starts a sentence.
        st.apply(Move::Right, 0);
        let valid = st.valid_moves();
        assert!(!valid[Move::Left as usize] && !valid[Move::Right as usize]);
        assert!(!valid[Move::Shift as usize] && valid[Move::Reduce as usize]);
    }
}
