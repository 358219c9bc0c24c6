//! What the topology paints with. Every ink names a CSS custom property, so
//! `app/style.css` holds the one table of colour values (light and dark):
//! the legend, the tables' status dots and the canvas all read it, and the
//! theme in force picks the column.

use serde::{Deserialize, Serialize};
use shared::Status;

/// The colour of a node status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Tone {
    Ok,
    Running,
    Degraded,
    Error,
    Starting,
    Idle,
    Stopped,
    /// A status this client does not know.
    Other,
}

/// A colour the canvas uses: a status, or one of the scene's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Ink {
    Background,
    Status(Tone),
    HealthyEdge,
    BadEdge,
    Label,
    Selection,
    /// A group box's fill, its outline (and a region's), and its texts.
    BoxFill,
    Outline,
    Text,
}

impl Tone {
    /// In the legend's order.
    pub const ALL: [Tone; 8] =
        [Tone::Ok, Tone::Running, Tone::Degraded, Tone::Error, Tone::Starting, Tone::Idle, Tone::Stopped, Tone::Other];

    /// Healthy first, trouble last: where markers overlap (far zoomed out),
    /// the many healthy nodes are painted under the few that need a look,
    /// and errors over everything.
    pub const PAINT_ORDER: [Tone; 8] =
        [Tone::Ok, Tone::Running, Tone::Idle, Tone::Starting, Tone::Stopped, Tone::Other, Tone::Degraded, Tone::Error];

    pub fn of(status: &Status) -> Tone {
        match status {
            Status::Ok => Tone::Ok,
            Status::Running => Tone::Running,
            Status::Degraded => Tone::Degraded,
            Status::Error => Tone::Error,
            Status::Starting => Tone::Starting,
            Status::Idle => Tone::Idle,
            Status::Stopped => Tone::Stopped,
            Status::Other(_) => Tone::Other,
        }
    }

    /// The class that gives a dot or a status text this colour.
    pub fn class(self) -> &'static str {
        match self {
            Tone::Ok => "st-ok",
            Tone::Running => "st-running",
            Tone::Degraded => "st-degraded",
            Tone::Error => "st-error",
            Tone::Starting => "st-starting",
            Tone::Idle => "st-idle",
            Tone::Stopped => "st-stopped",
            Tone::Other => "st-unknown",
        }
    }

    /// The custom property holding the colour in the theme in force.
    pub fn css_property(self) -> &'static str {
        match self {
            Tone::Ok => "--ok",
            Tone::Running => "--running",
            Tone::Degraded => "--degraded",
            Tone::Error => "--error",
            Tone::Starting => "--starting",
            Tone::Idle => "--idle",
            Tone::Stopped => "--stopped",
            Tone::Other => "--unknown",
        }
    }

    /// The word the legend shows.
    pub fn legend_label(self) -> &'static str {
        match self {
            Tone::Other => "other",
            tone => tone.class().trim_start_matches("st-"),
        }
    }
}

impl Ink {
    /// Every ink.
    pub const ALL: [Ink; 16] = [
        Ink::Background,
        Ink::Status(Tone::Ok),
        Ink::Status(Tone::Running),
        Ink::Status(Tone::Degraded),
        Ink::Status(Tone::Error),
        Ink::Status(Tone::Starting),
        Ink::Status(Tone::Idle),
        Ink::Status(Tone::Stopped),
        Ink::Status(Tone::Other),
        Ink::HealthyEdge,
        Ink::BadEdge,
        Ink::Label,
        Ink::Selection,
        Ink::BoxFill,
        Ink::Outline,
        Ink::Text,
    ];

    /// The custom property holding the colour in the theme in force.
    pub fn css_property(self) -> &'static str {
        match self {
            Ink::Background => "--panel",
            Ink::Status(tone) => tone.css_property(),
            Ink::HealthyEdge => "--muted",
            Ink::BadEdge => "--error",
            Ink::Label => "--topology-label",
            Ink::Selection => "--accent",
            Ink::BoxFill => "--panel-2",
            Ink::Outline => "--line",
            Ink::Text => "--text",
        }
    }
}

/// Each ink's colour in the theme in force, read from the page's
/// stylesheet (a paint worker has none: it is sent one with each frame).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Palette(Vec<(Ink, String)>);

impl Palette {
    /// Every ink's colour, from `colour_of(css_property)`.
    pub fn read(colour_of: impl Fn(&str) -> String) -> Palette {
        Palette(Ink::ALL.iter().map(|ink| (*ink, colour_of(ink.css_property()))).collect())
    }

