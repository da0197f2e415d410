//! Dense-layer building blocks shared by the entity network (`ner::model`) and the syntax
//! networks (`syntax`): float32 tensors from safetensors, weight matrices packed once at
//! load for a register-blocked matrix product, and thinc's Maxout + LayerNorm.
//!
//! The product runs an AVX2+FMA kernel when the CPU has it (checked once at run time) and a
//! portable kernel of the same shape otherwise; the default build needs no system library.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use safetensors::SafeTensors;

use crate::ner::hash::murmur3_128_u64;

/// Reads a float32 tensor and checks its shape; the error names the tensor.
pub(crate) fn tensor(st: &SafeTensors, name: &str, shape: &[usize]) -> Result<Vec<f32>, String> {
    let view = st.tensor(name).map_err(|e| format!("{name}: {e}"))?;
    if view.shape() != shape {
        return Err(format!(
            "{name}: shape {:?}, expected {shape:?}",
            view.shape()
        ));
    }
    if view.dtype() != safetensors::Dtype::F32 {
        return Err(format!("{name}: not float32"));
    }
    Ok(view
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

/// Rows of A per micro-tile.
const MR: usize = 6;
/// Columns of the output per micro-tile (two 8-float vectors).
const NR: usize = 16;
/// Largest depth of one pass over A and B: a B panel (KC x NR floats, 20 KB) and the A
/// rows of a tile stay in L1. Deeper products are cut into equal slices (288 = one slice:
/// the window encoders; 576 = two).
const KC: usize = 320;
/// Rows of A per block: the block (MC x KC floats) stays in L2 while every panel visits it.
const MC: usize = 72;

/// A weight matrix W (n x k, row-major: one row per output) packed once for `C = A·Wᵀ`:
/// panels of NR outputs, each stored k-major (NR contiguous floats per k), zero-padded to
/// a whole panel. Packing at load spares the per-call packing a generic GEMM does.
pub(crate) struct PackedMatrix {
    data: Vec<f32>,
    n: usize,
    k: usize,
}

impl PackedMatrix {
    /// Packs W given as n rows of k floats.
    pub(crate) fn new(w: &[f32], n: usize, k: usize) -> Self {
        assert_eq!(w.len(), n * k, "weight matrix size");
        let panels = n.div_ceil(NR);
        let mut data = vec![0.0f32; panels * k * NR];
        for p in 0..panels {
            let panel = &mut data[p * k * NR..(p + 1) * k * NR];
            for j in 0..NR.min(n - p * NR) {
                let row = &w[(p * NR + j) * k..(p * NR + j + 1) * k];
                for (kk, &v) in row.iter().enumerate() {
                    panel[kk * NR + j] = v;
                }
            }
        }
        PackedMatrix { data, n, k }
    }

    /// `c[i*ldc + j] = Σ_kk a[i*lda + kk] · W[j][kk]` for i < m, j < n. Rows of A may
    /// overlap (lda < k): the window encoders read [prev, self, next] straight from the
    /// token rows that way.
    pub(crate) fn matmul(&self, a: &[f32], lda: usize, m: usize, c: &mut [f32], ldc: usize) {
        let (n, k) = (self.n, self.k);
        if m == 0 || n == 0 {
            return;
        }
        assert!(
            ldc >= n && c.len() >= (m - 1) * ldc + n,
            "output buffer too small"
        );
        assert!(a.len() >= (m - 1) * lda + k, "input buffer too small");
        if k == 0 {
            for i in 0..m {
                c[i * ldc..i * ldc + n].fill(0.0);
            }
            return;
        }
        let fast = use_fma();
        let slice = k.div_ceil(k.div_ceil(KC));
        for k0 in (0..k).step_by(slice) {
            let kc = slice.min(k - k0);
            let accumulate = k0 > 0;
            for m0 in (0..m).step_by(MC) {
                let mc = MC.min(m - m0);
                for p in 0..n.div_ceil(NR) {
                    let nr = NR.min(n - p * NR);
                    let b = &self.data[p * k * NR + k0 * NR..p * k * NR + (k0 + kc) * NR];
                    for i0 in (m0..m0 + mc).step_by(MR) {
                        let mr = MR.min(m0 + mc - i0);
                        let tile = Tile {
                            a: &a[i0 * lda + k0..],
                            lda,
                            kc,
                            b,
                            mr,
                            nr,
                            accumulate,
                        };
                        let c_tile = &mut c[i0 * ldc + p * NR..];
                        #[cfg(target_arch = "x86_64")]
                        if fast {
                            // SAFETY: `use_fma` checked that the CPU supports AVX2 and FMA;
                            // the tile's bounds are checked inside.
                            unsafe { tile.run_fma(c_tile, ldc) };
                            continue;
                        }
                        let _ = fast;
                        tile.run_portable(c_tile, ldc);
                    }
                }
            }
        }
    }
}

/// One MR x NR block of C over one KC slice of the inner dimension.
struct Tile<'a> {
    /// A from the tile's first row and the slice's first column.
    a: &'a [f32],
    lda: usize,
    kc: usize,
    /// The packed panel's KC slice (kc x NR).
    b: &'a [f32],
    /// Valid rows (<= MR) and columns (<= NR).
    mr: usize,
    nr: usize,
    /// Add to C (later slices of the inner dimension) instead of overwriting it.
    accumulate: bool,
}

impl Tile<'_> {
    /// Offsets of the MR rows of A; rows past `mr` repeat the last valid row (computed and
    /// discarded) so the kernel never reads outside A.
    fn row_offsets(&self) -> [usize; MR] {
        let mut off = [0; MR];
        for (i, o) in off.iter_mut().enumerate() {
            *o = i.min(self.mr - 1) * self.lda;
        }
        off
    }

    fn store(&self, acc: &[[f32; NR]; MR], c: &mut [f32], ldc: usize) {
        for (i, row) in acc.iter().enumerate().take(self.mr) {
            let dst = &mut c[i * ldc..i * ldc + self.nr];
            if self.accumulate {
                dst.iter_mut().zip(row).for_each(|(d, v)| *d += v);
            } else {
                dst.copy_from_slice(&row[..self.nr]);
            }
        }
    }

    fn run_portable(&self, c: &mut [f32], ldc: usize) {
        let off = self.row_offsets();
        let mut acc = [[0.0f32; NR]; MR];
        for kk in 0..self.kc {
            let b = &self.b[kk * NR..(kk + 1) * NR];
            for (row, o) in acc.iter_mut().zip(off) {
                let av = self.a[o + kk];
                // Plain multiply-add: `mul_add` is a slow library call without FMA hardware.
                row.iter_mut().zip(b).for_each(|(r, bv)| *r += av * bv);
            }
        }
        self.store(&acc, c, ldc);
    }

    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn run_fma(&self, c: &mut [f32], ldc: usize) {
        use std::arch::x86_64::*;
        let off = self.row_offsets();
        // Every row read below lies within A: the last offset plus kc is in bounds.
        assert!(off[MR - 1] + self.kc <= self.a.len() && self.b.len() >= self.kc * NR);
        let a = self.a.as_ptr();
        let b = self.b.as_ptr();
        let mut acc = [[_mm256_setzero_ps(); 2]; MR];
        for kk in 0..self.kc {
            let b0 = _mm256_loadu_ps(b.add(kk * NR));
            let b1 = _mm256_loadu_ps(b.add(kk * NR + 8));
            for (row, o) in acc.iter_mut().zip(off) {
                let av = _mm256_broadcast_ss(&*a.add(o + kk));
                row[0] = _mm256_fmadd_ps(av, b0, row[0]);
                row[1] = _mm256_fmadd_ps(av, b1, row[1]);
            }
        }
        if self.nr == NR {
            // Whole rows of C: stored (or added) straight from the registers.
            assert!(c.len() >= (self.mr - 1) * ldc + NR);
            let c = c.as_mut_ptr();
            for (i, row) in acc.iter().enumerate().take(self.mr) {
                let dst = c.add(i * ldc);
                let (mut v0, mut v1) = (row[0], row[1]);
                if self.accumulate {
                    v0 = _mm256_add_ps(_mm256_loadu_ps(dst), v0);
                    v1 = _mm256_add_ps(_mm256_loadu_ps(dst.add(8)), v1);
                }
                _mm256_storeu_ps(dst, v0);
                _mm256_storeu_ps(dst.add(8), v1);
            }
            return;
        }
        let mut out = [[0.0f32; NR]; MR];
        for (dst, row) in out.iter_mut().zip(&acc) {
            _mm256_storeu_ps(dst.as_mut_ptr(), row[0]);
            _mm256_storeu_ps(dst.as_mut_ptr().add(8), row[1]);
        }
        self.store(&out, c, ldc);
    }
}

