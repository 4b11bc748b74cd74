//! The one chart module: the grid and axes of every chart ([`mesh`], with value, count and
//! categorical axes), the series legend, histograms and grouped bars. Each generic function
//! is instantiated once per backend in the WebAssembly bundle, whatever lab calls it.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::color::{self, rgb};

/// A chart over f64 × f64, the only coordinate type of the labs' charts.
pub type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Background and foreground of every chart in the light or dark theme.
pub fn colors(dark: bool) -> (RGBColor, RGBColor) {
    let th = color::theme(dark);
    (rgb(th.bg), rgb(th.fg))
}

/// What an axis shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Axis<'a> {
    /// Any number (times, latencies).
    Value,
    /// Counts: whole numbers only.
    Count,
    /// One label per category at 0, 1, 2, … (instances, processors); the range should run
    /// from -0.5 to n - 0.5.
    Categories(&'a [String]),
}

/// The label of a count axis at `v`: the integer, or nothing between integers.
pub fn count_label(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{:.0}", v.round())
    } else {
        String::new()
    }
}

/// How many labels a count axis up to `max` asks for, so that plotters' step is never
/// below 1.
pub fn count_labels(max: f64) -> usize {
    (max.max(0.0).floor() as usize + 1).clamp(2, 10)
}

/// The label of category `v` (its name when `v` is a category's position).
pub fn category_label(v: f64, names: &[String]) -> String {
    let i = v.round();
    if (v - i).abs() < 1e-9 && i >= 0.0 && (i as usize) < names.len() {
        names[i as usize].clone()
    } else {
        String::new()
    }
}

/// The grid and axes of a chart of values, in the theme's foreground color.
pub fn mesh<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    x: &str,
    y: &str,
    fg: RGBColor,
) -> Result<(), String> {
    mesh_axes(chart, (x, Axis::Value), (y, Axis::Value), fg)
}

/// The grid and axes of every chart (one function, so plotters' mesh code is instantiated
/// once in the WebAssembly bundle): counts get integer labels, categories their names.
pub fn mesh_axes<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    (x_desc, x): (&str, Axis),
    (y_desc, y): (&str, Axis),
    fg: RGBColor,
) -> Result<(), String> {
    let label_style = ("sans-serif", 11).into_font().color(&fg);
    let (xr, yr) = (chart.x_range(), chart.y_range());
    let fmt = |axis: Axis, v: &f64| match axis {
        Axis::Value => String::new(),
        Axis::Count => count_label(*v),
        Axis::Categories(names) => category_label(*v, names),
    };
    let fx = |v: &f64| fmt(x, v);
    let fy = |v: &f64| fmt(y, v);
    let n_labels = |axis: Axis, hi: f64, default: usize| match axis {
        Axis::Value => default,
        Axis::Count => count_labels(hi),
        // Drawn below, at each category, whatever plotters' key points would be.
        Axis::Categories(_) => 0,
    };
    let mut m = chart.configure_mesh();
    m.x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(n_labels(x, xr.end, 10))
        .y_labels(n_labels(y, yr.end, 10))
        .axis_style(fg)
        .label_style(label_style.clone())
        .light_line_style(fg.mix(0.08))
        .bold_line_style(fg.mix(0.15));
    // Values keep plotters' own labels.
    if x != Axis::Value {
        m.x_label_formatter(&fx);
    }
    if y != Axis::Value {
        m.y_label_formatter(&fy);
    }
    m.draw().map_err(|e| e.to_string())?;
    if let Axis::Categories(names) = x {
        let style = label_style.pos(plotters::style::text_anchor::Pos::new(
            plotters::style::text_anchor::HPos::Center,
            plotters::style::text_anchor::VPos::Top,
        ));
        chart
            .draw_series(names.iter().enumerate().map(|(i, n)| {
                EmptyElement::at((i as f64, yr.start)) + Text::new(n.clone(), (0, 6), style.clone())
            }))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The series legend of every chart (one instantiation, as [`mesh`]).
pub fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    bg: RGBColor,
    fg: RGBColor,
) -> Result<(), String> {
    legend_at(chart, SeriesLabelPosition::UpperRight, bg, fg)
}

/// [`legend`] at a position of one's own.
pub fn legend_at<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    pos: SeriesLabelPosition,
    bg: RGBColor,
    fg: RGBColor,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(pos)
        .background_style(bg.mix(0.8))
        .border_style(fg.mix(0.3))
        .label_font(("sans-serif", 11).into_font().color(&fg))
        .draw()
        .map_err(|e| e.to_string())
}

