//! Styles. Only the 16 standard colours are used, so the screens look the
//! same on a 16-colour console and a true-colour one; with `NO_COLOR` no
//! colour at all is set and bold, underline and reverse carry the meaning.

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn from_env() -> Self {
        // https://no-color.org: set and not empty.
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme { color: !no_color }
    }

    pub fn plain() -> Self {
        Theme { color: false }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::default().fg(c)
        } else {
            Style::default()
        }
    }

    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn accent(&self) -> Style {
        self.fg(Color::Cyan)
    }
    pub fn label(&self) -> Style {
        Style::default()
    }
    /// The focused row's label: reverse video reads without colour too.
    pub fn focused(&self) -> Style {
        if self.color {
            Style::default()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }
    pub fn value(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }
    pub fn placeholder(&self) -> Style {
        self.fg(Color::DarkGray)
            .add_modifier(Modifier::DIM | Modifier::ITALIC)
    }
    pub fn dim(&self) -> Style {
        self.fg(Color::DarkGray)
    }
    pub fn help(&self) -> Style {
        self.fg(Color::Gray)
    }
    pub fn required(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn success(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }
    pub fn warning(&self) -> Style {
        self.fg(Color::Yellow)
    }
    /// Key names in the footer.
    pub fn key(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    /// Values meant to be copied: the token, URLs.
    pub fn copyable(&self) -> Style {
        self.fg(Color::Green)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    pub fn border(&self) -> Style {
        self.fg(Color::DarkGray)
    }
    pub fn step_done(&self) -> Style {
        self.fg(Color::Green)
    }
    pub fn step_current(&self) -> Style {
        self.fg(Color::Cyan)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    pub fn step_todo(&self) -> Style {
        self.fg(Color::DarkGray)
    }
}

/// The colours a terminal can show, from its environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorDepth {
    /// The 16 basic colours, in their own codes (SGR 30–37, 90–97): what
    /// `TERM=xterm`, `linux`, `screen` or `vt100`-likes promise.
    Basic,
    /// The 256-colour palette (`38;5;N`).
    Palette256,
    /// 24-bit colour as well.
    TrueColor,
}

impl ColorDepth {
    pub fn from_env() -> ColorDepth {
        ColorDepth::detect(
            std::env::var("TERM").ok().as_deref(),
            std::env::var("COLORTERM").ok().as_deref(),
        )
    }

    /// `COLORTERM=truecolor` (or `24bit`) says 24-bit; a `TERM` naming 256
    /// colours (or direct colour) says the palette; anything else gets the
    /// 16 basic colours, which every colour terminal shows.
    pub fn detect(term: Option<&str>, colorterm: Option<&str>) -> ColorDepth {
        let term = term.unwrap_or("").to_ascii_lowercase();
        if matches!(colorterm, Some("truecolor") | Some("24bit")) || term.ends_with("-direct") {
            ColorDepth::TrueColor
        } else if term.contains("256color") {
            ColorDepth::Palette256
        } else {
            ColorDepth::Basic
        }
    }
}

/// A writer that rewrites the colours of SGR sequences (`ESC [ … m`) into
/// the 16 basic colour codes, for terminals that promise no more: the
/// terminal library writes even the basic colours as 256-colour codes
/// (`38;5;6` for cyan). Other bytes pass unchanged; a sequence split
/// across writes is held until its end arrives. With `rewrite` off it
/// passes everything through.
pub struct BasicColors<W> {
    inner: W,
    rewrite: bool,
    /// The start of an escape sequence whose end has not arrived yet.
    pending: Vec<u8>,
}

/// Longer than any SGR sequence the wizard writes: a longer "sequence" is
/// passed on as it is.
const MAX_SEQUENCE: usize = 64;

impl<W: std::io::Write> BasicColors<W> {
    pub fn new(inner: W, depth: ColorDepth) -> BasicColors<W> {
        BasicColors {
            inner,
            rewrite: depth == ColorDepth::Basic,
            pending: Vec::new(),
        }
    }

    pub fn get_ref(&self) -> &W {
        &self.inner
    }
}

impl<W: std::io::Write> std::io::Write for BasicColors<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.rewrite {
            return self.inner.write(buf);
        }
        let mut out = Vec::with_capacity(buf.len() + self.pending.len());
        for &b in buf {
            if self.pending.is_empty() {
                if b == 0x1b {
                    self.pending.push(b);
                } else {
                    out.push(b);
                }
                continue;
            }
            self.pending.push(b);
            let n = self.pending.len();
            if n == 2 && b != b'[' {
                // Not a CSI: nothing to rewrite.
                out.append(&mut self.pending);
            } else if n > 2 && (0x40..=0x7e).contains(&b) {
                if b == b'm' {
                    let params = String::from_utf8_lossy(&self.pending[2..n - 1]).to_string();
                    out.extend_from_slice(format!("\x1b[{}m", basic_sgr(&params)).as_bytes());
                    self.pending.clear();
                } else {
                    out.append(&mut self.pending);
                }
            } else if n >= MAX_SEQUENCE {
                out.append(&mut self.pending);
            }
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// SGR parameters with every 256-colour and 24-bit colour replaced by the
/// nearest basic one.
pub fn basic_sgr(params: &str) -> String {
    let parts: Vec<&str> = params.split(';').collect();
    let num = |k: usize| parts.get(k).and_then(|v| v.parse::<u32>().ok());
    let mut out: Vec<String> = Vec::with_capacity(parts.len());
    let mut i = 0;
    while i < parts.len() {
        let base = match parts[i] {
            "38" => Some(30),
            "48" => Some(40),
            _ => None,
        };
        match (base, parts.get(i + 1).copied()) {
            (Some(base), Some("5")) if num(i + 2).is_some() => {
                let n = num(i + 2).unwrap_or(0);
                out.push(basic_code(base, nearest_basic(palette_rgb(n))).to_string());
                i += 3;
            }
            (Some(base), Some("2")) if (2..5).all(|k| num(i + k).is_some()) => {
                let c = |k: usize| num(i + k).unwrap_or(0).min(255) as u8;
                out.push(basic_code(base, nearest_basic((c(2), c(3), c(4)))).to_string());
                i += 5;
            }
            _ => {
                out.push(parts[i].to_string());
                i += 1;
            }
        }
    }
    out.join(";")
}

/// 30–37 / 90–97 (foreground) or 40–47 / 100–107 (background).
fn basic_code(base: u32, index: usize) -> u32 {
    if index < 8 {
        base + index as u32
    } else {
        base + 60 + (index - 8) as u32
    }
}

/// xterm's default RGB for the 16 basic colours.
const BASIC_RGB: [(u8, u8, u8); 16] = [
    (0, 0, 0),
    (205, 0, 0),
    (0, 205, 0),
    (205, 205, 0),
    (0, 0, 238),
    (205, 0, 205),
    (0, 205, 205),
    (229, 229, 229),
    (127, 127, 127),
    (255, 0, 0),
    (0, 255, 0),
    (255, 255, 0),
    (92, 92, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 255),
];

/// The RGB of a 256-palette entry: the basic 16, the 6×6×6 cube, the greys.
fn palette_rgb(n: u32) -> (u8, u8, u8) {
    match n {
        0..=15 => BASIC_RGB[n as usize],
        16..=231 => {
            let n = n - 16;
            let level = |v: u32| if v == 0 { 0 } else { (55 + v * 40) as u8 };
            (level(n / 36), level((n / 6) % 6), level(n % 6))
        }
        _ => {
            let g = (8 + (n.min(255) - 232) * 10) as u8;
            (g, g, g)
        }
    }
}

/// The basic colour closest to `rgb`; an exact basic colour is itself.
fn nearest_basic(rgb: (u8, u8, u8)) -> usize {
    let d = |a: u8, b: u8| (i32::from(a) - i32::from(b)).pow(2);
    (0..16)
        .min_by_key(|&i| {
            let c = BASIC_RGB[i];
            d(c.0, rgb.0) + d(c.1, rgb.1) + d(c.2, rgb.2)
        })
        .unwrap_or(7)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn the_depth_follows_term_and_colorterm() {
        assert_eq!(ColorDepth::detect(Some("xterm"), None), ColorDepth::Basic);
        assert_eq!(ColorDepth::detect(Some("linux"), None), ColorDepth::Basic);
        assert_eq!(ColorDepth::detect(None, None), ColorDepth::Basic);
        assert_eq!(
            ColorDepth::detect(Some("xterm-256color"), None),
            ColorDepth::Palette256
        );
        assert_eq!(
            ColorDepth::detect(Some("xterm"), Some("truecolor")),
            ColorDepth::TrueColor
        );
    }

    #[test]
    fn palette_codes_become_basic_ones() {
        assert_eq!(basic_sgr("38;5;6"), "36");
        assert_eq!(basic_sgr("38;5;8"), "90");
        assert_eq!(basic_sgr("1;38;5;0;48;5;14"), "1;30;106");
        assert_eq!(basic_sgr("38;2;255;0;0"), "91");
        assert_eq!(basic_sgr("38;5;196"), "91");
        assert_eq!(basic_sgr("0"), "0");
    }

    #[test]
    fn sequences_split_across_writes_are_rewritten_whole() {
        let mut w = BasicColors::new(Vec::new(), ColorDepth::Basic);
        for piece in ["ab\x1b", "[38;", "5;14", "mc\x1b[2", "J\x1b7d"] {
            w.write_all(piece.as_bytes()).unwrap();
        }
        assert_eq!(
            String::from_utf8_lossy(w.get_ref()),
            "ab\x1b[96mc\x1b[2J\x1b7d"
        );
        let mut through = BasicColors::new(Vec::new(), ColorDepth::Palette256);
        through.write_all(b"\x1b[38;5;14m").unwrap();
        assert_eq!(through.get_ref(), b"\x1b[38;5;14m");
    }

    /// A frame drawn with every style of the theme, as the wizard draws it
    /// on `TERM=xterm`: no 256-colour or RGB code reaches the terminal.
    #[test]
    fn a_frame_on_a_basic_terminal_uses_only_basic_colour_codes() {
        use ratatui::backend::CrosstermBackend;
        use ratatui::text::{Line, Span};
        use ratatui::widgets::Paragraph;
        let t = Theme { color: true };
        let styles = [
            t.title(),
            t.accent(),
            t.focused(),
            t.placeholder(),
            t.dim(),
            t.help(),
            t.required(),
            t.error(),
            t.success(),
            t.warning(),
            t.key(),
            t.copyable(),
            t.border(),
            t.step_done(),
            t.step_current(),
            t.step_todo(),
        ];
        let line = Line::from(
            styles
                .iter()
                .map(|s| Span::styled("x", *s))
                .collect::<Vec<_>>(),
        );
        /// What reaches the terminal, kept for the test to read.
        #[derive(Clone, Default)]
        struct Screen(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl Write for Screen {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let screen = Screen::default();
        let depth = ColorDepth::detect(Some("xterm"), None);
        let backend = CrosstermBackend::new(BasicColors::new(screen.clone(), depth));
        let viewport = ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 40, 1));
        let mut term =
            ratatui::Terminal::with_options(backend, ratatui::TerminalOptions { viewport })
                .unwrap();
        term.draw(|f| f.render_widget(Paragraph::new(line.clone()), f.area()))
            .unwrap();
        let bytes = String::from_utf8_lossy(&screen.0.lock().unwrap()).to_string();
        assert!(bytes.contains("\x1b["), "a frame was drawn: {bytes:?}");
        for code in ["38;5", "48;5", "38;2", "48;2"] {
            assert!(!bytes.contains(code), "{code} in {bytes:?}");
        }
        assert!(bytes.contains("36"), "cyan as 36: {bytes:?}");
        assert!(bytes.contains("90"), "dark grey as 90: {bytes:?}");
    }
}