/// Sets `buf`'s length to `len`, zeroing only the elements it grows by: for buffers whose
/// every element is written before it is read (the products overwrite their output), so
/// the stale values left from a previous call are never seen. Saves a memset per layer.
pub(crate) fn resize_stale(buf: &mut Vec<f32>, len: usize) -> &mut [f32] {
    if buf.len() > len {
        buf.truncate(len);
    } else {
        buf.resize(len, 0.0);
    }
    buf
}

/// Whether the AVX2+FMA kernel can run (checked once).
fn use_fma() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        use std::sync::OnceLock;
        static FMA: OnceLock<bool> = OnceLock::new();
        *FMA.get_or_init(|| {
            std::env::var_os("QUOTEX_PORTABLE_GEMM").is_none()
                && is_x86_feature_detected!("avx2")
                && is_x86_feature_detected!("fma")
        })
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `out[a] = Σ_j wt[j * n + a] · h[j]` for a < n (wt is a layer's weights transposed,
/// one row of n per input), each sum taken in input order as a multiply then an add, so
/// the vector and the portable paths give the same bits.
pub(crate) fn columns_dot(h: &[f32], wt: &[f32], n: usize, out: &mut [f32]) {
    assert!(
        wt.len() >= h.len() * n && out.len() >= n,
        "columns_dot sizes"
    );
    #[cfg(target_arch = "x86_64")]
    if use_fma() {
        // SAFETY: `use_fma` checked that the CPU supports AVX2 (hence AVX); sizes above.
        unsafe { columns_dot_avx(h, wt, n, out) };
        return;
    }
    columns_dot_portable(h, wt, n, &mut out[..n]);
}

fn columns_dot_portable(h: &[f32], wt: &[f32], n: usize, out: &mut [f32]) {
    out.fill(0.0);
    for (hv, col) in h.iter().zip(wt.chunks_exact(n)) {
        out.iter_mut().zip(col).for_each(|(s, w)| *s += w * hv);
    }
}

/// # Safety
/// The CPU must support AVX; `wt` holds h.len() rows of n and `out` at least n.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
unsafe fn columns_dot_avx(h: &[f32], wt: &[f32], n: usize, out: &mut [f32]) {
    use std::arch::x86_64::*;
    let w = wt.as_ptr();
    let mut a0 = 0;
    // Four vectors of outputs at a time: independent adds keep the pipeline busy.
    while a0 + 32 <= n {
        let mut acc = [_mm256_setzero_ps(); 4];
        for (j, &hv) in h.iter().enumerate() {
            let hb = _mm256_set1_ps(hv);
            let row = w.add(j * n + a0);
            for (v, acc) in acc.iter_mut().enumerate() {
                *acc = _mm256_add_ps(*acc, _mm256_mul_ps(_mm256_loadu_ps(row.add(8 * v)), hb));
            }
        }
        for (v, acc) in acc.iter().enumerate() {
            _mm256_storeu_ps(out.as_mut_ptr().add(a0 + 8 * v), *acc);
        }
        a0 += 32;
    }
    while a0 + 8 <= n {
        let mut acc = _mm256_setzero_ps();
        for (j, &hv) in h.iter().enumerate() {
            let hb = _mm256_set1_ps(hv);
            acc = _mm256_add_ps(acc, _mm256_mul_ps(_mm256_loadu_ps(w.add(j * n + a0)), hb));
        }
        _mm256_storeu_ps(out.as_mut_ptr().add(a0), acc);
        a0 += 8;
    }
    for (a, slot) in out.iter_mut().enumerate().take(n).skip(a0) {
        let mut s = 0.0f32;
        for (j, &hv) in h.iter().enumerate() {
            s += *w.add(j * n + a) * hv;
        }
        *slot = s;
    }
}

/// `pre = ((0 + a) + b) + c` over the parts present (zeros if none).
fn sum_parts(pre: &mut [f32], parts: [Option<&[f32]>; 3]) {
    #[inline(always)]
    fn body(pre: &mut [f32], parts: [Option<&[f32]>; 3]) {
        pre.fill(0.0);
        for part in parts.into_iter().flatten() {
            pre.iter_mut().zip(part).for_each(|(p, q)| *p += q);
        }
    }
    /// # Safety
    /// The CPU must support AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn body_avx2(pre: &mut [f32], parts: [Option<&[f32]>; 3]) {
        body(pre, parts);
    }
    #[cfg(target_arch = "x86_64")]
    if use_fma() {
        // SAFETY: `use_fma` checked that the CPU supports AVX2.
        unsafe { body_avx2(pre, parts) };
        return;
    }
    body(pre, parts);
}

/// Rows of a Maxout layer computed at once: their pre-activations (64 x 288 floats, 72 KB)
/// stay in L2 between the product and the maxout.
const MAXOUT_ROWS: usize = 64;

/// Sum of `v` in eight interleaved partial sums (vectorised), then combined pairwise.
fn sum8(v: &[f32]) -> f32 {
    let mut acc = [0.0f32; 8];
    let chunks = v.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for (a, x) in acc.iter_mut().zip(c) {
            *a += x;
        }
    }
    for (a, x) in acc.iter_mut().zip(rest) {
        *a += x;
    }
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]))
}

/// thinc's `Maxout(nO, nI, nP) >> LayerNorm(nO)`.
pub(crate) struct MaxoutNorm {
    /// (pieces * n_out) x n_in, packed piece-major (thinc stores output-major): the maxout
    /// then takes the elementwise max of `pieces` contiguous vectors.
    w: PackedMatrix,
    /// pieces * n_out, piece-major.
    b: Vec<f32>,
    gain: Vec<f32>,
    shift: Vec<f32>,
    n_out: usize,
    pieces: usize,
}

impl MaxoutNorm {
    /// Loads `{name}.maxout.W` (n_out, pieces, n_in), `{name}.maxout.b`, `{name}.norm.G`
    /// and `{name}.norm.b`.
    pub(crate) fn load(
        st: &SafeTensors,
        name: &str,
        n_out: usize,
        pieces: usize,
        n_in: usize,
    ) -> Result<Self, String> {
        let w_pm = Self::piece_major_weights(st, name, n_out, pieces, n_in)?;
        let b = tensor(st, &format!("{name}.maxout.b"), &[n_out, pieces])?;
        let mut b_pm = vec![0.0f32; b.len()];
        for o in 0..n_out {
            for p in 0..pieces {
                b_pm[p * n_out + o] = b[o * pieces + p];
            }
        }
        Ok(MaxoutNorm {
            w: PackedMatrix::new(&w_pm, n_out * pieces, n_in),
            b: b_pm,
            gain: tensor(st, &format!("{name}.norm.G"), &[n_out])?,
            shift: tensor(st, &format!("{name}.norm.b"), &[n_out])?,
            n_out,
            pieces,
        })
    }