    /// The colour of `ink` ("" if it has none).
    pub fn colour(&self, ink: Ink) -> &str {
        self.0.iter().find(|(known, _)| *known == ink).map_or("", |(_, colour)| colour.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STYLE_CSS: &str = include_str!("../../style.css");
    /// The dark theme's panel, the canvas background.
    const DARK_PANEL: &str = "#171b23";

    /// The value of `--{name}: #rrggbb;` in the stylesheet.
    fn hex_value(name: &str) -> Option<&'static str> {
        let start = STYLE_CSS.find(&format!("{name}: #"))? + name.len() + 2;
        STYLE_CSS.get(start..start + 7)
    }

    /// WCAG relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(hex.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0)) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn the_stylesheet_has_a_light_and_a_dark_colour_for_every_ink() {
        let inks = Tone::ALL.map(Ink::Status).into_iter().chain([Ink::Label]);
        for ink in inks {
            let property = ink.css_property();
            let (light, dark) = (hex_value(&format!("{property}-light")), hex_value(&format!("{property}-dark")));
            assert!(light.is_some() && dark.is_some(), "{property}: light {light:?}, dark {dark:?}");
            assert_ne!(light, dark, "{property}: the dark theme needs its own colour");
            // Light by default; dark both under the system's preference and when forced.
            let uses = |column: &str| STYLE_CSS.matches(&format!("{property}: var({property}-{column});")).count();
            assert_eq!((uses("light"), uses("dark")), (1, 2), "{property}: how the themes pick a column");
        }
    }

    /// A paint worker paints only with the palette it is sent: an ink left
    /// out of `Ink::ALL` would be painted in no colour at all.
    #[test]
    fn the_palette_holds_every_ink_once() {
        let every_ink = [Ink::Background, Ink::HealthyEdge, Ink::BadEdge, Ink::Label, Ink::Selection]
            .into_iter()
            .chain([Ink::BoxFill, Ink::Outline, Ink::Text])
            .chain(Tone::ALL.map(Ink::Status));
        let palette = Palette::read(|property| format!("colour of {property}"));
        let mut seen = std::collections::HashSet::new();
        for ink in every_ink {
            assert_eq!(palette.colour(ink), format!("colour of {}", ink.css_property()), "{ink:?}");
            assert!(seen.insert(ink), "{ink:?} twice");
        }
        assert_eq!(Ink::ALL.len(), seen.len());
        assert!(Ink::ALL.iter().all(|ink| seen.contains(ink)));
    }

    #[test]
    fn dark_status_colours_stand_out_on_the_dark_panel() {
        for tone in Tone::ALL {
            let dark = hex_value(&format!("{}-dark", tone.css_property())).unwrap_or("#000000");
            let ratio = contrast(dark, DARK_PANEL);
            assert!(ratio >= 4.5, "{tone:?}: {dark} on {DARK_PANEL} has contrast {ratio:.2}");
        }
        // The checker itself: black on white is 21:1, a colour on itself 1:1.
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 1e-9);
        assert!((contrast(DARK_PANEL, DARK_PANEL) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn the_canvas_inks_are_the_themes_colours() {
        let cases = [
            (Ink::Background, "--panel"),
            (Ink::Status(Tone::Ok), "--ok"),
            (Ink::Status(Tone::Other), "--unknown"),
            (Ink::HealthyEdge, "--muted"),
            (Ink::BadEdge, "--error"),
            (Ink::Label, "--topology-label"),
            (Ink::Selection, "--accent"),
            (Ink::BoxFill, "--panel-2"),
            (Ink::Outline, "--line"),
            (Ink::Text, "--text"),
        ];
        for (ink, property) in cases {
            assert_eq!(ink.css_property(), property);
            assert!(STYLE_CSS.contains(&format!("{property}:")), "{property} is not in style.css");
        }
    }

    #[test]
    fn every_status_has_its_tone_class_and_legend_word() {
        let cases = [
            (Status::Ok, "st-ok", "ok"),
            (Status::Running, "st-running", "running"),
            (Status::Degraded, "st-degraded", "degraded"),
            (Status::Error, "st-error", "error"),
            (Status::Starting, "st-starting", "starting"),
            (Status::Idle, "st-idle", "idle"),
            (Status::Stopped, "st-stopped", "stopped"),
            (Status::Other("rebooting".into()), "st-unknown", "other"),
        ];
        for (status, class, word) in cases {
            let tone = Tone::of(&status);
            assert_eq!((tone.class(), tone.legend_label()), (class, word), "{status:?}");
            // The tables' dots use the same classes.
            assert_eq!(crate::format::status_class(&status), class, "{status:?}");
        }
    }

    #[test]
    fn paint_order_has_every_tone_once_from_ok_to_error() {
        let mut sorted = Tone::PAINT_ORDER.map(|tone| tone.class());
        sorted.sort_unstable();
        let mut all = Tone::ALL.map(|tone| tone.class());
        all.sort_unstable();
        assert_eq!(sorted, all);
        assert_eq!((Tone::PAINT_ORDER.first(), Tone::PAINT_ORDER.last()), (Some(&Tone::Ok), Some(&Tone::Error)));
    }
}
