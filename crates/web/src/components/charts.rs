//! Charts drawn with plotters on canvas: pods per zone against maxSkew, Pending vs
//! Running over the timeline, and bound storage per node/class.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use super::measured_canvas::MeasuredCanvas;
use super::use_pane_store;
use crate::view_model;

struct Palette {
    background: RGBColor,
    text: RGBColor,
    grid: RGBColor,
    a: RGBColor,
    b: RGBColor,
    warn: RGBColor,
}

impl Palette {
    /// Axis labels, category names and legends.
    fn label_font(&self) -> TextStyle<'static> {
        ("sans-serif", 11).into_font().color(&self.text)
    }
}

fn palette() -> Palette {
    if crate::platform::prefers_dark() {
        Palette {
            background: RGBColor(30, 33, 40),
            text: RGBColor(220, 224, 232),
            grid: RGBColor(70, 76, 88),
            a: RGBColor(96, 165, 250),
            b: RGBColor(251, 191, 36),
            warn: RGBColor(248, 113, 113),
        }
    } else {
        Palette {
            background: RGBColor(255, 255, 255),
            text: RGBColor(30, 34, 44),
            grid: RGBColor(220, 224, 230),
            a: RGBColor(37, 99, 235),
            b: RGBColor(217, 119, 6),
            warn: RGBColor(220, 38, 38),
        }
    }
}

type DrawResult = Result<(), String>;

/// Every chart's size in CSS pixels (its canvas holds `devicePixelRatio` times as many).
/// One size for all three: the row gives them one height, so a canvas of another aspect was
/// stretched out of shape; 420 px is about the width they are shown at on a desktop, where
/// a smaller canvas was scaled up and blurred.
const CHART_SIZE: (u32, u32) = (420, 272);

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

fn draw_zone_spread(
    canvas: HtmlCanvasElement,
    zones: &[(String, usize)],
    max_skew: Option<i32>,
) -> DrawResult {
    let p = palette();
    let backend = MeasuredCanvas::new(canvas, CHART_SIZE).ok_or("no canvas")?;
    let root = backend.into_drawing_area();
    root.fill(&p.background).map_err(err)?;
    let max = zones.iter().map(|z| z.1).max().unwrap_or(0).max(1) as i32;
    let min = zones.iter().map(|z| z.1).min().unwrap_or(0) as i32;
    let caption = match max_skew {
        Some(s) => format!("Running pods per zone (skew {} / maxSkew {s})", max - min),
        None => format!("Running pods per zone (skew {})", max - min),
    };
    let n = zones.len().max(1);
    // The skew limit line: the most any zone may hold while the least-loaded zone holds `min`.
    let limit = max_skew.map(|skew| min + skew);
    let top = max.max(limit.unwrap_or(0)) + 1;
    // Zone i is the band [i, i + 1] of a plain axis, named by hand below it: plotters'
    // segmented axis over 0..n has n + 1 bands, and the last one was drawn empty.
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 14).into_font().color(&p.text))
        .margin(8)
        .x_label_area_size(24)
        .y_label_area_size(30)
        .build_cartesian_2d(0.0..n as f64, 0..top)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .light_line_style(p.grid)
        .bold_line_style(p.grid)
        .axis_style(p.text)
        .label_style(p.label_font())
        .draw()
        .map_err(err)?;
    let band = chart.plotting_area().get_pixel_range().0.len() as i32 / n as i32;
    let side = bar_margin(band, 6, 90);
    chart
        .draw_series(zones.iter().enumerate().map(|(i, (_, count))| {
            let mut bar = Rectangle::new(
                [(i as f64, 0), (i as f64 + 1.0, *count as i32)],
                p.a.mix(0.8).filled(),
            );
            bar.set_margin(0, 0, side, side);
            bar
        }))
        .map_err(err)?;
    let font = p.label_font();
    for (i, (name, _)) in zones.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, 0));
        let style = font.clone().pos(Pos::new(HPos::Center, VPos::Top));
        let label = fit_label(&root, name, band - 4, &font);
        root.draw(&Text::new(label, (x, y + 6), style))
            .map_err(err)?;
    }
    if let Some(limit) = limit {
        let (x, y) = chart.backend_coord(&(n as f64, limit));
        let style = font
            .clone()
            .color(&p.warn)
            .pos(Pos::new(HPos::Right, VPos::Bottom));
        root.draw(&Text::new("maxSkew limit", (x - 4, y - 3), style))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                vec![(0.0, limit), (n as f64, limit)],
                p.warn.stroke_width(2),
            ))
            .map_err(err)?;
    }
    root.present().map_err(err)
}