    /// `{name}.maxout.W` as (pieces * n_out) rows of n_in, piece-major.
    fn piece_major_weights(
        st: &SafeTensors,
        name: &str,
        n_out: usize,
        pieces: usize,
        n_in: usize,
    ) -> Result<Vec<f32>, String> {
        let w = tensor(st, &format!("{name}.maxout.W"), &[n_out, pieces, n_in])?;
        let mut w_pm = vec![0.0f32; w.len()];
        for o in 0..n_out {
            for p in 0..pieces {
                let (from, to) = (o * pieces + p, p * n_out + o);
                w_pm[to * n_in..(to + 1) * n_in]
                    .copy_from_slice(&w[from * n_in..(from + 1) * n_in]);
            }
        }
        Ok(w_pm)
    }

    /// The layer's weights cut along the input into `parts` equal column blocks, packed as
    /// one matrix of (parts * pieces * n_out) rows: block p's products of an input row are
    /// columns p*pieces*n_out.. of the result. For a window layer (parts = 3: previous,
    /// self, next) a token's three products depend on the token alone, so they can be
    /// computed once per distinct token and summed per window.
    fn split_inputs(
        st: &SafeTensors,
        name: &str,
        n_out: usize,
        pieces: usize,
        n_in: usize,
        parts: usize,
    ) -> Result<PackedMatrix, String> {
        let w_pm = Self::piece_major_weights(st, name, n_out, pieces, n_in)?;
        let (wide, sub) = (n_out * pieces, n_in / parts);
        let mut split = vec![0.0f32; parts * wide * sub];
        for p in 0..parts {
            for j in 0..wide {
                split[(p * wide + j) * sub..(p * wide + j + 1) * sub]
                    .copy_from_slice(&w_pm[j * n_in + p * sub..j * n_in + (p + 1) * sub]);
            }
        }
        Ok(PackedMatrix::new(&split, parts * wide, sub))
    }

    /// Bias, maxout and LayerNorm of rows of pre-activations (each pieces * n_out wide,
    /// piece-major) into `out` (n_out per row).
    fn finish(&self, pre: &[f32], out: &mut [f32]) {
        #[cfg(target_arch = "x86_64")]
        if use_fma() {
            // SAFETY: `use_fma` checked that the CPU supports AVX2.
            unsafe { self.finish_avx2(pre, out) };
            return;
        }
        self.finish_rows(pre, out);
    }

    /// The same operations compiled for AVX2: wider vectors, the same bits (no operation
    /// is reordered or fused).
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn finish_avx2(&self, pre: &[f32], out: &mut [f32]) {
        self.finish_rows(pre, out);
    }

    #[inline(always)]
    fn finish_rows(&self, pre: &[f32], out: &mut [f32]) {
        let (n_out, wide) = (self.n_out, self.n_out * self.pieces);
        let n = n_out as f32;
        for (pre, y) in pre.chunks_exact(wide).zip(out.chunks_exact_mut(n_out)) {
            // max over pieces, in piece order, of pre-activation + bias.
            for ((v, p), b) in y.iter_mut().zip(&pre[..n_out]).zip(&self.b[..n_out]) {
                *v = p + b;
            }
            for piece in 1..self.pieces {
                let (p, b) = (
                    &pre[piece * n_out..(piece + 1) * n_out],
                    &self.b[piece * n_out..(piece + 1) * n_out],
                );
                for ((v, p), b) in y.iter_mut().zip(p).zip(b) {
                    *v = v.max(p + b);
                }
            }
            let mean = sum8(y) / n;
            let mut dev = [0.0f32; 8];
            for c in y.chunks(8) {
                for (d, v) in dev.iter_mut().zip(c) {
                    *d += (v - mean) * (v - mean);
                }
            }
            let var = sum8(&dev) / n + 1e-8;
            let inv = 1.0 / var.sqrt();
            for ((v, g), s) in y.iter_mut().zip(&self.gain).zip(&self.shift) {
                *v = (*v - mean) * inv * g + s;
            }
        }
    }

    /// Applies the layer to `m` rows of `x` (row r at `r * ldx`, n_in wide; rows may
    /// overlap) into `out` (m x n_out).
    pub(crate) fn forward(
        &self,
        x: &[f32],
        ldx: usize,
        m: usize,
        scratch: &mut Vec<f32>,
        out: &mut [f32],
    ) {
        let (n_out, wide) = (self.n_out, self.n_out * self.pieces);
        scratch.clear();
        scratch.resize(MAXOUT_ROWS.min(m) * wide, 0.0);
        for r0 in (0..m).step_by(MAXOUT_ROWS) {
            let rows = MAXOUT_ROWS.min(m - r0);
            self.w.matmul(&x[r0 * ldx..], ldx, rows, scratch, wide);
            self.finish(
                &scratch[..rows * wide],
                &mut out[r0 * n_out..(r0 + rows) * n_out],
            );
        }
    }
}

/// Output rows per Winograd tile: F(4,3) computes four window outputs from six inputs.
const WINO_OUT: usize = 4;
/// Input rows (and products) per tile.
const WINO_POINTS: usize = 6;
/// Window outputs per block of the Winograd path: 24 tiles, a whole number of GEMM
/// micro-tiles (MR = 6) per product.
const WINO_BLOCK: usize = 96;
/// Lavin & Gray's F(4,3) weight transform (points 0, ±1, ±2, ∞): V_j = Σ_k G[j][k]·W_k.
const WINO_G: [[f64; 3]; WINO_POINTS] = [
    [1.0 / 4.0, 0.0, 0.0],
    [-1.0 / 6.0, -1.0 / 6.0, -1.0 / 6.0],
    [-1.0 / 6.0, 1.0 / 6.0, -1.0 / 6.0],
    [1.0 / 24.0, 1.0 / 12.0, 1.0 / 6.0],
    [1.0 / 24.0, -1.0 / 12.0, 1.0 / 6.0],
    [0.0, 0.0, 1.0],
];

/// A window encoder's weights in the Winograd domain. A window layer is a convolution of
/// width 3 over the token rows (y_t = W_prev·d_{t-1} + W_self·d_t + W_next·d_{t+1}), so
/// F(4,3) gives four outputs from six products of 96 inputs each instead of twelve:
/// half the multiply-adds of the layers after the first, which are most of the network.
/// The transforms add about 2.5x the rounding of the plain product (~1e-6 relative),
/// far below what changes a decision: the parity fixtures are identical.
struct Winograd {
    /// V_0..V_5 (pieces * n_out rows of WIDTH), packed.
    v: Vec<PackedMatrix>,
}

impl Winograd {
    /// From a window layer's piece-major weights (wide rows of [previous, self, next]).
    fn new(w_pm: &[f32], wide: usize) -> Self {
        let n_in = 3 * WIDTH;
        assert_eq!(w_pm.len(), wide * n_in, "window layer size");
        let v = WINO_G
            .iter()
            .map(|g| {
                let mut vj = vec![0.0f32; wide * WIDTH];
                for (o, row) in vj.chunks_exact_mut(WIDTH).enumerate() {
                    for (c, out) in row.iter_mut().enumerate() {
                        // In f64, rounded once.
                        let s: f64 = (0..3)
                            .map(|k| g[k] * f64::from(w_pm[o * n_in + k * WIDTH + c]))
                            .sum();
                        *out = s as f32;
                    }
                }
                PackedMatrix::new(&vj, wide, WIDTH)
            })
            .collect();
        Winograd { v }
    }