/// One bin (or category) of grouped bars: lower edge, upper edge, count per series.
pub type Bin = (f64, f64, Vec<usize>);

/// Equal-width bins over all series' range.
pub fn bins(series: &[Vec<f64>], count: usize) -> Vec<Bin> {
    let all = series.iter().flatten().copied();
    let lo = all.clone().fold(f64::INFINITY, f64::min);
    let hi = all.fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() {
        return Vec::new();
    }
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    };
    bins_over(series, lo, hi, count)
}

/// `count` equal-width bins over [lo, hi]; values above `hi` fall in the last bin, below
/// `lo` in none.
pub fn bins_over(series: &[Vec<f64>], lo: f64, hi: f64, count: usize) -> Vec<Bin> {
    let count = count.max(1);
    let w = (hi - lo) / count as f64;
    (0..count)
        .map(|i| {
            let (a, b) = (lo + i as f64 * w, lo + (i + 1) as f64 * w);
            let last = i + 1 == count;
            let counts = series
                .iter()
                .map(|s| {
                    s.iter()
                        .filter(|&&v| (v >= a && v < b) || (last && v >= b))
                        .count()
                })
                .collect();
            (a, b, counts)
        })
        .collect()
}

/// Grouped bars: in each bin, one bar per series side by side, in the series' colors,
/// named for the legend.
pub fn draw_grouped<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    bins: &[Bin],
    names: &[String],
) -> Result<(), String> {
    let k = names.len().max(1) as f64;
    for (s, name) in names.iter().enumerate() {
        let c = rgb(color::series_color(s));
        chart
            .draw_series(bins.iter().map(|(a, b, counts)| {
                let w = (b - a) / k;
                let l = a + w * s as f64;
                let n = counts.get(s).copied().unwrap_or(0);
                Rectangle::new([(l, 0.0), (l + w * 0.9, n as f64)], c.mix(0.85).filled())
            }))
            .map_err(|e| e.to_string())?
            .label(name.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 10, y + 4)], c.filled()));
    }
    Ok(())
}

/// The highest count of `bins`, with headroom, for the y range.
pub fn count_top(bins: &[Bin], headroom: f64) -> f64 {
    bins.iter()
        .flat_map(|b| b.2.iter())
        .copied()
        .max()
        .unwrap_or(1)
        .max(1) as f64
        * headroom
}

/// A histogram of `series` (one per scheduler, named), side by side within each bin.
pub fn histogram<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    names: &[String],
    series: &[Vec<f64>],
    x_label: &str,
    dark: bool,
) -> Result<(), String> {
    histogram_with(root, names, series, x_label, "samples", dark)
}

/// [`histogram`] with a y-axis label of one's own ("jobs").
pub fn histogram_with<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    names: &[String],
    series: &[Vec<f64>],
    x_label: &str,
    y_label: &str,
    dark: bool,
) -> Result<(), String> {
    let (bg, fg) = colors(dark);
    root.fill(&bg).map_err(|e| e.to_string())?;
    let b = bins(series, 16);
    if b.is_empty() {
        return Ok(());
    }
    let mut chart = histogram_chart(root, &b, (x_label, y_label), fg)?;
    draw_grouped(&mut chart, &b, names)?;
    if names.len() > 1 {
        legend(&mut chart, bg, fg)?;
    }
    Ok(())
}

