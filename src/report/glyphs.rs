//! Text in PNG charts, drawn by fission rather than by plotters: plotters 0.3.7's
//! ab_glyph renderer drops each glyph's left side bearing and rounds every pen position
//! down to a whole pixel, which put visible gaps inside words ("coefficien t", "模拟中
//! 位数"). Here each glyph is placed at its fractional pen position with its bearing and
//! the font's kerning, and a character the first font lacks is taken from the next one
//! in the chain (the bundled Noto Sans CJK subset, then DejaVu Sans); a character no
//! bundled font has is drawn as a visible box (□) and listed by [`missing_glyphs`], so
//! that the report can name it in a warning. SVG charts store their text and are left
//! to the viewer's fonts.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use plotters::prelude::*;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, text_anchor::HPos, text_anchor::VPos,
};
use std::sync::OnceLock;

/// The bundled fonts, in fallback order for Chinese text and for Latin text.
struct Fonts {
    cjk: FontRef<'static>,
    latin: FontRef<'static>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts {
        cjk: FontRef::try_from_slice(super::plots::CJK_FONT_BYTES).expect("the bundled CJK font parses"),
        latin: FontRef::try_from_slice(super::plots::LATIN_FONT_BYTES).expect("the bundled Latin font parses"),
    })
}

/// The replacement drawn for a character no bundled font has.
const REPLACEMENT: char = '□';

/// The fonts to try for a text, first to last: Latin text in DejaVu Sans (whose word
/// spaces read better), anything with CJK in Noto Sans CJK.
fn chain(text_family: &str) -> [&'static FontRef<'static>; 2] {
    let f = fonts();
    if text_family.starts_with("DejaVu") { [&f.latin, &f.cjk] } else { [&f.cjk, &f.latin] }
}

/// The characters of `text` that no bundled font can draw (each once, in order).
/// Whitespace and control characters are not counted.
pub fn missing_glyphs(text: &str) -> Vec<char> {
    let f = fonts();
    let mut out = Vec::new();
    for c in text.chars() {
        if !c.is_whitespace()
            && !c.is_control()
            && f.cjk.glyph_id(c).0 == 0
            && f.latin.glyph_id(c).0 == 0
            && !out.contains(&c)
        {
            out.push(c);
        }
    }
    out
}

/// A glyph placed on a line: its font, id and pen position (pixels from the start).
struct Placed {
    font: &'static FontRef<'static>,
    id: ab_glyph::GlyphId,
    x: f32,
}

/// Lays `text` out at `size` pixels: each character from the first font in the chain
/// that has it (or the replacement box), advanced by its width and the kerning with the
/// previous glyph of the same font. Returns the glyphs and the line's width.
fn layout(text: &str, size: f32, family: &str) -> (Vec<Placed>, f32) {
    let fonts = chain(family);
    let scale = PxScale::from(size);
    let mut out = Vec::with_capacity(text.chars().count());
    let mut x = 0f32;
    let mut prev: Option<(&'static FontRef<'static>, ab_glyph::GlyphId)> = None;
    for c in text.chars() {
        let found = fonts.iter().find(|f| f.glyph_id(c).0 != 0).map(|f| (*f, f.glyph_id(c)));
        let (font, id) = found.unwrap_or_else(|| {
            let f = fonts.iter().find(|f| f.glyph_id(REPLACEMENT).0 != 0).copied().unwrap_or(fonts[0]);
            (f, f.glyph_id(REPLACEMENT))
        });
        let scaled = font.as_scaled(scale);
        if let Some((pf, pid)) = prev
            && std::ptr::eq(pf, font)
        {
            x += scaled.kern(pid, id);
        }
        out.push(Placed { font, id, x });
        x += scaled.h_advance(id);
        prev = Some((font, id));
    }
    (out, x)
}

/// A text's box as plotters lays it out: its width, and a height of size / 1.24 (what
/// plotters' own layout uses, so that labels keep their places).
fn text_box(text: &str, size: f64, family: &str) -> (i32, i32) {
    let (_, width) = layout(text, size as f32, family);
    (width.ceil() as i32, (size / 1.24) as i32)
}

/// A bitmap backend whose text is drawn by [`layout`] (every other call goes to
/// plotters' `BitMapBackend`).
pub struct GlyphBackend<'a>(pub BitMapBackend<'a>);