fn draw_pending_running(
    canvas: HtmlCanvasElement,
    series: &[(usize, usize, usize)],
    cursor: usize,
) -> DrawResult {
    let p = palette();
    let backend = MeasuredCanvas::new(canvas, CHART_SIZE).ok_or("no canvas")?;
    let root = backend.into_drawing_area();
    root.fill(&p.background).map_err(err)?;
    let max = series
        .iter()
        .map(|s| s.1.max(s.2))
        .max()
        .unwrap_or(0)
        .max(1);
    let len = series.len().max(2);
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Pending and Running pods per frame",
            ("sans-serif", 14).into_font().color(&p.text),
        )
        .margin(8)
        .x_label_area_size(40)
        .y_label_area_size(30)
        .build_cartesian_2d(0..len - 1, 0..max + 1)
        .map_err(err)?;
    // Frames are counted from 1 on the axis, as the timeline's label and the inspector
    // count them.
    let frame_number = |x: &usize| (x + 1).to_string();
    chart
        .configure_mesh()
        .light_line_style(p.grid)
        .bold_line_style(p.grid)
        .axis_style(p.text)
        .label_style(p.label_font())
        .x_label_formatter(&frame_number)
        .draw()
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            series.iter().map(|s| (s.0, s.2)),
            p.a.stroke_width(2),
        ))
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            series.iter().map(|s| (s.0, s.1)),
            p.b.stroke_width(2),
        ))
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            vec![(cursor, 0), (cursor, max + 1)],
            p.grid.stroke_width(1),
        ))
        .map_err(err)?;
    // The legend is drawn here, not by plotters' `configure_series_labels`: that measures its
    // labels by laying out the page (see MeasuredCanvas). It sits in one row under the axis
    // labels, where it covers no line.
    let font = p.label_font();
    let entries = [("Running", p.a), ("Pending", p.b)];
    let widths: Vec<i32> = entries
        .iter()
        .map(|(label, _)| {
            root.estimate_text_size(label, &font)
                .map_or(48, |size| size.0 as i32)
        })
        .collect();
    let (key, gap) = (20, 14);
    let total: i32 = widths.iter().map(|w| key + w).sum::<i32>() + gap;
    let (x_range, y_range) = chart.plotting_area().get_pixel_range();
    let y = y_range.end + 30;
    let mut x = (x_range.start + x_range.end - total) / 2;
    for ((label, colour), width) in entries.into_iter().zip(widths) {
        root.draw(&PathElement::new(
            vec![(x, y), (x + 14, y)],
            colour.stroke_width(2),
        ))
        .map_err(err)?;
        let style = font.clone().pos(Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new(label, (x + key, y), style))
            .map_err(err)?;
        x += key + width + gap;
    }
    root.present().map_err(err)
}

fn draw_capacity(canvas: HtmlCanvasElement, rows: &[(String, i128, i128)]) -> DrawResult {
    let p = palette();
    let backend = MeasuredCanvas::new(canvas, CHART_SIZE).ok_or("no canvas")?;
    let root = backend.into_drawing_area();
    root.fill(&p.background).map_err(err)?;
    const GI: f64 = 1024.0 * 1024.0 * 1024.0;
    let shown: Vec<&(String, i128, i128)> = rows.iter().take(12).collect();
    let max = shown.iter().map(|r| r.2 as f64 / GI).fold(1.0, f64::max);
    let n = shown.len().max(1);
    const LABELS: i32 = 150;
    // Row i is the band [n - 1 - i, n - i] of a plain axis (the first row on top), named by
    // hand (see draw_zone_spread); light grid lines are left out, one per 0.1 GiB was a hatch.
    let band = |i: usize| (n - 1 - i) as f64;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Volume capacity: bound / total (GiB)",
            ("sans-serif", 14).into_font().color(&p.text),
        )
        .margin(8)
        .x_label_area_size(24)
        .y_label_area_size(LABELS)
        .build_cartesian_2d(0.0..max * 1.05, 0.0..n as f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(6)
        .x_label_formatter(&|v| {
            if max >= 10.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            }
        })
        .light_line_style(TRANSPARENT)
        .bold_line_style(p.grid)
        .axis_style(p.text)
        .label_style(p.label_font())
        .draw()
        .map_err(err)?;
    let row = chart.plotting_area().get_pixel_range().1.len() as i32 / n as i32;
    let gap = bar_margin(row, 4, 36);
    // The total first, the bound part over it.
    for (total, colour) in [(true, p.grid), (false, p.a)] {
        chart
            .draw_series(shown.iter().enumerate().map(|(i, r)| {
                let size = if total { r.2 } else { r.1 };
                let mut bar = Rectangle::new(
                    [(0.0, band(i)), (size as f64 / GI, band(i) + 1.0)],
                    colour.filled(),
                );
                bar.set_margin(gap, gap, 0, 0);
                bar
            }))
            .map_err(err)?;
    }
    let font = p.label_font();
    for (i, r) in shown.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(0.0, band(i) + 0.5));
        let style = font.clone().pos(Pos::new(HPos::Right, VPos::Center));
        let label = fit_label(&root, &r.0, LABELS - 12, &font);
        root.draw(&Text::new(label, (x - 6, y), style))
            .map_err(err)?;
    }
    root.present().map_err(err)
}

