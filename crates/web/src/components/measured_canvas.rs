//! A plotters canvas backend that measures text without laying out the page.

use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// plotters-canvas, except that text is measured by the canvas (`measureText`), and that
/// it draws at the screen's pixel density. plotters' own measure appends a span to the page
/// and reads its `offsetHeight` for every label: a forced layout of the whole page each,
/// which an edit (the page just changed) pays in full.
pub struct MeasuredCanvas {
    inner: CanvasBackend,
    context: CanvasRenderingContext2d,
    /// The size plotters lays the chart out in, in CSS pixels.
    size: (u32, u32),
}

/// Past this density a chart gains nothing visible and costs memory (and fill time).
const MAX_PIXEL_RATIO: f64 = 3.0;

impl MeasuredCanvas {
    /// A chart of `size` CSS pixels on `canvas`: the canvas gets `devicePixelRatio` device
    /// pixels per CSS pixel and its context scales to match, so a HiDPI screen shows sharp
    /// lines and text instead of a stretched bitmap, while plotters lays out in CSS pixels.
    pub fn new(canvas: HtmlCanvasElement, size: (u32, u32)) -> Option<Self> {
        let ratio = web_sys::window()
            .map(|w| w.device_pixel_ratio())
            .filter(|r| r.is_finite() && *r >= 1.0)
            .unwrap_or(1.0)
            .min(MAX_PIXEL_RATIO);
        let (width, height) = (
            (f64::from(size.0) * ratio).round() as u32,
            (f64::from(size.1) * ratio).round() as u32,
        );
        // Resizing clears the bitmap and resets the context's state; every draw repaints
        // all of it, so only a change of density pays for that.
        if canvas.width() != width || canvas.height() != height {
            canvas.set_width(width);
            canvas.set_height(height);
        }
        let context: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
        // Absolute, so drawing the chart again does not compound the scale.
        context
            .set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0)
            .ok()?;
        let inner = CanvasBackend::with_canvas_object(canvas)?;
        Some(MeasuredCanvas {
            inner,
            context,
            size,
        })
    }
}

type CanvasError = <CanvasBackend as DrawingBackend>::ErrorType;

impl DrawingBackend for MeasuredCanvas {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.present()
    }
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.fill_polygon(vert, style)
    }
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_text(text, style, pos)
    }
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        // The font string plotters-canvas draws with.
        self.context.set_font(&format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str(),
        ));
        let Ok(metrics) = self.context.measure_text(text) else {
            // No measure: plotters' own (the page layout) rather than no label.
            return self.inner.estimate_text_size(text, style);
        };
        // A line box of the font (what the span's offsetHeight gave), where the browser
        // reports it.
        let line = metrics.font_bounding_box_ascent() + metrics.font_bounding_box_descent();
        let height = if line.is_finite() && line > 0.0 {
            line
        } else {
            style.size() * 1.2
        };
        Ok((metrics.width().ceil() as u32, height.ceil() as u32))
    }
}