    /// Pre-activations of the window outputs at rows `lo..lo + count` (count a multiple of
    /// WINO_OUT) into `pre` (count x the layer's width), reading input row t from `row(t)`
    /// (None: zeros).
    fn forward<'a>(
        &self,
        row: impl Fn(usize) -> Option<&'a [f32]>,
        lo: usize,
        count: usize,
        bufs: &mut WinoBuffers,
        pre: &mut [f32],
    ) {
        debug_assert!(count.is_multiple_of(WINO_OUT));
        // Every V_j has the layer's output width.
        let wide = self.v[0].n;
        let tiles = count / WINO_OUT;
        // Tile-major: a tile's six transformed inputs (and later its six products) are
        // contiguous; product j reads every sixth row.
        bufs.u.resize(tiles * WINO_POINTS * WIDTH, 0.0);
        const ZEROS: [f32; WIDTH] = [0.0; WIDTH];
        for (p, u) in bufs.u.chunks_exact_mut(WINO_POINTS * WIDTH).enumerate() {
            // Inputs d_{t0-1} .. d_{t0+4} of the outputs t0 .. t0+3.
            let t0 = lo + p * WINO_OUT;
            let e: [&[f32]; WINO_POINTS] =
                std::array::from_fn(|l| (t0 + l).checked_sub(1).and_then(&row).unwrap_or(&ZEROS));
            input_transform(e, u);
        }
        bufs.m.resize(tiles * WINO_POINTS * wide, 0.0);
        for (j, v) in self.v.iter().enumerate() {
            v.matmul(
                &bufs.u[j * WIDTH..],
                WINO_POINTS * WIDTH,
                tiles,
                &mut bufs.m[j * wide..],
                WINO_POINTS * wide,
            );
        }
        output_transform(
            &bufs.m[..tiles * WINO_POINTS * wide],
            wide,
            &mut pre[..count * wide],
        );
    }
}

/// Per-thread scratch of [`Winograd::forward`].
#[derive(Default)]
pub(crate) struct WinoBuffers {
    u: Vec<f32>,
    m: Vec<f32>,
}

/// A tile's six transformed inputs U_j = Σ_l BT[j][l]·e_l into `u` (6 x WIDTH), with
/// Lavin & Gray's integer B^T written out (no products by zero).
fn input_transform(e: [&[f32]; WINO_POINTS], u: &mut [f32]) {
    #[inline(always)]
    fn body(e: [&[f32]; WINO_POINTS], u: &mut [f32]) {
        let [e0, e1, e2, e3, e4, e5] = e.map(|x| &x[..WIDTH]);
        let (u0, rest) = u[..WINO_POINTS * WIDTH].split_at_mut(WIDTH);
        let (u1, rest) = rest.split_at_mut(WIDTH);
        let (u2, rest) = rest.split_at_mut(WIDTH);
        let (u3, rest) = rest.split_at_mut(WIDTH);
        let (u4, u5) = rest.split_at_mut(WIDTH);
        for c in 0..WIDTH {
            let (a, b, d, f) = (e1[c], e2[c], e3[c], e4[c]);
            u0[c] = 4.0 * e0[c] - 5.0 * b + f;
            u1[c] = -4.0 * a - 4.0 * b + d + f;
            u2[c] = 4.0 * a - 4.0 * b - d + f;
            u3[c] = -2.0 * a - b + 2.0 * d + f;
            u4[c] = 2.0 * a - b - 2.0 * d + f;
            u5[c] = 4.0 * a - 5.0 * d + e5[c];
        }
    }
    /// # Safety
    /// The CPU must support AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn body_avx2(e: [&[f32]; WINO_POINTS], u: &mut [f32]) {
        body(e, u);
    }
    #[cfg(target_arch = "x86_64")]
    if use_fma() {
        // SAFETY: `use_fma` checked that the CPU supports AVX2.
        unsafe { body_avx2(e, u) };
        return;
    }
    body(e, u);
}

/// Each tile's four output rows from its six products (A^T written out): `m` holds the
/// tiles' products (6 x wide each), `pre` receives 4 x wide per tile.
fn output_transform(m: &[f32], wide: usize, pre: &mut [f32]) {
    #[inline(always)]
    fn body(m: &[f32], wide: usize, pre: &mut [f32]) {
        for (mt, out) in m
            .chunks_exact(WINO_POINTS * wide)
            .zip(pre.chunks_exact_mut(WINO_OUT * wide))
        {
            let (m0, rest) = mt.split_at(wide);
            let (m1, rest) = rest.split_at(wide);
            let (m2, rest) = rest.split_at(wide);
            let (m3, rest) = rest.split_at(wide);
            let (m4, m5) = rest.split_at(wide);
            let (y0, rest) = out.split_at_mut(wide);
            let (y1, rest) = rest.split_at_mut(wide);
            let (y2, y3) = rest.split_at_mut(wide);
            for c in 0..wide {
                let (s12, d12) = (m1[c] + m2[c], m1[c] - m2[c]);
                let (s34, d34) = (m3[c] + m4[c], m3[c] - m4[c]);
                y0[c] = m0[c] + s12 + s34;
                y1[c] = d12 + 2.0 * d34;
                y2[c] = s12 + 4.0 * s34;
                y3[c] = d12 + 8.0 * d34 + m5[c];
            }
        }
    }
    /// # Safety
    /// The CPU must support AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn body_avx2(m: &[f32], wide: usize, pre: &mut [f32]) {
        body(m, wide, pre);
    }
    #[cfg(target_arch = "x86_64")]
    if use_fma() {
        // SAFETY: `use_fma` checked that the CPU supports AVX2.
        unsafe { body_avx2(m, wide, pre) };
        return;
    }
    body(m, wide, pre);
}

/// Width of spaCy sm's token vectors.
pub(crate) const WIDTH: usize = 96;
/// Maxout pieces of the mixer and the window encoders.
const T2V_PIECES: usize = 3;
/// Window encoders (each sees one token on each side).
const DEPTH: usize = 4;
/// thinc's `with_array(pad=4)` around the encoders: zero rows on both sides of a document.
pub(crate) const PAD: usize = 4;
/// Tokens of context a token's vector depends on, each side: one per window encoder.
pub(crate) const CONTEXT: usize = DEPTH;
/// Entries of the per-thread mix cache (96 floats each, 0.4 KB; 4 MB per thread and
/// network, allocated exactly); cleared when full. News repeats its frequent words, which
/// a cache of this size holds; twice the size cost 17 MB at two threads for no speed.
const MIX_CACHE_LIMIT: usize = 10_000;
/// Floats of one token's first-layer products: [previous, self, next] x pieces x WIDTH.
const SPLIT_WIDTH: usize = 3 * T2V_PIECES * WIDTH;
/// Keys whose first-layer products are kept across documents (3.4 KB each): the most
/// frequent words (a few hundred cover half of news text).
const Q_CACHE_LIMIT: usize = 1024;
/// A key's products are kept once its mix row has been found this many times.
const Q_ADMIT_HITS: u32 = 4;
/// Marks a `q_src` entry as a slot of the product cache.
const CACHED: u32 = 1 << 31;
const NO_SLOT: u32 = u32::MAX;
/// The window id of a zero row: padding at depth 0, and beyond the padded ends.
const ZERO_ID: u32 = u32::MAX;
/// Buffers above this many floats are released after a document, so one huge document
/// does not pin its memory for the rest of the run.
const KEEP_FLOATS: usize = 4 << 20;

static NEXT_TOK2VEC_ID: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);

/// One hash-embedding table (thinc's `HashEmbed`): a key's vector is the sum of the four
/// rows its MurmurHash3 words select.
struct HashEmbed {
    table: Vec<f32>,
    rows: usize,
    seed: u32,
}

