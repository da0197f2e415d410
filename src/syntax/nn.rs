//! Small dense-layer helpers for the syntax networks: reading float32 tensors from
//! safetensors, a row-major matrix product, and thinc's Maxout + LayerNorm.
//! (The NER has its own private copies of these; it could later use these ones.)

use safetensors::SafeTensors;

use super::SyntaxError;

/// Reads a float32 tensor and checks its shape.
pub(crate) fn tensor(
    st: &SafeTensors,
    name: &str,
    shape: &[usize],
) -> Result<Vec<f32>, SyntaxError> {
    let bad = |why: String| SyntaxError::Weights(format!("{name}: {why}"));
    let view = st.tensor(name).map_err(|e| bad(e.to_string()))?;
    if view.shape() != shape {
        return Err(bad(format!("shape {:?}, expected {shape:?}", view.shape())));
    }
    if view.dtype() != safetensors::Dtype::F32 {
        return Err(bad("not float32".into()));
    }
    Ok(view
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect())
}

/// `out` (m x n) = `a` (m x k) times the transpose of `w` (n x k), all row-major.
pub(crate) fn gemm_bt(a: &[f32], w: &[f32], m: usize, k: usize, n: usize, out: &mut [f32]) {
    assert!(a.len() >= m * k && w.len() >= n * k && out.len() >= m * n);
    if m == 0 || n == 0 {
        return;
    }
    // SAFETY: the asserts above guarantee the three buffers cover the row-major shapes the
    // strides describe.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            k as isize,
            1,
            w.as_ptr(),
            1,
            k as isize,
            0.0,
            out.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

/// thinc's `Maxout(nO, nI, nP) >> LayerNorm(nO)`.
pub(crate) struct MaxoutNorm {
    /// (n_out * pieces) x n_in, row-major (thinc's (nO, nP, nI)).
    w: Vec<f32>,
    /// n_out * pieces.
    b: Vec<f32>,
    gain: Vec<f32>,
    shift: Vec<f32>,
    n_in: usize,
    n_out: usize,
    pieces: usize,
}

impl MaxoutNorm {
    pub(crate) fn load(
        st: &SafeTensors,
        name: &str,
        n_out: usize,
        pieces: usize,
        n_in: usize,
    ) -> Result<Self, SyntaxError> {
        Ok(MaxoutNorm {
            w: tensor(st, &format!("{name}.maxout.W"), &[n_out, pieces, n_in])?,
            b: tensor(st, &format!("{name}.maxout.b"), &[n_out, pieces])?,
            gain: tensor(st, &format!("{name}.norm.G"), &[n_out])?,
            shift: tensor(st, &format!("{name}.norm.b"), &[n_out])?,
            n_in,
            n_out,
            pieces,
        })
    }

    /// Applies the layer to `m` rows of `x` (m x n_in) into `out` (m x n_out).
    pub(crate) fn forward(&self, x: &[f32], m: usize, scratch: &mut Vec<f32>, out: &mut [f32]) {
        let wide = self.n_out * self.pieces;
        scratch.clear();
        scratch.resize(m * wide, 0.0);
        gemm_bt(x, &self.w, m, self.n_in, wide, scratch);
        let n = self.n_out as f32;
        for (pre, y) in scratch
            .chunks_exact(wide)
            .zip(out.chunks_exact_mut(self.n_out))
        {
            for (o, v) in y.iter_mut().enumerate() {
                let base = o * self.pieces;
                let mut best = pre[base] + self.b[base];
                for p in 1..self.pieces {
                    best = best.max(pre[base + p] + self.b[base + p]);
                }
                *v = best;
            }
            let mean = y.iter().sum::<f32>() / n;
            let var = y.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n + 1e-8;
            let inv = 1.0 / var.sqrt();
            for ((v, g), s) in y.iter_mut().zip(&self.gain).zip(&self.shift) {
                *v = (*v - mean) * inv * g + s;
            }
        }
    }
}
