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

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("{e:?}")
}

fn draw_zone_spread(
    canvas: HtmlCanvasElement,
    zones: &[(String, usize)],
    max_skew: Option<i32>,
) -> DrawResult {
    let p = palette();
    let backend = MeasuredCanvas::new(canvas).ok_or("no canvas")?;
    let root = backend.into_drawing_area();
    root.fill(&p.background).map_err(err)?;
    let max = zones.iter().map(|z| z.1).max().unwrap_or(0).max(1) as i32;
    let min = zones.iter().map(|z| z.1).min().unwrap_or(0) as i32;
    let caption = match max_skew {
        Some(s) => format!("Running pods per zone (skew {} / maxSkew {s})", max - min),
        None => format!("Running pods per zone (skew {})", max - min),
    };
    let n = zones.len().max(1);
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 14).into_font().color(&p.text))
        .margin(8)
        .x_label_area_size(24)
        .y_label_area_size(30)
        .build_cartesian_2d((0..n).into_segmented(), 0..(max + 1))
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(p.grid)
        .bold_line_style(p.grid)
        .axis_style(p.text)
        .label_style(("sans-serif", 11).into_font().color(&p.text))
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => zones.get(*i).map(|z| z.0.clone()).unwrap_or_default(),
            _ => String::new(),
        })
        .draw()
        .map_err(err)?;
    chart
        .draw_series(zones.iter().enumerate().map(|(i, (_, count))| {
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0),
                    (SegmentValue::Exact(i + 1), *count as i32),
                ],
                p.a.mix(0.8).filled(),
            );
            bar.set_margin(0, 0, 6, 6);
            bar
        }))
        .map_err(err)?;
    if let Some(skew) = max_skew {
        // The most any zone may hold while the least-loaded zone holds `min`.
        let limit = min + skew;
        chart
            .draw_series(LineSeries::new(
                vec![
                    (SegmentValue::Exact(0), limit),
                    (SegmentValue::Exact(n), limit),
                ],
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
    let backend = MeasuredCanvas::new(canvas).ok_or("no canvas")?;
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
            "Pending vs Running over the timeline",
            ("sans-serif", 14).into_font().color(&p.text),
        )
        .margin(8)
        .x_label_area_size(24)
        .y_label_area_size(30)
        .build_cartesian_2d(0..len - 1, 0..max + 1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(p.grid)
        .bold_line_style(p.grid)
        .axis_style(p.text)
        .label_style(("sans-serif", 11).into_font().color(&p.text))
        .x_desc("frame")
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
    // labels by laying out the page (see MeasuredCanvas). Where plotters put it: middle right.
    let font = ("sans-serif", 11).into_font().color(&p.text);
    let entries = [("Running", p.a), ("Pending", p.b)];
    let text_width = entries
        .iter()
        .filter_map(|(label, _)| root.estimate_text_size(label, &font).ok())
        .map(|size| size.0 as i32)
        .max()
        .unwrap_or(48);
    let (x_range, y_range) = chart.plotting_area().get_pixel_range();
    let (width, row) = (text_width + 32, 16);
    let height = row * entries.len() as i32 + 6;
    let x0 = x_range.end - width - 5;
    let y0 = (y_range.start + y_range.end - height) / 2;
    let corners = [(x0, y0), (x0 + width, y0 + height)];
    root.draw(&Rectangle::new(corners, p.background.mix(0.8).filled()))
        .map_err(err)?;
    root.draw(&Rectangle::new(corners, p.grid)).map_err(err)?;
    for (i, (label, colour)) in entries.into_iter().enumerate() {
        let y = y0 + 3 + row * i as i32 + row / 2;
        root.draw(&PathElement::new(
            vec![(x0 + 6, y), (x0 + 20, y)],
            colour.stroke_width(2),
        ))
        .map_err(err)?;
        let style = font.clone().pos(Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new(label, (x0 + 26, y), style))
            .map_err(err)?;
    }
    root.present().map_err(err)
}

fn draw_capacity(canvas: HtmlCanvasElement, rows: &[(String, i128, i128)]) -> DrawResult {
    let p = palette();
    let backend = MeasuredCanvas::new(canvas).ok_or("no canvas")?;
    let root = backend.into_drawing_area();
    root.fill(&p.background).map_err(err)?;
    const GI: f64 = 1024.0 * 1024.0 * 1024.0;
    let shown: Vec<&(String, i128, i128)> = rows.iter().take(12).collect();
    let max = shown.iter().map(|r| r.2 as f64 / GI).fold(1.0, f64::max);
    let n = shown.len().max(1);
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Volume capacity: bound / total (GiB)",
            ("sans-serif", 14).into_font().color(&p.text),
        )
        .margin(8)
        .x_label_area_size(24)
        .y_label_area_size(150)
        .build_cartesian_2d(0.0..max * 1.05, (0..n).into_segmented())
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(p.grid)
        .bold_line_style(p.grid)
        .axis_style(p.text)
        .label_style(("sans-serif", 11).into_font().color(&p.text))
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => shown.get(*i).map(|r| r.0.clone()).unwrap_or_default(),
            _ => String::new(),
        })
        .draw()
        .map_err(err)?;
    chart
        .draw_series(shown.iter().enumerate().map(|(i, r)| {
            let mut bar = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i)),
                    (r.2 as f64 / GI, SegmentValue::Exact(i + 1)),
                ],
                p.grid.filled(),
            );
            bar.set_margin(4, 4, 0, 0);
            bar
        }))
        .map_err(err)?;
    chart
        .draw_series(shown.iter().enumerate().map(|(i, r)| {
            let mut bar = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i)),
                    (r.1 as f64 / GI, SegmentValue::Exact(i + 1)),
                ],
                p.a.filled(),
            );
            bar.set_margin(4, 4, 0, 0);
            bar
        }))
        .map_err(err)?;
    root.present().map_err(err)
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
                <canvas id="chart-zones" ref={zone_ref} width="340" height="220" role="img" aria-label="Running pods per zone against maxSkew"></canvas>
                <canvas id="chart-timeline" ref={timeline_ref} width="340" height="220" role="img" aria-label="Pending and running pods over the timeline"></canvas>
                <canvas id="chart-capacity" ref={capacity_ref} width="420" height="220" role="img" aria-label="Bound and total volume capacity per node and class"></canvas>
            </div>
        </div>
    }
}