/// The margin on each side of a bar in a band of `band` pixels: at least `least`, and
/// enough that the bar is at most `widest` (one bar alone should not fill the chart).
fn bar_margin(band: i32, least: u32, widest: i32) -> u32 {
    u32::try_from((band - widest) / 2).map_or(least, |m| m.max(least))
}

/// `text`, cut short with an ellipsis where it would be wider than `width` pixels.
fn fit_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    text: &str,
    width: i32,
    font: &TextStyle,
) -> String {
    let fits = |t: &str| {
        area.estimate_text_size(t, font)
            .map_or(true, |size| size.0 as i32 <= width)
    };
    if fits(text) {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    // The longest prefix that fits with its ellipsis (labels are short: a linear walk).
    (1..chars.len())
        .rev()
        .map(|k| chars[..k].iter().collect::<String>() + "…")
        .find(|t| fits(t))
        .unwrap_or_else(|| "…".to_string())
}

/// Draws the three charts of frame `cursor` of `run` (those whose canvas is on the page).
fn draw_all(
    run: &crate::script::Run,
    cursor: usize,
    zone_ref: NodeRef,
    timeline_ref: NodeRef,
    capacity_ref: NodeRef,
) {
    let sim = &run.frames[cursor].sim;
    let series = view_model::pending_running(run.frames.iter().map(|f| &f.sim));
    let (zones, skew) = view_model::zone_spread(sim);
    let results = [
        zone_ref
            .cast::<HtmlCanvasElement>()
            .map(|c| draw_zone_spread(c, &zones, skew)),
        timeline_ref
            .cast::<HtmlCanvasElement>()
            .map(|c| draw_pending_running(c, &series, cursor)),
        capacity_ref
            .cast::<HtmlCanvasElement>()
            .map(|c| draw_capacity(c, &view_model::capacity_used(sim))),
    ];
    for r in results.into_iter().flatten() {
        if let Err(e) = r {
            gloo::console::error!(format!("chart: {e}"));
        }
    }
}

#[function_component(Charts)]
pub fn charts() -> Html {
    let store = use_pane_store();
    let zone_ref = use_node_ref();
    let timeline_ref = use_node_ref();
    let capacity_ref = use_node_ref();
    let key = (store.revision, store.cursor);
    {
        let (zone_ref, timeline_ref, capacity_ref) =
            (zone_ref.clone(), timeline_ref.clone(), capacity_ref.clone());
        // Drawn only when the frame changes, from the shared run (no snapshot copies), and
        // after the frame that shows the change is painted: the charts sit at the bottom of
        // the page, and the cluster view above should not wait for them.
        let run = store.run.clone();
        let cursor = store.cursor.min(run.frames.len() - 1);
        use_effect_with(key, move |_| {
            crate::platform::after_paint(move || {
                draw_all(&run, cursor, zone_ref, timeline_ref, capacity_ref)
            });
        });
    }
    html! {
        <div class="charts">
            <h2>{ "Charts" }</h2>
            <div class="chart-row">
                <canvas id="chart-zones" ref={zone_ref} width={CHART_SIZE.0.to_string()} height={CHART_SIZE.1.to_string()} role="img" aria-label="Running pods per zone against maxSkew"></canvas>
                <canvas id="chart-timeline" ref={timeline_ref} width={CHART_SIZE.0.to_string()} height={CHART_SIZE.1.to_string()} role="img" aria-label="Pending and running pods over the timeline"></canvas>
                <canvas id="chart-capacity" ref={capacity_ref} width={CHART_SIZE.0.to_string()} height={CHART_SIZE.1.to_string()} role="img" aria-label="Bound and total volume capacity per node and class"></canvas>
            </div>
        </div>
    }
}