impl DrawingBackend for GlyphBackend<'_> {
    type ErrorType = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<TStyle: BackendTextStyle>(
        &self,
        text: &str,
        style: &TStyle,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        let (w, h) = text_box(text, style.size(), &family_name(style));
        Ok((w.max(0) as u32, h.max(0) as u32))
    }

    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let size = style.size() as f32;
        let family = family_name(style);
        let (glyphs, width) = layout(text, size, &family);
        let (width, height) = (width.ceil() as i32, (style.size() / 1.24) as i32);
        // The anchor as plotters places it; the baseline half a size below the top.
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let trans = style.transform();
        let (w, h) = self.get_size();
        let baseline = size / 2.0;
        for g in glyphs {
            let glyph = g.id.with_scale_and_position(PxScale::from(size), point(g.x, baseline));
            let Some(outline) = g.font.outline_glyph(glyph) else { continue };
            let bounds = outline.px_bounds();
            let (x0, y0) = (bounds.min.x.floor() as i32, bounds.min.y.floor() as i32);
            let mut pixels = Vec::new();
            outline.draw(|x, y, coverage| pixels.push((x as i32 + x0, y as i32 + y0, coverage)));
            for (x, y, coverage) in pixels {
                if coverage <= 0.0 {
                    continue;
                }
                let (x, y) = trans.transform(x + dx, y + dy);
                let (x, y) = (pos.0 + x, pos.1 + y);
                if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                    let alpha = color.alpha * coverage.min(1.0) as f64;
                    self.0.draw_pixel((x, y), BackendColor { alpha, rgb: color.rgb })?;
                }
            }
        }
        Ok(())
    }
}

/// The family a style names (the bundled font chains are chosen by it).
fn family_name<S: BackendTextStyle>(style: &S) -> String {
    style.family().as_str().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyphs_keep_their_fractional_places_and_fall_back_font_by_font() {
        // Each glyph starts where the previous one's advance (and kerning) ends: no
        // rounding down per glyph, so a word is as wide as its advances add up to.
        let (placed, width) = layout("coefficient", 18.0, "DejaVu Sans");
        let f = fonts().latin.as_scaled(PxScale::from(18.0));
        let sum: f32 = "coefficient".chars().map(|c| f.h_advance(f.glyph_id(c))).sum();
        assert!((width - sum).abs() < 0.5, "{width} vs {sum}");
        assert!(placed.iter().any(|p| p.x.fract() != 0.0), "positions are fractional");
        // Latin first in DejaVu, Chinese from the CJK font, in one text.
        let (placed, _) = layout("K 模拟", 18.0, "DejaVu Sans");
        assert!(std::ptr::eq(placed[0].font, &fonts().latin));
        assert!(std::ptr::eq(placed[2].font, &fonts().cjk));
        // 🧧 is in no bundled font: named, and drawn as the replacement box.
        assert_eq!(missing_glyphs("七夕🧧 a"), vec!['🧧']);
        let (placed, _) = layout("🧧", 18.0, "Noto Sans SC");
        assert_ne!(placed[0].id.0, 0, "the box, not the empty .notdef glyph");
    }

    /// Dark pixels of `text` drawn alone at 30 px through the backend.
    fn ink(text: &str) -> usize {
        let mut rgb = vec![255u8; 400 * 60 * 3];
        {
            let root = GlyphBackend(BitMapBackend::with_buffer(&mut rgb, (400, 60))).into_drawing_area();
            let style = super::super::plots::font_for(text, 30.0);
            root.draw(&Text::new(text.to_string(), (10, 10), style)).unwrap();
            root.present().unwrap();
        }
        rgb.chunks(3).filter(|p| p.iter().map(|&v| v as u32).sum::<u32>() < 3 * 160).count()
    }

    #[test]
    fn every_character_of_a_traditional_name_with_an_emoji_leaves_ink_or_is_named() {
        // The name: 囍, 變 and 動 came out blank with the GB2312 subset.
        let name = "七夕囍事🧧 裂變活動";
        for c in name.chars().filter(|c| !c.is_whitespace()) {
            assert!(ink(&c.to_string()) > 20, "{c} leaves no ink");
        }
        assert_eq!(missing_glyphs(name), vec!['🧧'], "only the emoji is drawn as a box, and named");
        // A glyph and the box differ: the box is the replacement, not the character.
        assert_ne!(ink("🧧"), ink("變"));
        // The name adds ink where it is written: more with it than without it.
        assert!(ink(name) > ink("七夕") + 5 * 20);
    }
}