/// The chart of a histogram over `bins` (x from the first bin's lower edge to the last's
/// upper, y a count), its mesh drawn.
pub fn histogram_chart<'a, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, Shift>,
    bins: &[Bin],
    (x_label, y_label): (&str, &str),
    fg: RGBColor,
) -> Result<Chart<'a, DB>, String> {
    let (x0, x1) = match (bins.first(), bins.last()) {
        (Some(a), Some(b)) => (a.0, b.1),
        _ => (0.0, 1.0),
    };
    let mut chart = ChartBuilder::on(root)
        .margin(8)
        .x_label_area_size(34)
        .y_label_area_size(40)
        .build_cartesian_2d(x0..x1, 0.0..count_top(bins, 1.1))
        .map_err(|e| e.to_string())?;
    mesh_axes(
        &mut chart,
        (x_label, Axis::Value),
        (y_label, Axis::Count),
        fg,
    )?;
    Ok(chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of every `<text>` element of an SVG.
    pub(crate) fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| t.split_once('>').and_then(|(_, r)| r.split('<').next()))
            .map(|s| s.trim().to_string())
            .collect()
    }

    #[test]
    fn bins_count_every_sample_once() {
        let s = vec![vec![1.0, 2.0, 2.5, 4.0], vec![4.0, 4.0]];
        let b = bins(&s, 4);
        assert_eq!(b.len(), 4);
        assert_eq!(b.iter().map(|x| x.2[0]).sum::<usize>(), 4);
        assert_eq!(b.iter().map(|x| x.2[1]).sum::<usize>(), 2);
        assert_eq!(b[3].2[1], 2, "the maximum falls in the last bin");
        assert!(bins(&[vec![]], 4).is_empty());
        assert_eq!(
            bins(&[vec![3.0, 3.0]], 2)
                .iter()
                .map(|x| x.2[0])
                .sum::<usize>(),
            2
        );
        // A fixed range: values past the top count in the last bin.
        let b = bins_over(&[vec![0.0, 9.9, 50.0]], 0.0, 10.0, 2);
        assert_eq!((b[0].2[0], b[1].2[0]), (1, 2));
    }

    #[test]
    fn count_axes_have_integer_labels_and_categories_their_names() {
        assert_eq!(count_label(3.0), "3");
        assert_eq!(count_label(0.5), "");
        assert_eq!(count_labels(1.1), 2);
        assert_eq!(count_labels(400.0), 10);
        let names: Vec<String> = (1..=4).map(|i| format!("I{i}")).collect();
        assert_eq!(category_label(0.0, &names), "I1");
        assert_eq!(category_label(3.0, &names), "I4");
        assert_eq!(category_label(0.5, &names), "");
        assert_eq!(category_label(4.0, &names), "");
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (400, 240)).into_drawing_area();
            let mut chart = ChartBuilder::on(&root)
                .x_label_area_size(30)
                .y_label_area_size(40)
                .build_cartesian_2d(-0.5..3.5, 0.0..3.3)
                .unwrap();
            mesh_axes(
                &mut chart,
                ("instance", Axis::Categories(&names)),
                ("requests", Axis::Count),
                RGBColor(0, 0, 0),
            )
            .unwrap();
        }
        let t = texts(&svg);
        for n in &names {
            assert!(t.contains(n), "{n} missing from {t:?}");
        }
        let numbers: Vec<&String> = t
            .iter()
            .filter(|s| schedlab_core::util::parse_f64(s).is_some())
            .collect();
        assert!(!numbers.is_empty());
        assert!(
            numbers.iter().all(|s| s.parse::<i64>().is_ok()),
            "only integers on a count axis and none on a categorical one: {numbers:?}"
        );
    }

    #[test]
    fn histograms_render_to_svg() {
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (400, 240)).into_drawing_area();
            histogram(
                &root,
                &["heft".into(), "cpop".into()],
                &[vec![80.0, 85.0, 90.0], vec![86.0, 95.0]],
                "makespan",
                false,
            )
            .unwrap();
        }
        assert!(out.matches("<rect").count() > 5);
        assert!(texts(&out)
            .iter()
            .filter(|s| schedlab_core::util::parse_f64(s).is_some())
            .filter(|s| !s.contains('.'))
            .any(|s| s == "1"));
    }
}
