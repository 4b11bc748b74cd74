//! Random variates that are bit-identical on every target.
//!
//! Architecture invariant: the engine never calls `f64::ln`, `exp`, `sin`... for random
//! draws. Those bind to the platform's libm (glibc natively, a Rust port in WebAssembly)
//! and differ in the last bit, which would make a seeded noisy run differ between the CLI
//! and the browser (our cross-target test caught exactly that with rand_distr's sampler).
//! Here transcendental functions come from the pure-Rust `libm` crate and everything else
//! is IEEE-exact arithmetic (+, ×, ÷, sqrt).

use rand::{Rng, RngExt};

/// A uniform draw in [0, 1) (53 random bits, exact on every target).
#[inline]
pub fn uniform<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    rng.random::<f64>()
}

/// A standard normal draw (Marsaglia's polar method).
pub fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    loop {
        let u = 2.0 * uniform(rng) - 1.0;
        let v = 2.0 * uniform(rng) - 1.0;
        let s = u * u + v * v;
        if s > 0.0 && s < 1.0 {
            return u * (-2.0 * libm::log(s) / s).sqrt();
        }
    }
}

/// An exponential draw with the given mean.
pub fn exponential<R: Rng + ?Sized>(rng: &mut R, mean: f64) -> f64 {
    -mean * libm::log(1.0 - uniform(rng))
}

/// Rejection rounds [`gamma`] tries before settling for its mean. Marsaglia and Tsang's
/// method accepts a round with probability above 0.95 for every shape, so this is never
/// reached by a valid shape; it only guarantees termination whatever the input.
const GAMMA_MAX_ROUNDS: usize = 1000;

/// A gamma draw with shape `k` > 0 and scale `theta` (Marsaglia & Tsang 2000; shapes
/// below 1 through the boost gamma(k + 1) · U^(1/k)).
///
/// Always terminates: a shape that is not a finite number > 0 gives NaN (callers validate
/// their parameters first, see [`crate::stream::limits`]); a shape so large that the
/// method's arithmetic degenerates gives the mean k·θ (the draw's relative spread,
/// 1/√k, is then far below one ulp).
pub fn gamma<R: Rng + ?Sized>(rng: &mut R, k: f64, theta: f64) -> f64 {
    if !(k.is_finite() && k > 0.0) {
        return f64::NAN;
    }
    if k < 1.0 {
        let u = uniform(rng).max(f64::MIN_POSITIVE);
        return gamma(rng, k + 1.0, theta) * libm::pow(u, 1.0 / k);
    }
    if k > 1e15 {
        return k * theta;
    }
    let d = k - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    for _ in 0..GAMMA_MAX_ROUNDS {
        let x = standard_normal(rng);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = uniform(rng).max(f64::MIN_POSITIVE);
        if libm::log(u) < 0.5 * x * x + d - d * v + d * libm::log(v) {
            return d * v * theta;
        }
    }
    k * theta
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn gamma_terminates_for_any_shape() {
        let mut rng = StdRng::seed_from_u64(3);
        for k in [1e-300, 5e-324, 1e-160, 1e12, 1e40, 1e300, f64::MAX] {
            let g = gamma(&mut rng, k, 1.0);
            assert!(g.is_finite() && g >= 0.0, "shape {k}: {g}");
        }
        for k in [f64::INFINITY, f64::NAN, 0.0, -1.0] {
            assert!(gamma(&mut rng, k, 1.0).is_nan(), "shape {k}");
        }
        // Huge shapes: the mean (the spread is below one ulp).
        assert_eq!(gamma(&mut rng, 1e40, 2.0), 2e40);
    }

    #[test]
    fn moments_are_right() {
        let mut rng = StdRng::seed_from_u64(9);
        let n = 200_000;
        let xs: Vec<f64> = (0..n).map(|_| standard_normal(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        assert!(
            mean.abs() < 0.01 && (var - 1.0).abs() < 0.01,
            "{mean} {var}"
        );
        let ys: Vec<f64> = (0..n).map(|_| exponential(&mut rng, 3.0)).collect();
        let mean = ys.iter().sum::<f64>() / n as f64;
        assert!(
            (mean - 3.0).abs() < 0.03 && ys.iter().all(|y| *y >= 0.0),
            "{mean}"
        );
    }
}