/// spaCy's `Tok2Vec.v2` with `MultiHashEmbed` over C attribute columns, a Maxout+LayerNorm
/// mixer and four residual window encoders (window 1, 3 pieces), 96 wide. The entity
/// network (C = 4) and the shared syntax tok2vec (C = 6) are both this.
pub(crate) struct Tok2Vec<const C: usize> {
    /// Identifies this network's rows in the per-thread mix caches.
    id: usize,
    embeddings: Vec<HashEmbed>,
    mix: MaxoutNorm,
    encoders: Vec<MaxoutNorm>,
    /// The first encoder's weights cut into its [previous, self, next] input blocks
    /// (3 * 288 rows of 96): a token's three products depend on its mix row alone, so the
    /// first layer is computed once per distinct token (and cached for frequent ones),
    /// then summed per window, instead of once per token over its whole window.
    first_split: PackedMatrix,
    /// Encoders 1.. in the Winograd domain (the first runs on `first_split`).
    winograd: Vec<Winograd>,
}

/// Per-thread buffers of a [`Tok2Vec`], reused across documents.
pub(crate) struct Tok2VecBuffers<const C: usize> {
    /// One zero row, PAD rows, the tokens' mix rows (depth 0), PAD rows, one zero row.
    x: Vec<f32>,
    n: usize,
    delta: Vec<f32>,
    scratch: Vec<f32>,
    embedded: Vec<f32>,
    /// Embedding + mix output of a token, keyed by its attribute keys: the row depends on
    /// nothing else, and news repeats its words, so most tokens skip both.
    cache_index: HashMap<[u64; C], u32, KeyHash>,
    cache_rows: Vec<f32>,
    /// The network whose rows the cache holds.
    owner: usize,
    misses: Vec<[u64; C]>,
    pending: Vec<(u32, u32)>,
    miss_index: HashMap<[u64; C], u32, KeyHash>,
    mixed: Vec<f32>,
    /// Per mix-cache entry: how often it was found, and its slot in `q_rows` (or NO_SLOT).
    cache_hits: Vec<u32>,
    cache_q: Vec<u32>,
    /// First-layer products ([previous, self, next] blocks, SPLIT_WIDTH floats) of the
    /// frequent keys, at most Q_CACHE_LIMIT of them.
    q_rows: Vec<f32>,
    /// Per token of the call: a slot in `q_rows` (| CACHED) or an index into `q_local`.
    q_src: Vec<u32>,
    /// The call's distinct keys without a cached product: their first token, and where
    /// in the mix cache they sit if they may be admitted to `q_rows`.
    q_index: HashMap<[u64; C], u32, KeyHash>,
    q_first: Vec<u32>,
    q_admit: Vec<(u32, u32)>,
    q_input: Vec<f32>,
    q_local: Vec<f32>,
    /// Per padded row: its window id at the current depth, and at the next.
    ids: Vec<u32>,
    next_ids: Vec<u32>,
    /// The distinct windows of the layer being computed, and their index.
    windows: Vec<Window>,
    window_index: HashMap<[u32; 3], u32, KeyHash>,
    /// Rows of the distinct windows: the layer below (`prev`) and this one (`cur`).
    prev: Vec<f32>,
    cur: Vec<f32>,
    /// A block of gathered [previous, self, next] inputs (MAXOUT_ROWS x 3 * WIDTH).
    gathered: Vec<f32>,
    wino: WinoBuffers,
    /// Winograd outputs of a row range with gaps (rows whose window came earlier).
    wino_pre: Vec<f32>,
}

impl<const C: usize> Default for Tok2VecBuffers<C> {
    fn default() -> Self {
        Tok2VecBuffers {
            x: Vec::new(),
            n: 0,
            delta: Vec::new(),
            scratch: Vec::new(),
            embedded: Vec::new(),
            cache_index: HashMap::default(),
            cache_rows: Vec::new(),
            owner: 0,
            misses: Vec::new(),
            pending: Vec::new(),
            miss_index: HashMap::default(),
            mixed: Vec::new(),
            cache_hits: Vec::new(),
            cache_q: Vec::new(),
            q_rows: Vec::new(),
            q_src: Vec::new(),
            q_index: HashMap::default(),
            q_first: Vec::new(),
            q_admit: Vec::new(),
            q_input: Vec::new(),
            q_local: Vec::new(),
            ids: Vec::new(),
            next_ids: Vec::new(),
            windows: Vec::new(),
            window_index: HashMap::default(),
            prev: Vec::new(),
            cur: Vec::new(),
            gathered: Vec::new(),
            wino: WinoBuffers::default(),
            wino_pre: Vec::new(),
        }
    }
}

impl<const C: usize> Tok2VecBuffers<C> {
    /// The token vectors of the last forward pass (n x WIDTH), gathered from the distinct
    /// last-layer rows (the product reads those directly: [`Tok2VecBuffers::distinct_rows`]).
    #[cfg(test)]
    pub(crate) fn tokvecs(&self) -> Vec<f32> {
        self.ids[PAD..PAD + self.n]
            .iter()
            .flat_map(|&id| &self.prev[id as usize * WIDTH..(id as usize + 1) * WIDTH])
            .copied()
            .collect()
    }

    /// The distinct token vectors of tokens a..b (indices into the last forward pass's
    /// keys) into `out`: tokens with the same last-layer window id have the same bits,
    /// so per-token layers downstream (projections, the tagger) can run once per
    /// distinct row and be read through `out.slots`.
    pub(crate) fn distinct_rows(&self, a: usize, b: usize, out: &mut DistinctRows) {
        out.slots.clear();
        out.rows.clear();
        out.map.clear();
        out.map.resize(self.prev.len() / WIDTH, NO_SLOT);
        for &id in &self.ids[PAD + a..PAD + b] {
            let id = id as usize;
            if out.map[id] == NO_SLOT {
                out.map[id] = (out.rows.len() / WIDTH) as u32;
                out.rows
                    .extend_from_slice(&self.prev[id * WIDTH..(id + 1) * WIDTH]);
            }
            out.slots.push(out.map[id]);
        }
    }

    /// Frees the buffers a huge document grew (the cache keeps its bounded size).
    pub(crate) fn release_if_large(&mut self) {
        if self.ids.capacity() > KEEP_FLOATS {
            self.ids = Vec::new();
            self.next_ids = Vec::new();
            self.windows = Vec::new();
            self.window_index = HashMap::default();
        }
        for buf in [
            &mut self.x,
            &mut self.delta,
            &mut self.scratch,
            &mut self.embedded,
            &mut self.mixed,
            &mut self.q_input,
            &mut self.q_local,
            &mut self.prev,
            &mut self.cur,
            &mut self.wino.u,
            &mut self.wino.m,
            &mut self.wino_pre,
        ] {
            if buf.capacity() > KEEP_FLOATS {
                *buf = Vec::new();
            }
        }
    }
}

