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

/// A gamma draw with shape `k` > 0 and scale `theta` (Marsaglia & Tsang 2000; shapes
/// below 1 through the boost gamma(k + 1) · U^(1/k)).
pub fn gamma<R: Rng + ?Sized>(rng: &mut R, k: f64, theta: f64) -> f64 {
    if k < 1.0 {
        let u = uniform(rng).max(f64::MIN_POSITIVE);
        return gamma(rng, k + 1.0, theta) * libm::pow(u, 1.0 / k);
    }
    let d = k - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

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
