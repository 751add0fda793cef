//! Colours and styles: a dark and a light palette, and a monochrome one when NO_COLOR is set.
use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThemeName {
    Dark,
    Light,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub name: ThemeName,
    pub mono: bool,
    pub text: Style,
    pub muted: Style,
    pub title: Style,
    pub accent: Style,
    pub selected: Style,
    pub good: Style,
    pub bad: Style,
    pub warn: Style,
    pub code: Style,
    pub callout: Style,
    pub link: Style,
    pub heading: Style,
}

impl Theme {
    /// `no_color` follows the NO_COLOR convention: any non-empty value turns colour off.
    pub fn new(name: ThemeName, no_color: bool) -> Theme {
        if no_color {
            let plain = Style::new();
            return Theme {
                name,
                mono: true,
                text: plain,
                muted: plain.add_modifier(Modifier::DIM),
                title: plain.add_modifier(Modifier::BOLD),
                accent: plain.add_modifier(Modifier::BOLD),
                selected: plain.add_modifier(Modifier::REVERSED),
                good: plain.add_modifier(Modifier::BOLD),
                bad: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
                warn: plain.add_modifier(Modifier::BOLD),
                code: plain,
                callout: plain.add_modifier(Modifier::BOLD),
                link: plain.add_modifier(Modifier::UNDERLINED),
                heading: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            };
        }
        let (text, muted, accent, good, bad, warn, code, sel_bg) = match name {
            ThemeName::Dark => (
                Color::Gray,
                Color::DarkGray,
                Color::Cyan,
                Color::Green,
                Color::LightRed,
                Color::Yellow,
                Color::LightMagenta,
                Color::Rgb(40, 60, 90),
            ),
            ThemeName::Light => (
                Color::Black,
                Color::DarkGray,
                Color::Blue,
                Color::Rgb(0, 120, 0),
                Color::Red,
                Color::Rgb(150, 100, 0),
                Color::Magenta,
                Color::Rgb(200, 220, 250),
            ),
        };
        Theme {
            name,
            mono: false,
            text: Style::new().fg(text),
            muted: Style::new().fg(muted),
            title: Style::new().fg(accent).add_modifier(Modifier::BOLD),
            accent: Style::new().fg(accent),
            selected: Style::new().bg(sel_bg).add_modifier(Modifier::BOLD),
            good: Style::new().fg(good).add_modifier(Modifier::BOLD),
            bad: Style::new().fg(bad).add_modifier(Modifier::BOLD),
            warn: Style::new().fg(warn).add_modifier(Modifier::BOLD),
            code: Style::new().fg(code),
            callout: Style::new().fg(warn),
            link: Style::new().fg(accent).add_modifier(Modifier::UNDERLINED),
            heading: Style::new().fg(accent).add_modifier(Modifier::BOLD),
        }
    }

    pub fn parse(s: &str) -> Option<ThemeName> {
        match s {
            "dark" => Some(ThemeName::Dark),
            "light" => Some(ThemeName::Light),
            _ => None,
        }
    }
}