impl<const C: usize> Tok2Vec<C> {
    /// Loads `{prefix}embed.{i}` (rows x 96) for each (seed, rows) in column order,
    /// `{prefix}mix` and `{prefix}encode.{0..4}`.
    pub(crate) fn load(
        st: &SafeTensors,
        prefix: &str,
        columns: &[(u32, usize)],
    ) -> Result<Self, String> {
        if columns.len() != C {
            return Err(format!("{prefix}tok2vec: expected {C} embedding columns"));
        }
        let embeddings = columns
            .iter()
            .enumerate()
            .map(|(i, &(seed, rows))| {
                Ok(HashEmbed {
                    table: tensor(st, &format!("{prefix}embed.{i}"), &[rows, WIDTH])?,
                    rows,
                    seed,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let encoders = (0..DEPTH)
            .map(|k| {
                MaxoutNorm::load(
                    st,
                    &format!("{prefix}encode.{k}"),
                    WIDTH,
                    T2V_PIECES,
                    3 * WIDTH,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Tok2Vec {
            id: NEXT_TOK2VEC_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            mix: MaxoutNorm::load(st, &format!("{prefix}mix"), WIDTH, T2V_PIECES, C * WIDTH)?,
            embeddings,
            encoders,
            first_split: MaxoutNorm::split_inputs(
                st,
                &format!("{prefix}encode.0"),
                WIDTH,
                T2V_PIECES,
                3 * WIDTH,
                3,
            )?,
            winograd: (1..DEPTH)
                .map(|k| {
                    let name = format!("{prefix}encode.{k}");
                    let w =
                        MaxoutNorm::piece_major_weights(st, &name, WIDTH, T2V_PIECES, 3 * WIDTH)?;
                    Ok(Winograd::new(&w, T2V_PIECES * WIDTH))
                })
                .collect::<Result<Vec<_>, String>>()?,
        })
    }

    /// Token vectors of a document (or of a window of one with CONTEXT tokens around it)
    /// from each token's attribute keys, into `buf` (read them with `buf.distinct_rows`).
    pub(crate) fn forward(&self, keys: &[[u64; C]], buf: &mut Tok2VecBuffers<C>) {
        let n = keys.len();
        let rows = n + 2 * PAD;
        buf.n = n;
        // Token rows are all written below; the zero row and the padding rows at each end
        // must be zeros.
        resize_stale(&mut buf.x, (rows + 2) * WIDTH);
        buf.x[..(1 + PAD) * WIDTH].fill(0.0);
        buf.x[(1 + PAD + n) * WIDTH..].fill(0.0);
        if buf.owner != self.id || buf.cache_index.len() >= MIX_CACHE_LIMIT {
            buf.cache_index.clear();
            buf.cache_rows.clear();
            buf.cache_hits.clear();
            buf.cache_q.clear();
            buf.q_rows.clear();
            buf.owner = self.id;
        }
        // Rows from the cache; the misses (each distinct key once) go through the mixer.
        // Each token's first-layer products come from the product cache or from this
        // call's distinct keys (`q_local`).
        buf.misses.clear();
        buf.pending.clear();
        buf.miss_index.clear();
        buf.q_src.clear();
        buf.q_index.clear();
        buf.q_first.clear();
        buf.q_admit.clear();
        for (t, k) in keys.iter().enumerate() {
            let dst = (1 + PAD + t) * WIDTH;
            let mut entry = NO_SLOT;
            match buf.cache_index.get(k) {
                Some(&r) => {
                    let ri = r as usize;
                    buf.x[dst..dst + WIDTH]
                        .copy_from_slice(&buf.cache_rows[ri * WIDTH..(ri + 1) * WIDTH]);
                    if buf.cache_q[ri] != NO_SLOT {
                        buf.q_src.push(CACHED | buf.cache_q[ri]);
                        continue;
                    }
                    buf.cache_hits[ri] += 1;
                    if buf.cache_hits[ri] >= Q_ADMIT_HITS {
                        entry = r;
                    }
                }
                None => {
                    let next = buf.misses.len() as u32;
                    let i = *buf.miss_index.entry(*k).or_insert(next);
                    if i == next {
                        buf.misses.push(*k);
                    }
                    buf.pending.push((t as u32, i));
                }
            }
            let next = buf.q_first.len() as u32;
            let i = *buf.q_index.entry(*k).or_insert(next);
            if i == next {
                buf.q_first.push(t as u32);
                if entry != NO_SLOT {
                    buf.q_admit.push((i, entry));
                }
            }
            buf.q_src.push(i);
        }
        let m = buf.misses.len();
        if m > 0 {
            buf.embedded.clear();
            buf.embedded.resize(m * C * WIDTH, 0.0);
            for (row, k) in buf.embedded.chunks_exact_mut(C * WIDTH).zip(&buf.misses) {
                for ((dst, e), &key) in row.chunks_exact_mut(WIDTH).zip(&self.embeddings).zip(k) {
                    for h in murmur3_128_u64(key, e.seed) {
                        let r = (h as usize) % e.rows;
                        let src = &e.table[r * WIDTH..(r + 1) * WIDTH];
                        dst.iter_mut().zip(src).for_each(|(d, s)| *d += s);
                    }
                }
            }
            resize_stale(&mut buf.mixed, m * WIDTH);
            self.mix.forward(
                &buf.embedded,
                C * WIDTH,
                m,
                &mut buf.scratch,
                &mut buf.mixed,
            );
            for &(t, i) in &buf.pending {
                let (dst, i) = ((1 + PAD + t as usize) * WIDTH, i as usize);
                buf.x[dst..dst + WIDTH].copy_from_slice(&buf.mixed[i * WIDTH..(i + 1) * WIDTH]);
            }
            for (i, k) in buf.misses.iter().enumerate() {
                if buf.cache_index.len() >= MIX_CACHE_LIMIT {
                    break;
                }
                if buf.cache_rows.capacity() == 0 {
                    // Exactly the bound: doubling growth would overshoot it by up to 2x.
                    buf.cache_rows.reserve_exact(MIX_CACHE_LIMIT * WIDTH);
                }
                let r = buf.cache_index.len() as u32;
                buf.cache_index.insert(*k, r);
                buf.cache_rows
                    .extend_from_slice(&buf.mixed[i * WIDTH..(i + 1) * WIDTH]);
                buf.cache_hits.push(0);
                buf.cache_q.push(NO_SLOT);
            }
        }
        // First-layer products of this call's distinct keys (rows are independent, so a
        // key's products are the same bits whichever call computes them).
        let mq = buf.q_first.len();
        buf.q_input.clear();
        for &t in &buf.q_first {
            let src = (1 + PAD + t as usize) * WIDTH;
            buf.q_input.extend_from_slice(&buf.x[src..src + WIDTH]);
        }
        // Every row is overwritten below: no need to zero it.
        buf.q_local.resize(mq * SPLIT_WIDTH, 0.0);
        self.first_split
            .matmul(&buf.q_input, WIDTH, mq, &mut buf.q_local, SPLIT_WIDTH);

        // The encoders, once per distinct receptive field. Each is a window-1 convolution
        // (padded row r reads rows r-1, r, r+1 of the layer below; zeros beyond the padded
        // ends), so a row at depth l is a function of the ids of those three rows at depth
        // l-1: rows with the same id triple have the same bits. Depth 0's id is the row's
        // key (`q_src`, unique per key within a call; padding rows and the ends are zeros:
        // ZERO_ID). Each layer interns its triples and computes each distinct one once;
        // repetitive text (symbol runs, tables, boilerplate) then costs a fraction, and
        // natural text pays a hash lookup per row and layer.
        buf.ids.clear();
        buf.ids.extend((0..rows).map(|r| {
            r.checked_sub(PAD)
                .filter(|&t| t < n)
                .map_or(ZERO_ID, |t| buf.q_src[t])
        }));
        let wide = T2V_PIECES * WIDTH;
        for (k, enc) in self.encoders.iter().enumerate() {
            intern_windows(
                &buf.ids,
                &mut buf.next_ids,
                &mut buf.window_index,
                &mut buf.windows,
            );
            let m = buf.windows.len();
            let block_rows = if k == 0 { MAXOUT_ROWS } else { WINO_BLOCK };
            // Every row is written by the residual below.
            resize_stale(&mut buf.cur, m * WIDTH);
            buf.scratch.clear();
            buf.scratch.resize(block_rows.min(m) * wide, 0.0);
            buf.delta.clear();
            buf.delta.resize(block_rows.min(m) * WIDTH, 0.0);
            for j0 in (0..m).step_by(block_rows) {
                let count = block_rows.min(m - j0);
                let block = &buf.windows[j0..j0 + count];
                if k == 0 {
                    // The first encoder: a window's pre-activation is the previous row's
                    // first block + its own second + the next row's third (zero rows
                    // contribute nothing), summed as before the dedup.
                    let products = |src: u32| -> Option<&[f32]> {
                        if src == ZERO_ID {
                            None
                        } else if src & CACHED != 0 {
                            let s = (src & !CACHED) as usize;
                            Some(&buf.q_rows[s * SPLIT_WIDTH..(s + 1) * SPLIT_WIDTH])
                        } else {
                            let s = src as usize;
                            Some(&buf.q_local[s * SPLIT_WIDTH..(s + 1) * SPLIT_WIDTH])
                        }
                    };
                    for (pre, w) in buf.scratch.chunks_exact_mut(wide).zip(block) {
                        sum_parts(
                            pre,
                            [
                                products(w.ids[0]).map(|q| &q[..wide]),
                                products(w.ids[1]).map(|q| &q[wide..2 * wide]),
                                products(w.ids[2]).map(|q| &q[2 * wide..]),
                            ],
                        );
                    }
                } else if let Some(span) = winograd_span(block) {
                    // Later encoders on prose: the block's windows are (nearly) all the
                    // rows of a range, so the range goes through the Winograd product and
                    // the windows take their rows from it.
                    let len = span.div_ceil(WINO_OUT) * WINO_OUT;
                    let lo = block[0].row as usize;
                    let (ids, prev) = (&buf.ids, &buf.prev);
                    let row = |t: usize| -> Option<&[f32]> {
                        let id = *ids.get(t)?;
                        (id != ZERO_ID).then(|| &prev[id as usize * WIDTH..][..WIDTH])
                    };
                    let gaps = span != count;
                    let target = if gaps {
                        &mut buf.wino_pre
                    } else {
                        &mut buf.scratch
                    };
                    if target.len() < len * wide {
                        target.resize(len * wide, 0.0);
                    }
                    self.winograd[k - 1].forward(row, lo, len, &mut buf.wino, target);
                    if gaps {
                        for (dst, w) in buf.scratch.chunks_exact_mut(wide).zip(block) {
                            let r = w.row as usize - lo;
                            dst.copy_from_slice(&buf.wino_pre[r * wide..(r + 1) * wide]);
                        }
                    }
                } else {
                    // Later encoders on repetitive text: [previous, self, next] rows of the
                    // layer below, gathered (zeros for ZERO_ID), through the layer's product.
                    buf.gathered.clear();
                    for w in block {
                        for &id in &w.ids {
                            if id == ZERO_ID {
                                buf.gathered.extend_from_slice(&[0.0; WIDTH]);
                            } else {
                                let i = id as usize;
                                buf.gathered
                                    .extend_from_slice(&buf.prev[i * WIDTH..(i + 1) * WIDTH]);
                            }
                        }
                    }
                    enc.w
                        .matmul(&buf.gathered, 3 * WIDTH, count, &mut buf.scratch, wide);
                }
                enc.finish(
                    &buf.scratch[..count * wide],
                    &mut buf.delta[..count * WIDTH],
                );
                // The residual: the window's own row below plus the layer's output.
                for ((x, d), w) in buf.cur[j0 * WIDTH..(j0 + count) * WIDTH]
                    .chunks_exact_mut(WIDTH)
                    .zip(buf.delta.chunks_exact(WIDTH))
                    .zip(block)
                {
                    let below: &[f32] = if k == 0 {
                        // Depth 0 rows are the token rows of `x` (zeros for padding).
                        let r = w.row as usize;
                        &buf.x[(1 + r) * WIDTH..(2 + r) * WIDTH]
                    } else {
                        let i = w.ids[1] as usize;
                        &buf.prev[i * WIDTH..(i + 1) * WIDTH]
                    };
                    x.iter_mut()
                        .zip(below.iter().zip(d))
                        .for_each(|(x, (b, d))| *x = b + d);
                }
            }
            if k == 0 {
                for &(i, entry) in &buf.q_admit {
                    if buf.q_rows.len() >= Q_CACHE_LIMIT * SPLIT_WIDTH {
                        break;
                    }
                    buf.cache_q[entry as usize] = (buf.q_rows.len() / SPLIT_WIDTH) as u32;
                    let i = i as usize;
                    buf.q_rows
                        .extend_from_slice(&buf.q_local[i * SPLIT_WIDTH..(i + 1) * SPLIT_WIDTH]);
                }
            }
            std::mem::swap(&mut buf.ids, &mut buf.next_ids);
            std::mem::swap(&mut buf.prev, &mut buf.cur);
        }
    }
}

/// Distinct token vectors of a run of tokens (see [`Tok2VecBuffers::distinct_rows`]).
#[derive(Default)]
pub(crate) struct DistinctRows {
    /// Per token: its row in `rows`.
    pub(crate) slots: Vec<u32>,
    /// The distinct rows, WIDTH floats each, in order of first use.
    pub(crate) rows: Vec<f32>,
    /// Per last-layer window id: its row in `rows` (scratch).
    map: Vec<u32>,
}

impl DistinctRows {
    /// Number of distinct rows.
    pub(crate) fn len(&self) -> usize {
        self.rows.len() / WIDTH
    }

    /// Frees what a huge document grew.
    pub(crate) fn release_if_large(&mut self) {
        if self.rows.capacity() > KEEP_FLOATS {
            *self = DistinctRows::default();
        }
    }
}

#[cfg(test)]
impl<const C: usize> Tok2Vec<C> {
    /// The network computed the plain way, every row of every layer (no caches, no
    /// dedup), as the token vectors (n x WIDTH): the reference the tests compare with.
    pub(crate) fn forward_reference(&self, keys: &[[u64; C]]) -> Vec<f32> {
        let n = keys.len();
        let rows = n + 2 * PAD;
        let wide = T2V_PIECES * WIDTH;
        let mut embedded = vec![0.0f32; n * C * WIDTH];
        for (row, k) in embedded.chunks_exact_mut(C * WIDTH).zip(keys) {
            for ((dst, e), &key) in row.chunks_exact_mut(WIDTH).zip(&self.embeddings).zip(k) {
                for h in murmur3_128_u64(key, e.seed) {
                    let r = (h as usize) % e.rows;
                    let src = &e.table[r * WIDTH..(r + 1) * WIDTH];
                    dst.iter_mut().zip(src).for_each(|(d, s)| *d += s);
                }
            }
        }
        let mut scratch = Vec::new();
        let mut x = vec![0.0f32; (rows + 2) * WIDTH];
        self.mix.forward(
            &embedded,
            C * WIDTH,
            n,
            &mut scratch,
            &mut x[(1 + PAD) * WIDTH..(1 + PAD + n) * WIDTH],
        );
        let mut q = vec![0.0f32; n * SPLIT_WIDTH];
        self.first_split
            .matmul(&x[(1 + PAD) * WIDTH..], WIDTH, n, &mut q, SPLIT_WIDTH);
        let products = |u: usize| {
            let t = u.checked_sub(PAD).filter(|&t| t < n)?;
            Some(&q[t * SPLIT_WIDTH..(t + 1) * SPLIT_WIDTH])
        };
        let mut delta = vec![0.0f32; rows * WIDTH];
        let mut pre = vec![0.0f32; wide];
        for r in 0..rows {
            sum_parts(
                &mut pre,
                [
                    r.checked_sub(1).and_then(products).map(|q| &q[..wide]),
                    products(r).map(|q| &q[wide..2 * wide]),
                    products(r + 1).map(|q| &q[2 * wide..]),
                ],
            );
            self.encoders[0].finish(&pre, &mut delta[r * WIDTH..(r + 1) * WIDTH]);
        }
        for (k, enc) in self.encoders.iter().enumerate() {
            if k > 0 {
                enc.forward(&x, WIDTH, rows, &mut scratch, &mut delta);
            }
            x[WIDTH..(rows + 1) * WIDTH]
                .iter_mut()
                .zip(&delta)
                .for_each(|(x, d)| *x += d);
        }
        x[(1 + PAD) * WIDTH..(1 + PAD + n) * WIDTH].to_vec()
    }
}

/// The row span of a block of windows when it is dense enough for the Winograd path: at
/// most one row in eight of the span is a repeat whose window came earlier (prose has
/// almost none; symbol runs and tables keep the per-window product).
fn winograd_span(block: &[Window]) -> Option<usize> {
    let (first, last) = (block.first()?, block.last()?);
    let span = (last.row - first.row) as usize + 1;
    (span <= block.len() + block.len() / 8).then_some(span)
}

/// One distinct window of a layer: the ids of its [previous, self, next] rows in the layer
/// below, and the first padded row that has it.
#[derive(Clone, Copy)]
struct Window {
    ids: [u32; 3],
    row: u32,
}

/// Gives each row of `ids` the id of its [previous, self, next] triple (ZERO_ID beyond the
/// ends) in `next_ids`: dense, in order of first occurrence, the triples in `windows`.
fn intern_windows(
    ids: &[u32],
    next_ids: &mut Vec<u32>,
    index: &mut HashMap<[u32; 3], u32, KeyHash>,
    windows: &mut Vec<Window>,
) {
    index.clear();
    windows.clear();
    next_ids.clear();
    let rows = ids.len();
    let mut last: Option<([u32; 3], u32)> = None;
    for r in 0..rows {
        let key = [
            if r > 0 { ids[r - 1] } else { ZERO_ID },
            ids[r],
            ids.get(r + 1).copied().unwrap_or(ZERO_ID),
        ];
        // Runs of one window (symbol runs) skip the hash.
        let id = match last {
            Some((k, id)) if k == key => id,
            _ => {
                let next = windows.len() as u32;
                let id = *index.entry(key).or_insert(next);
                if id == next {
                    windows.push(Window {
                        ids: key,
                        row: r as u32,
                    });
                }
                id
            }
        };
        last = Some((key, id));
        next_ids.push(id);
    }
}

/// A hasher for keys that are already hashes (spaCy's 64-bit string keys): a multiply-
/// rotate mix per word, much cheaper than SipHash for the per-token caches.
#[derive(Default, Clone, Copy)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Eight bytes per mix: keys of integers arrive here as one byte slice.
        let chunks = bytes.chunks_exact(8);
        let rest = chunks.remainder();
        for c in chunks {
            self.write_u64(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        for &b in rest {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u32(&mut self, x: u32) {
        self.write_u64(u64::from(x));
    }

    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(23) ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn write_usize(&mut self, x: usize) {
        self.write_u64(x as u64);
    }
}

/// `HashMap` state for [`KeyHasher`].
pub(crate) type KeyHash = BuildHasherDefault<KeyHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &[f32], lda: usize, m: usize, w: &[f32], n: usize, k: usize) -> Vec<f32> {
        let mut c = vec![0.0f32; m * n];
        for i in 0..m {
            for j in 0..n {
                let mut s = 0.0f64;
                for kk in 0..k {
                    s += f64::from(a[i * lda + kk]) * f64::from(w[j * k + kk]);
                }
                c[i * n + j] = s as f32;
            }
        }
        c
    }

    #[test]
    fn packed_product_matches_the_definition() {
        // Odd sizes cover partial tiles, several K slices and M blocks, overlapping rows.
        for &(m, n, k, lda) in &[
            (1, 1, 1, 1),
            (7, 17, 5, 5),
            (73, 50, 300, 300),
            (150, 33, 288, 96),
            (13, 64, 600, 600),
        ] {
            let a: Vec<f32> = (0..(m - 1) * lda + k)
                .map(|i| ((i * 37 % 101) as f32 - 50.0) / 25.0)
                .collect();
            let w: Vec<f32> = (0..n * k)
                .map(|i| ((i * 53 % 97) as f32 - 48.0) / 30.0)
                .collect();
            let packed = PackedMatrix::new(&w, n, k);
            let want = naive(&a, lda, m, &w, n, k);
            let mut got = vec![f32::NAN; m * n];
            packed.matmul(&a, lda, m, &mut got, n);
            let mut port = vec![f32::NAN; m * n];
            assert_close(&got, &want, 1e-3, &format!("{m}x{n}x{k}"));
            // The portable kernel (used where the CPU lacks AVX2+FMA) agrees too.
            for i0 in (0..m).step_by(MR) {
                for p in 0..n.div_ceil(NR) {
                    let tile = Tile {
                        a: &a[i0 * lda..],
                        lda,
                        kc: k.min(KC),
                        b: &packed.data[p * k * NR..p * k * NR + k.min(KC) * NR],
                        mr: MR.min(m - i0),
                        nr: NR.min(n - p * NR),
                        accumulate: false,
                    };
                    tile.run_portable(&mut port[i0 * n + p * NR..], n);
                }
            }
            if k <= KC {
                assert_close(&got, &port, 1e-3, "portable");
            }
        }
    }

    /// `got` equals `want` within `tol` relative (plus `tol` absolute), element by element.
    fn assert_close(got: &[f32], want: &[f32], tol: f32, what: &str) {
        assert_eq!(got.len(), want.len(), "{what}: lengths");
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= tol * (1.0 + w.abs()), "{what}: {g} vs {w}");
        }
    }

    /// The Winograd F(4,3) window product equals the plain [previous, self, next] product
    /// on every row of a range, with zero rows beyond the ends and for `None` rows, from
    /// any start (tile phase) and for ranges that are not whole tiles.
    #[test]
    fn winograd_window_product_equals_the_plain_product() {
        let wide = 2 * NR + 5;
        let n_in = 3 * WIDTH;
        let w: Vec<f32> = (0..wide * n_in)
            .map(|i| ((i * 37 % 101) as f32 - 50.0) / 70.0)
            .collect();
        let wino = Winograd::new(&w, wide);
        let plain = PackedMatrix::new(&w, wide, n_in);
        let rows = 23;
        let d: Vec<f32> = (0..rows * WIDTH)
            .map(|i| ((i * 29 % 89) as f32 - 44.0) / 20.0)
            .collect();
        // Row 7 stands for a zero row (ZERO_ID); rows past `rows` do not exist.
        let row = |t: usize| (t < rows && t != 7).then(|| &d[t * WIDTH..(t + 1) * WIDTH]);
        let mut bufs = WinoBuffers::default();
        for (lo, count) in [(0, 4), (0, 24), (3, 20), (5, 8), (17, 8), (22, 4)] {
            let mut got = vec![f32::NAN; count * wide];
            wino.forward(row, lo, count, &mut bufs, &mut got);
            for (i, got) in got.chunks_exact(wide).enumerate() {
                let t = lo + i;
                let mut input = vec![0.0f32; n_in];
                for (part, src) in [t.checked_sub(1), Some(t), Some(t + 1)].iter().enumerate() {
                    if let Some(r) = src.and_then(row) {
                        input[part * WIDTH..(part + 1) * WIDTH].copy_from_slice(r);
                    }
                }
                let mut want = vec![0.0f32; wide];
                plain.matmul(&input, n_in, 1, &mut want, wide);
                assert_close(got, &want, 1e-4, &format!("row {t} (from {lo})"));
            }
        }
    }

    #[test]
    fn only_dense_blocks_take_the_winograd_path() {
        let block = |rows: &[u32]| -> Vec<Window> {
            rows.iter()
                .map(|&row| Window { ids: [0; 3], row })
                .collect()
        };
        assert_eq!(
            winograd_span(&block(&(10..42).collect::<Vec<_>>())),
            Some(32)
        );
        // Three repeats inside a span of 35 rows for 32 windows: within one in eight.
        let mut gaps: Vec<u32> = (10..46).collect();
        gaps.retain(|r| r % 9 != 0);
        assert_eq!(winograd_span(&block(&gaps)), Some(35));
        // A symbol run: the windows are spread over many rows.
        assert_eq!(winograd_span(&block(&[0, 1, 2, 50, 51, 400])), None);
        assert_eq!(winograd_span(&[]), None);
    }
}
